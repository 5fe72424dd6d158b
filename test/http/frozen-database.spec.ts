import { NestExpressApplication } from '@nestjs/platform-express';
import { listenOnLoopback, testEnv } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createTenantWithKey } from '../support/fixtures';
import { FreezableProxy, startFreezableProxy } from '../support/freezable-proxy';
import { http } from '../support/http';

jest.setTimeout(60_000);

/** The answer and how long it took; a request still hanging after 15 s is aborted so the test fails instead of waiting. */
async function timed(baseUrl: string, path: string, headers: Record<string, string> = {}) {
  const started = Date.now();
  const response = await fetch(`${baseUrl}${path}`, { headers, signal: AbortSignal.timeout(15_000) });
  return { status: response.status, body: await response.json(), ms: Date.now() - started };
}

describe('a database that stops answering', () => {
  let db: TestDatabase;
  let proxy: FreezableProxy;
  let app: NestExpressApplication;
  let baseUrl: string;
  /** A second replica with the default timeouts (15 s statements): /ready's own 2 s deadline is what bounds it. */
  let defaults: NestExpressApplication;
  let defaultsUrl: string;
  let apiKey: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const direct = new URL(db.url);
    proxy = await startFreezableProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    const env = testEnv(viaProxy.toString(), { API_KEY_CACHE_SECONDS: '0', DB_CONNECT_TIMEOUT_MS: '1000', DB_STATEMENT_TIMEOUT_MS: '1000' });
    ({ app, baseUrl } = await listenOnLoopback(env, viaProxy.toString()));
    ({ app: defaults, baseUrl: defaultsUrl } = await listenOnLoopback(testEnv(viaProxy.toString()), viaProxy.toString()));
    const admin = await listenOnLoopback(testEnv(db.url), db.url);
    ({ apiKey } = await createTenantWithKey(admin.baseUrl, admin.config.adminToken, 'Frozen DB'));
    await admin.app.close();
  });
  afterAll(async () => {
    proxy.thaw();
    await app.close();
    await defaults.close();
    await proxy.close();
    await db.drop();
  });

  it('answers /ready and authenticated requests with 503 within the bound instead of hanging, and recovers when it answers again', async () => {
    expect((await timed(baseUrl, '/ready')).status).toBe(200);
    expect((await timed(defaultsUrl, '/ready')).status).toBe(200);
    expect((await timed(baseUrl, '/tenant', { cb_key: apiKey })).status).toBe(200);

    proxy.freeze();
    const [ready, readyWithDefaults] = await Promise.all([timed(baseUrl, '/ready'), timed(defaultsUrl, '/ready')]);
    // The pool's 1.5 s read timeout answers first here; with the defaults, /ready's 2 s deadline does.
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ statusCode: 503, error: 'Service Unavailable', code: 'NOT_READY', message: 'Database is not reachable' });
    expect(ready.ms).toBeLessThan(3_000);
    expect(readyWithDefaults.status).toBe(503);
    expect(readyWithDefaults.body).toEqual({ statusCode: 503, error: 'Service Unavailable', code: 'NOT_READY', message: 'Database did not answer within 2 s' });
    expect(readyWithDefaults.ms).toBeGreaterThanOrEqual(1_900);
    expect(readyWithDefaults.ms).toBeLessThan(3_000);

    const tenant = await timed(baseUrl, '/tenant', { cb_key: apiKey });
    expect(tenant.status).toBe(503);
    // The key check is the first query: the guard answers 503 itself (never 401) when it cannot check the key.
    expect(tenant.body).toEqual({ statusCode: 503, error: 'Service Unavailable', code: 'SERVICE_UNAVAILABLE', message: 'Service unavailable: the credential could not be checked, retry later' });
    expect(tenant.ms).toBeLessThan(3_000);

    proxy.thaw();
    let recovered = 0;
    for (let attempt = 0; attempt < 20 && recovered !== 200; attempt++) {
      recovered = (await timed(baseUrl, '/tenant', { cb_key: apiKey })).status;
      if (recovered !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(recovered).toBe(200);
    expect((await timed(baseUrl, '/ready')).status).toBe(200);
  });
});
