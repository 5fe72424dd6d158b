import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { SecretBox } from './crypto/secret-box';
import { MetricsService } from './observability/metrics.service';
import { HealthController } from './observability/health.controller';

/** Config, the secret box and metrics: available everywhere. */
@Global()
@Module({})
export class CommonModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: CommonModule,
      controllers: [HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: SecretBox, useFactory: () => new SecretBox(config.encryptionKey) },
        MetricsService,
      ],
      exports: [APP_CONFIG, SecretBox, MetricsService],
    };
  }
}
