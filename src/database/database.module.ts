import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { buildDataSourceOptions, DatabaseTimeouts } from './data-source-options';

/** The app's connection pool. Migrations are applied before the app starts (see main.ts). */
@Module({})
export class DatabaseModule {
  static forUrl(url: string, timeouts: DatabaseTimeouts): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot(buildDataSourceOptions(url, timeouts))],
    };
  }
}
