import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { tenancyConfig } from '../../test/support/tenancy-fakes';
import type { Principal } from './principal';

/** A stand-in for pg's Client: records what the cache does with its LISTEN connection. */
class FakeClient extends EventEmitter {
  static instances: FakeClient[] = [];
  static failNextConnect = false;
  queries: string[] = [];
  ended = 0;
  constructor(readonly options: { connectionString?: string }) {
    super();
    FakeClient.instances.push(this);
  }
  connect(): Promise<void> {
    if (FakeClient.failNextConnect) {
      FakeClient.failNextConnect = false;
      return Promise.reject(new Error('ECONNREFUSED'));
    }
    return Promise.resolve();
  }
  query(sql: string): Promise<void> {
    this.queries.push(sql);
    return Promise.resolve();
  }
  end(): Promise<void> {
    this.ended += 1;
    return this.ended > 1 ? Promise.reject(new Error('already ended')) : Promise.resolve();
  }
}

jest.mock('pg', () => ({ Client: jest.fn((options: { connectionString?: string }) => new FakeClient(options)) }));

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ApiKeyCache, API_KEY_REVOKED_CHANNEL } = require('./api-key-cache') as typeof import('./api-key-cache');

const principal: Principal = { tenantId: 't1', apiKeyId: 'k1', via: 'api-key' };

function makeCache(seconds = 60) {
  const notifies: unknown[][] = [];
  const dataSource = {
    options: { url: 'postgres://cache@db/app' },
    query: (sql: string, params: unknown[]) => {
      notifies.push([sql, params]);
      return Promise.resolve([]);
    },
  } as unknown as DataSource;
  return { cache: new ApiKeyCache(tenancyConfig({ apiKeyCacheSeconds: seconds }), dataSource), notifies };
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('ApiKeyCache', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    FakeClient.instances = [];
    FakeClient.failNextConnect = false;
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('listens on the revocation channel of the app database and serves keys while it does', async () => {
    const { cache } = makeCache();
    await cache.onModuleInit();
    expect(FakeClient.instances).toHaveLength(1);
    expect(FakeClient.instances[0].options).toEqual({ connectionString: 'postgres://cache@db/app' });
    expect(FakeClient.instances[0].queries).toEqual(['LISTEN cb_api_key_revoked']);
    expect(API_KEY_REVOKED_CHANNEL).toBe('cb_api_key_revoked');
    expect(cache.get('h1')).toBeUndefined();
    cache.set('h1', principal);
    expect(cache.get('h1')).toBe(principal);
    await cache.onModuleDestroy();
  });

  it('with a TTL of 0 it never listens and never serves (every key goes to the database)', async () => {
    const { cache } = makeCache(0);
    await cache.onModuleInit();
    expect(FakeClient.instances).toEqual([]);
    cache.set('h1', principal);
    expect(cache.get('h1')).toBeUndefined();
  });

  it('serves nothing before the listener is up, and a failed first connect is retried without a warning', async () => {
    jest.useFakeTimers();
    const { cache } = makeCache();
    cache.set('h1', principal);
    expect(cache.get('h1')).toBeUndefined();
    FakeClient.failNextConnect = true;
    await cache.onModuleInit();
    cache.set('h1', principal);
    expect(cache.get('h1')).toBeUndefined();
    // Nothing was being served, so nothing is reported lost.
    expect(warn).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1_000);
    await flush();
    expect(FakeClient.instances).toHaveLength(2);
    cache.set('h1', principal);
    expect(cache.get('h1')).toBe(principal);
    await cache.onModuleDestroy();
  });

  it('shuts down cleanly when it never listened (TTL 0)', async () => {
    const { cache } = makeCache(0);
    await cache.onModuleInit();
    await expect(cache.onModuleDestroy()).resolves.toBeUndefined();
  });

  it('an entry expires after the TTL (at the exact instant)', async () => {
    const { cache } = makeCache(30);
    await cache.onModuleInit();
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now);
    cache.set('h1', principal);
    clock.mockReturnValue(now + 29_999);
    expect(cache.get('h1')).toBe(principal);
    clock.mockReturnValue(now + 30_000);
    expect(cache.get('h1')).toBeUndefined();
    // Expired entries are removed, not just hidden.
    clock.mockReturnValue(now);
    expect(cache.get('h1')).toBeUndefined();
    await cache.onModuleDestroy();
  });

  it('revoking evicts here and broadcasts the hash with pg_notify', async () => {
    const { cache, notifies } = makeCache();
    await cache.onModuleInit();
    cache.set('h1', principal);
    cache.set('h2', principal);
    await cache.revoked('h1');
    expect(cache.get('h1')).toBeUndefined();
    expect(cache.get('h2')).toBe(principal);
    expect(notifies).toEqual([['SELECT pg_notify($1, $2)', ['cb_api_key_revoked', 'h1']]]);
    await cache.onModuleDestroy();
  });

  it('a notification from another replica evicts that key only (and only on our channel)', async () => {
    const { cache } = makeCache();
    await cache.onModuleInit();
    cache.set('h1', principal);
    cache.set('h2', principal);
    const client = FakeClient.instances[0];
    client.emit('notification', { channel: 'other_channel', payload: 'h1' });
    client.emit('notification', { channel: 'cb_api_key_revoked', payload: '' });
    expect([cache.get('h1'), cache.get('h2')]).toEqual([principal, principal]);
    client.emit('notification', { channel: 'cb_api_key_revoked', payload: 'h1' });
    expect([cache.get('h1'), cache.get('h2')]).toEqual([undefined, principal]);
    await cache.onModuleDestroy();
  });

  it('holds at most 10 000 entries, dropping the oldest', async () => {
    const { cache } = makeCache();
    await cache.onModuleInit();
    for (let i = 0; i < 10_000; i++) cache.set(`h${i}`, principal);
    expect(cache.get('h0')).toBe(principal);
    cache.set('h10000', principal);
    expect(cache.get('h0')).toBeUndefined();
    expect(cache.get('h1')).toBe(principal);
    expect(cache.get('h10000')).toBe(principal);
    await cache.onModuleDestroy();
  });

  it('losing the listener bypasses the cache, then reconnects with backoff and starts empty', async () => {
    jest.useFakeTimers();
    const { cache } = makeCache();
    await cache.onModuleInit();
    cache.set('h1', principal);
    const first = FakeClient.instances[0];
    const lost = new Error('connection terminated');
    first.emit('error', lost);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith({ err: lost }, 'API key revocation listener lost; serving keys from the database until it is back');
    expect(cache.get('h1')).toBeUndefined();
    cache.set('h2', principal);
    // The 'end' that follows the error does not schedule a second reconnect or log twice.
    first.emit('end');
    expect(warn).toHaveBeenCalledTimes(1);

    FakeClient.failNextConnect = true;
    jest.advanceTimersByTime(999);
    expect(FakeClient.instances).toHaveLength(1);
    jest.advanceTimersByTime(1);
    await flush();
    // That attempt failed: its client is closed, and the next try waits 2 s.
    expect(FakeClient.instances).toHaveLength(2);
    expect(FakeClient.instances[1].ended).toBe(1);
    expect(FakeClient.instances[1].queries).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(1_999);
    expect(FakeClient.instances).toHaveLength(2);
    jest.advanceTimersByTime(1);
    await flush();
    expect(FakeClient.instances).toHaveLength(3);
    expect(FakeClient.instances[2].queries).toEqual(['LISTEN cb_api_key_revoked']);
    // Back: whatever was cached before the outage is gone (h1 was set while listening, h2 never stored).
    expect(cache.get('h1')).toBeUndefined();
    expect(cache.get('h2')).toBeUndefined();
    cache.set('h3', principal);
    expect(cache.get('h3')).toBe(principal);

    // The backoff was reset by the successful reconnect: the next loss retries after 1 s again.
    FakeClient.instances[2].emit('end');
    jest.advanceTimersByTime(1_000);
    await flush();
    expect(FakeClient.instances).toHaveLength(4);
    await cache.onModuleDestroy();
  });

  it('the backoff doubles up to 30 s', async () => {
    jest.useFakeTimers();
    const { cache } = makeCache();
    await cache.onModuleInit();
    const delays: number[] = [];
    let last = Date.now();
    FakeClient.instances[0].emit('end');
    for (let attempt = 0; attempt < 7; attempt++) {
      FakeClient.failNextConnect = true;
      const before = FakeClient.instances.length;
      // Bounded: a broken backoff fails here instead of spinning until the test times out.
      for (let waited = 0; FakeClient.instances.length === before && waited < 60_000; waited += 500) {
        jest.advanceTimersByTime(500);
        await flush();
      }
      delays.push(Date.now() - last);
      last = Date.now();
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    await cache.onModuleDestroy();
  });

  it('after shutdown nothing reconnects and nothing is served', async () => {
    jest.useFakeTimers();
    const { cache } = makeCache();
    await cache.onModuleInit();
    cache.set('h1', principal);
    const client = FakeClient.instances[0];
    await cache.onModuleDestroy();
    expect(client.ended).toBe(1);
    expect(cache.get('h1')).toBeUndefined();
    client.emit('end');
    jest.advanceTimersByTime(60_000);
    await flush();
    expect(FakeClient.instances).toHaveLength(1);
    expect(warn).not.toHaveBeenCalled();
    // A second shutdown (the client refuses a second end) does not throw.
    await expect(cache.onModuleDestroy()).resolves.toBeUndefined();
  });

  it('a shutdown during a pending reconnect cancels it', async () => {
    jest.useFakeTimers();
    const { cache } = makeCache();
    await cache.onModuleInit();
    FakeClient.instances[0].emit('end');
    await cache.onModuleDestroy();
    jest.advanceTimersByTime(60_000);
    await flush();
    expect(FakeClient.instances).toHaveLength(1);
  });
});
