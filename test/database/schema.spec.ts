import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { ALL_MIGRATIONS } from '../../migrations';
import { createTestDatabase, TestDatabase } from '../support/database';

describe('schema', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(buildDataSourceOptions(db.url)).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('the migrations produce exactly what the entities describe (nothing left to generate)', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('every migration is applied once, and can be reverted and re-applied', async () => {
    const rows: Array<{ name: string }> = await dataSource.query('SELECT name FROM migrations ORDER BY id');
    expect(rows.map((r) => r.name)).toEqual(ALL_MIGRATIONS.map((m) => m.name));
    for (let i = 0; i < ALL_MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    expect(await dataSource.query(`SELECT to_regclass('public.tenants') AS t`)).toEqual([{ t: null }]);
    await dataSource.runMigrations();
    expect(await dataSource.query(`SELECT to_regclass('public.tenants') AS t`)).toEqual([{ t: 'tenants' }]);
  });
});
