import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../src/common/config/app-config';
import { API_KEY_REVOKED_CHANNEL, ApiKeyCache } from '../../src/tenancy/api-key-cache';
import { Principal } from '../../src/tenancy/principal';
import { createTestDatabase, TestDatabase } from '../support/database';

/** The cache's time-to-live, its size bound, and its off switch. */
describe('ApiKeyCache limits', () => {
  let database: TestDatabase;
  let admin: Client;
  let notifications: string[];
  const principal = (n: number): Principal => ({ tenantId: '00000000-0000-4000-8000-000000000001', apiKeyId: `k${n}`, via: 'api-key' });

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = new Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`LISTEN ${API_KEY_REVOKED_CHANNEL}`);
    admin.on('notification', (message) => notifications.push(String(message.payload)));
  });
  afterAll(async () => {
    await admin.end();
    await database.drop();
  });
  beforeEach(() => {
    notifications = [];
  });
  afterEach(() => jest.restoreAllMocks());

  async function startCache(seconds: number): Promise<ApiKeyCache> {
    const dataSource = { options: { url: database.url }, query: (sql: string, params: unknown[]) => admin.query(sql, params) } as unknown as DataSource;
    const cache = new ApiKeyCache({ apiKeyCacheSeconds: seconds } as AppConfig, dataSource);
    await cache.onModuleInit();
    return cache;
  }

  it('serves an entry until the last millisecond of its TTL and forgets it at the TTL', async () => {
    const cache = await startCache(60);
    try {
      const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
      cache.set('h', principal(1));
      now.mockReturnValue(1_000_000 + 59_999);
      expect(cache.get('h')).toEqual(principal(1));
      now.mockReturnValue(1_000_000 + 60_000);
      expect(cache.get('h')).toBeUndefined();
      now.mockReturnValue(1_000_000);
      expect(cache.get('h')).toBeUndefined(); // expired entries are deleted, not just hidden
    } finally {
      await cache.onModuleDestroy();
    }
  });

  it('holds at most 10,000 keys, dropping the oldest first', async () => {
    const cache = await startCache(300);
    try {
      for (let i = 0; i < 10_000; i++) cache.set(`h${i}`, principal(i));
      expect(cache.get('h0')).toEqual(principal(0));
      cache.set('h10000', principal(10_000));
      expect(cache.get('h0')).toBeUndefined();
      expect(cache.get('h1')).toEqual(principal(1));
      expect(cache.get('h10000')).toEqual(principal(10_000));
    } finally {
      await cache.onModuleDestroy();
    }
  });

  it('with a TTL of 0 caches nothing and opens no listener', async () => {
    const cache = await startCache(0);
    try {
      cache.set('h', principal(1));
      expect(cache.get('h')).toBeUndefined();
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query = $1 AND pid <> pg_backend_pid()`, [
        `LISTEN ${API_KEY_REVOKED_CHANNEL}`,
      ]);
      expect(rows[0].n).toBe(0);
    } finally {
      await cache.onModuleDestroy();
    }
  });

  it('a local revoke evicts at once and broadcasts the hash to the other replicas', async () => {
    const cache = await startCache(300);
    try {
      cache.set('gone', principal(1));
      cache.set('kept', principal(2));
      await cache.revoked('gone');
      expect(cache.get('gone')).toBeUndefined();
      expect(cache.get('kept')).toEqual(principal(2));
      const deadline = Date.now() + 5_000;
      while (notifications.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(notifications).toEqual(['gone']);
    } finally {
      await cache.onModuleDestroy();
    }
  });
});
