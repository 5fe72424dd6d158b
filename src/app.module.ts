import { DynamicModule, MiddlewareConsumer, Module, NestModule, Type } from '@nestjs/common';
import { CommonModule } from './common/common.module';
import { AppConfig } from './common/config/app-config';
import { BodyParserMiddleware } from './common/http/body-parser.middleware';
import { HttpMetricsMiddleware } from './common/observability/http-metrics.middleware';
import { DatabaseModule } from './database/database.module';
import { ConnectionsModule } from './connections/connections.module';
import { DestinationCalendarsModule } from './destination-calendars/destination-calendars.module';
import { IcsModule } from './ics/ics.module';
import { LinksModule } from './links/links.module';
import { ProvidersModule } from './providers/providers.module';
import { SandboxModule } from './sandbox/sandbox.module';
import { TenancyModule } from './tenancy/tenancy.module';

@Module({})
export class AppModule implements NestModule {
  /** `extraModules` lets benchmarks put a baseline route behind the very same stack. */
  static forRoot(config: AppConfig, databaseUrl: string, extraModules: Type<unknown>[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CommonModule.forConfig(config),
        DatabaseModule.forUrl(databaseUrl, config.database),
        TenancyModule,
        ProvidersModule,
        SandboxModule.forConfig(config),
        ...extraModules,
        IcsModule,
        LinksModule,
        ConnectionsModule,
        DestinationCalendarsModule,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware, BodyParserMiddleware).forRoutes('*path');
  }
}
