import { Client } from 'pg';
import { createTestDatabase } from './database';

describe('test harness', () => {
  it('gives each file a fresh database cloned from the migrated template', async () => {
    const db = await createTestDatabase();
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ name: string }>('SELECT current_database() AS name');
    expect(rows[0].name).toBe(db.name);
    const tables = await client.query(`SELECT to_regclass('public.migrations') AS t`);
    expect(tables.rows[0].t).toBe('migrations');
    await client.end();
    await db.drop();
  });
});
