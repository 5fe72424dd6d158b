import { startTestApp, TestApp } from '../support/app';
import { http } from '../support/http';

const LIMIT = 4;

describe('rate limit: one budget per client across every route', () => {
  const apps: TestApp[] = [];
  afterAll(() => Promise.all(apps.map((a) => a.close())));

  async function appWith(overrides: Record<string, string> = {}): Promise<TestApp> {
    const app = await startTestApp({ RATE_LIMIT_PER_MINUTE: String(LIMIT), ...overrides });
    apps.push(app);
    return app;
  }

  it('two different routes and an unknown path spend the same budget; the next request gets 429 in its surface shape', async () => {
    const t = await appWith();
    const spent = [
      await http(t.baseUrl, 'GET', '/tenant'),
      await http(t.baseUrl, 'GET', '/users/me'),
      await http(t.baseUrl, 'GET', '/no/such/path'),
      await http(t.baseUrl, 'GET', '/admin/tenants', { headers: { 'x-admin-token': t.adminToken } }),
    ];
    expect(spent.map((r) => r.status)).toEqual([401, 401, 404, 200]);
    expect(spent.map((r) => r.headers.get('x-ratelimit-remaining'))).toEqual(['3', '2', '1', '0']);

    const unknown = await http(t.baseUrl, 'GET', '/another/unknown/path');
    expect(unknown.status).toBe(429);
    expect(unknown.body).toEqual({ statusCode: 429, error: 'Too Many Requests', code: 'RATE_LIMITED', message: 'Too many requests' });
    const retryAfter = Number(unknown.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const ics = await http(t.baseUrl, 'GET', '/ics');
    expect(ics.status).toBe(429);
    expect(ics.body).toEqual({ status: 'failure', 'error-code': 'E1785', 'error-info': 'Too many requests: slow down and retry later.' });

    // Probes are not clients: they keep answering.
    expect((await http(t.baseUrl, 'GET', '/health')).status).toBe(200);
    expect((await http(t.baseUrl, 'GET', '/ready')).status).toBe(200);
  });

  it('with TRUST_PROXY off (the default), rotating X-Forwarded-For does not buy a fresh budget', async () => {
    const t = await appWith();
    const statuses: number[] = [];
    for (let i = 1; i <= LIMIT + 2; i++) {
      statuses.push((await http(t.baseUrl, 'GET', '/tenant', { headers: { 'x-forwarded-for': `198.51.100.${i}` } })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });

  it('with TRUST_PROXY naming the proxy, the forwarded client address is what counts', async () => {
    const t = await appWith({ TRUST_PROXY: 'loopback' });
    const asClient = (ip: string) => http(t.baseUrl, 'GET', '/tenant', { headers: { 'x-forwarded-for': ip } });
    const first: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++) first.push((await asClient('198.51.100.7')).status);
    expect(first).toEqual([401, 401, 401, 401, 429]);
    // Another client behind the same proxy has its own budget.
    expect((await asClient('203.0.113.20')).status).toBe(401);
    // The address the proxy appended (the rightmost) is the client; a spoofed one further left changes nothing.
    expect((await asClient('10.9.9.9, 198.51.100.7')).status).toBe(429);
  });

  it('a hop count trusts that many proxies', async () => {
    const t = await appWith({ TRUST_PROXY: '1' });
    for (let i = 0; i < LIMIT; i++) await http(t.baseUrl, 'GET', '/tenant', { headers: { 'x-forwarded-for': '198.51.100.8' } });
    expect((await http(t.baseUrl, 'GET', '/tenant', { headers: { 'x-forwarded-for': '198.51.100.8' } })).status).toBe(429);
    expect((await http(t.baseUrl, 'GET', '/tenant', { headers: { 'x-forwarded-for': '198.51.100.9' } })).status).toBe(401);
  });
});
