import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../src/common/config/app-config';
import { API_KEY_REVOKED_CHANNEL, ApiKeyCache } from '../../src/tenancy/api-key-cache';
import { Principal } from '../../src/tenancy/principal';
import { createTestDatabase, TestDatabase } from '../support/database';

const CLOSED_PORT_URL = 'postgres://postgres@127.0.0.1:1/nowhere';

/** The cache may serve a key only while it can hear revocations. */
describe('ApiKeyCache while its revocation listener is down', () => {
  let database: TestDatabase;
  let admin: Client;
  let options: { url: string };
  let cache: ApiKeyCache;
  const principal: Principal = { tenantId: '00000000-0000-4000-8000-000000000001', apiKeyId: 'k', via: 'api-key' };

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = new Client({ connectionString: database.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.end();
    await database.drop();
  });
  beforeEach(async () => {
    options = { url: database.url };
    const dataSource = { options, query: (sql: string, params: unknown[]) => admin.query(sql, params) } as unknown as DataSource;
    cache = new ApiKeyCache({ apiKeyCacheSeconds: 300 } as AppConfig, dataSource);
    await cache.onModuleInit();
  });
  afterEach(() => cache.onModuleDestroy());

  const listenerPids = async (): Promise<number[]> =>
    (await admin.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = $1`, [`LISTEN ${API_KEY_REVOKED_CHANNEL}`])).rows.map((r) => r.pid);
  async function until(condition: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!(await condition()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    return condition();
  }

  it('serves a key while listening, stops the moment the listener is lost, and drops old entries on reconnect', async () => {
    cache.set('hash-1', principal);
    expect(cache.get('hash-1')).toEqual(principal);

    options.url = CLOSED_PORT_URL; // reconnects fail until the test allows them
    const [pid] = await listenerPids();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    expect(await until(() => cache.get('hash-1') === undefined, 5_000)).toBe(true);
    cache.set('hash-2', principal);
    expect(cache.get('hash-2')).toBeUndefined();

    options.url = database.url;
    expect(await until(async () => { const pids = await listenerPids(); return pids.length === 1 && pids[0] !== pid; }, 10_000)).toBe(true);
    expect(await until(() => { cache.set('probe', principal); return cache.get('probe') !== undefined; }, 5_000)).toBe(true);
    // Back to serving, but nothing learnt before the outage survives it.
    expect(cache.get('hash-1')).toBeUndefined();
    cache.set('hash-3', principal);
    expect(cache.get('hash-3')).toEqual(principal);
  }, 20_000);

  it('evicts on a revoke notification from another replica', async () => {
    cache.set('hash-4', principal);
    await admin.query('SELECT pg_notify($1, $2)', [API_KEY_REVOKED_CHANNEL, 'hash-4']);
    expect(await until(() => cache.get('hash-4') === undefined, 5_000)).toBe(true);
  });
});
