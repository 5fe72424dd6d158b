import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ALL_MIGRATIONS } from '../../migrations';
import { AppProcess, spawnApp } from '../support/app-process';
import { createEmptyDatabase, TestDatabase } from '../support/database';
import { freePort } from '../support/free-port';
import { http } from '../support/http';

jest.setTimeout(120_000);

const secrets = {
  ENCRYPTION_KEY: 'b'.repeat(64),
  ADMIN_TOKEN: 'boot-test-admin-token',
  JWT_SECRET: 'j'.repeat(40),
  SANDBOX: 'false',
};

describe('booting the real entry point', () => {
  const running: AppProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
  });

  describe('two replicas against one empty database', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createEmptyDatabase();
    });
    afterAll(() => db.drop());

    it('both come up, and the schema is migrated exactly once', async () => {
      const env = { ...secrets, DATABASE_URL: db.url, DATA_DIR: mkdtempSync(join(tmpdir(), 'cb-boot-')) };
      const [one, two] = await Promise.all([spawnApp(env), spawnApp(env)]);
      running.push(one, two);
      for (const app of [one, two]) {
        expect((await http(app.baseUrl, 'GET', '/health')).status).toBe(200);
        expect((await http(app.baseUrl, 'GET', '/ready')).body).toEqual({ status: 'ok', database: 'up', migrations: 'applied' });
      }
      const client = new Client({ connectionString: db.url });
      await client.connect();
      const { rows } = await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id');
      await client.end();
      expect(rows.map((r) => r.name)).toEqual(ALL_MIGRATIONS.map((m) => m.name));
      // One replica applied the migrations; the other waited for the lock and found none pending.
      const appliedBy = [one, two].map((app) => app.logs.join('').includes('"msg":"migrations applied"'));
      expect(appliedBy.filter(Boolean)).toHaveLength(1);
    });
  });

  it('with no DATABASE_URL runs embedded Postgres in the data folder and keeps data across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cb-embedded-'));
    const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) };
    const first = await spawnApp(env);
    running.push(first);
    const adminToken = JSON.parse(readFileSync(join(dataDir, 'sandbox-secrets.json'), 'utf8')).adminToken as string;
    const created = await http(first.baseUrl, 'POST', '/admin/tenants', { headers: { 'x-admin-token': adminToken }, json: { name: 'Survives restart' } });
    expect(created.status).toBe(201);
    expect(await first.stop()).toBe(0);
    running.pop();

    const second = await spawnApp(env);
    running.push(second);
    const listed = await http(second.baseUrl, 'GET', '/admin/tenants', { headers: { 'x-admin-token': adminToken } });
    expect(listed.status).toBe(200);
    expect(listed.body.map((t: { id: string }) => t.id)).toContain(created.body.id);
  });

  it('refuses to boot in production without provider credentials, naming what is missing', async () => {
    await expect(spawnApp({ ...secrets, SANDBOX: undefined, NODE_ENV: 'production', DATABASE_URL: 'postgres://x@127.0.0.1:1/x' }, 20_000)).rejects.toThrow(
      /exited with 78[\s\S]*GOOGLE_CLIENT_ID/,
    );
  });
});
