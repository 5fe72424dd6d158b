import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options';

/**
 * For the TypeORM CLI (`npm run migration:*`). Needs DATABASE_URL: generating a migration
 * diffs the entities against a real, migrated database.
 */
const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL must point at a Postgres database for the migration CLI');

export default new DataSource(buildDataSourceOptions(url));
