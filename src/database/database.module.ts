import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { buildDataSourceOptions, DatabaseTimeouts } from './data-source-options';
import { RepositoriesModule } from './repositories.module';

/** The app's connection pool and the shared repository layer. Migrations are applied before the app starts (see main.ts). */
@Module({})
export class DatabaseModule {
  static forUrl(url: string, timeouts: DatabaseTimeouts): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot(buildDataSourceOptions(url, timeouts)), RepositoriesModule],
      exports: [RepositoriesModule],
    };
  }
}
