import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options';

/** Arbitrary constant: every replica asks for the same advisory lock before migrating. */
export const MIGRATION_LOCK_KEY = 4_711_2026;

/**
 * Runs pending migrations while holding a session-level advisory lock, so that
 * replicas booting together migrate once: the first one migrates, the others
 * wait for the lock and then find nothing pending.
 */
export async function runMigrationsWithLock(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

/** Opens a short-lived connection, migrates, closes: used by tooling and the test template. */
export async function runMigrationsOnce(url: string): Promise<string[]> {
  const dataSource = new DataSource(buildDataSourceOptions(url));
  await dataSource.initialize();
  try {
    return await runMigrationsWithLock(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
