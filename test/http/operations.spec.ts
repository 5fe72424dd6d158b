import { startTestApp, TestApp } from '../support/app';
import { http } from '../support/http';

describe('operations endpoints and cross-cutting HTTP behaviour', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: 'https://crm.example' });
  });
  afterAll(() => t.close());

  it('/health and /ready answer without auth', async () => {
    for (let i = 0; i < 8; i++) expect((await http(t.baseUrl, 'GET', '/health')).status).toBe(200);
    expect((await http(t.baseUrl, 'GET', '/ready')).body).toEqual({ status: 'ok', database: 'up', migrations: 'applied' });
  });

  it('/metrics exposes Prometheus text with the requests served, labelled by route pattern', async () => {
    await http(t.baseUrl, 'GET', '/admin/tenants/00000000-0000-4000-8000-000000000000', { headers: { 'x-admin-token': t.adminToken } });
    const metrics = await http(t.baseUrl, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.text).toMatch(/http_requests_total\{method="GET",route="\/admin\/tenants\/:tenantId",status="404"\} 1/);
    expect(metrics.text).toContain('process_cpu_seconds_total');
  });

  it('echoes a valid x-request-id and makes one up otherwise', async () => {
    const given = await http(t.baseUrl, 'GET', '/health', { headers: { 'x-request-id': 'trace-123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    const made = await http(t.baseUrl, 'GET', '/health', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('allows only the configured CORS origins', async () => {
    const allowed = await fetch(`${t.baseUrl}/users/me`, {
      method: 'OPTIONS',
      headers: { origin: 'https://crm.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://crm.example');
    const denied = await fetch(`${t.baseUrl}/users/me`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });
});
