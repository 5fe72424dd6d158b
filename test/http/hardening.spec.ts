import { gzipSync } from 'node:zlib';
import { startTestApp, TestApp } from '../support/app';
import { createTenantWithKey, TenantFixture } from '../support/fixtures';
import { http } from '../support/http';
import { parseRawResponse, rawExchange } from '../support/raw-socket';

const ICS_SHAPE = ['error-code', 'error-info', 'status'];
const DEFAULT_SHAPE = ['code', 'error', 'message', 'statusCode'];

describe('HTTP hardening', () => {
  let t: TestApp;
  let tenant: TenantFixture;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp();
    admin = { 'x-admin-token': t.adminToken };
    tenant = await createTenantWithKey(t.baseUrl, t.adminToken, 'Hardening');
  });
  afterAll(() => t.close());

  describe('broken compressed bodies are the client’s 400, on every path, not a 500', () => {
    it.each([
      ['gzip', '/admin/tenants'],
      ['deflate', '/admin/tenants'],
      ['br', '/admin/tenants'],
      ['gzip', `/admin/tenants/${'00000000-0000-4000-8000-000000000000'}/api-keys`],
    ])('%s on POST %s', async (encoding, path) => {
      const response = await http(t.baseUrl, 'POST', path, { headers: { ...admin, 'content-type': 'application/json', 'content-encoding': encoding }, body: 'not compressed' });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', code: 'BAD_CONTENT_ENCODING', message: `Request body could not be decoded as ${encoding}` });
    });

    it('a gzip bomb stops at the body limit (413) on the admin surface too', async () => {
      const bomb = gzipSync(`{"name":"${'x'.repeat(20 * 1024 * 1024)}"}`);
      expect(bomb.length).toBeLessThan(64 * 1024);
      const response = await fetch(`${t.baseUrl}/admin/tenants`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb });
      expect(response.status).toBe(413);
      expect(((await response.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
    });
  });

  describe('deep JSON is refused before anything recursive sees it', () => {
    it.each([
      ['arrays', `${'['.repeat(5000)}${']'.repeat(5000)}`],
      ['objects', `{"name":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`],
    ])('nested %s 5000 levels on the admin API → 400', async (_kind, body) => {
      const response = await http(t.baseUrl, 'POST', '/admin/tenants', { headers: { ...admin, 'content-type': 'application/json' }, body });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', code: 'BODY_TOO_DEEP', message: 'Request body nests arrays or objects more than 32 levels deep' });
    });

    it('a body 32 levels deep still reaches validation', async () => {
      const body = `{"name":${'['.repeat(31)}${']'.repeat(31)}}`;
      const response = await http(t.baseUrl, 'POST', '/admin/tenants', { headers: { ...admin, 'content-type': 'application/json' }, body });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('valid JSON that is not an object is reported as such', () => {
    it.each(['"hello"', '123', 'true', 'null'])('%s on the admin API', async (body) => {
      const response = await http(t.baseUrl, 'POST', '/admin/tenants', { headers: { ...admin, 'content-type': 'application/json' }, body });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', code: 'BODY_NOT_OBJECT', message: 'Request body must be a JSON object' });
    });
  });

  describe('routing and surface detection agree on case (paths are case-sensitive)', () => {
    it('POST /ICS is no route and answers 404 in the default shape', async () => {
      const response = await http(t.baseUrl, 'POST', '/ICS', { headers: { 'x-api-key': tenant.apiKey }, json: { action: 'createcalendar' } });
      expect(response.status).toBe(404);
      expect(Object.keys(response.body).sort()).toEqual(DEFAULT_SHAPE);
      expect(response.body.code).toBe('NOT_FOUND');
    });

    it('POST /ics answers in the ICS shape', async () => {
      const response = await http(t.baseUrl, 'POST', '/ics', { headers: { 'x-api-key': tenant.apiKey }, json: { action: 'createcalendar' } });
      expect(response.status).toBe(400);
      expect(Object.keys(response.body).sort()).toEqual(ICS_SHAPE);
      expect(response.body['error-code']).toBe('E1711');
    });

    it.each(['/Health', '/ADMIN/tenants', '/Ics'])('GET %s is 404', async (path) => {
      const response = await http(t.baseUrl, 'GET', path, { headers: admin });
      expect(response.status).toBe(404);
      expect(Object.keys(response.body).sort()).toEqual(DEFAULT_SHAPE);
    });

    it('GET /ADMIN/tenants does not list tenants through a case variant', async () => {
      const response = await http(t.baseUrl, 'GET', '/ADMIN/tenants', { headers: admin });
      expect(Array.isArray(response.body)).toBe(false);
    });
  });

  describe('bodies of requests no route handles are not parsed', () => {
    it('malformed JSON to an unknown path is a 404, not a JSON error', async () => {
      const response = await http(t.baseUrl, 'POST', '/no/such/route', { headers: { 'content-type': 'application/json' }, body: '{"broken' });
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('NOT_FOUND');
    });

    it('an oversized body to an unknown path is a 404, not a 413', async () => {
      const response = await http(t.baseUrl, 'POST', '/no/such/route', { headers: { 'content-type': 'application/json' }, body: 'x'.repeat(300 * 1024) });
      expect(response.status).toBe(404);
    });

    it('an unsupported method on a known path is a 404 without parsing', async () => {
      const response = await http(t.baseUrl, 'PATCH', '/admin/tenants', { headers: { ...admin, 'content-type': 'application/json' }, body: '{"broken' });
      expect(response.status).toBe(404);
    });
  });

  describe('security headers', () => {
    const expectSecurityHeaders = (headers: Headers): void => {
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('x-frame-options')).toBe('DENY');
      expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(headers.get('referrer-policy')).toBe('no-referrer');
    };

    it.each([
      ['GET', '/health'],
      ['GET', '/no/such/route'],
      ['POST', '/ics'],
      ['GET', '/docs-json'],
      ['GET', '/admin/tenants'],
    ])('%s %s', async (method, path) => {
      const response = await http(t.baseUrl, method, path, { headers: admin });
      expectSecurityHeaders(response.headers);
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    });

    it('a successful ICS answer carries them too', async () => {
      const response = await http(t.baseUrl, 'GET', `/ics?${new URLSearchParams({ 'x-api-key': tenant.apiKey, action: 'createcalendar', 'event-title': 'T', 'event-description': 'D', 'event-location': 'L', 'event-start-datetime': '2025-01-01T10:00', 'event-end-datetime': '2025-01-01T11:00', 'event-timezone': 'UTC' })}`);
      expect(response.status).toBe(200);
      expectSecurityHeaders(response.headers);
    });

    it('Swagger UI at /docs loads only same-origin scripts and styles, which its CSP allows', async () => {
      const page = await http(t.baseUrl, 'GET', '/docs');
      expect(page.status).toBe(200);
      expectSecurityHeaders(page.headers);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(page.text).not.toMatch(/<script>[^<]*\S[^<]*<\/script>/); // no inline script the CSP would block
      const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      expect(assets.length).toBeGreaterThan(2);
      for (const asset of assets) {
        expect(asset).not.toMatch(/^(https?:)?\/\//);
        const response = await fetch(new URL(asset, `${t.baseUrl}/docs`));
        expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
      }
    });
  });

  describe('Cache-Control: no-store on answers that carry a new secret', () => {
    it('admin API key creation', async () => {
      const response = await http(t.baseUrl, 'POST', `/admin/tenants/${tenant.tenantId}/api-keys`, { headers: admin, json: { name: 'cache test' } });
      expect(response.status).toBe(201);
      expect(typeof response.body.key).toBe('string');
      expect(response.headers.get('cache-control')).toBe('no-store');
    });

    it('admin JWT mint', async () => {
      const response = await http(t.baseUrl, 'POST', `/admin/tenants/${tenant.tenantId}/tokens`, { headers: admin, json: { sub: 'cache-user' } });
      expect(response.status).toBe(201);
      expect(typeof response.body.accessToken).toBe('string');
      expect(response.headers.get('cache-control')).toBe('no-store');
    });

    it('every API answer, errors included (they are per-caller)', async () => {
      for (const path of ['/admin/tenants', '/tenant', '/health', '/nope']) {
        const response = await http(t.baseUrl, 'GET', path, { headers: admin });
        expect({ path, cacheControl: response.headers.get('cache-control') }).toEqual({ path, cacheControl: 'no-store' });
      }
    });
  });

  describe("Node's HTTP parser errors answer with a JSON body", () => {
    it('a header block over 16 KiB → 431 with a body', async () => {
      const exchange = await rawExchange(t.baseUrl, `GET /ics?${'a'.repeat(20 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`);
      const response = parseRawResponse(exchange.text);
      expect(response.status).toBe(431);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.body).toEqual({ statusCode: 431, error: 'Request Header Fields Too Large', code: 'HEADERS_TOO_LARGE', message: 'Request line and headers exceed 16384 bytes' });
    });

    it('a malformed request line → 400 with a body', async () => {
      const exchange = await rawExchange(t.baseUrl, 'GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
      const response = parseRawResponse(exchange.text);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', code: 'MALFORMED_REQUEST', message: 'Malformed HTTP request' });
    });
  });
});

describe('HTTP timeouts cut slow clients', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ HTTP_HEADERS_TIMEOUT_MS: '500', HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '300' });
  });
  afterAll(() => t.close());

  it('a half-sent body is answered 408 and the connection closed within the request timeout', async () => {
    const started = performance.now();
    const exchange = await rawExchange(t.baseUrl, 'POST /ics HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"action":', 5000);
    const elapsed = performance.now() - started;
    expect(exchange.closedAfterMs).toBeDefined();
    expect(elapsed).toBeLessThan(2000);
    const response = parseRawResponse(exchange.text);
    expect(response.status).toBe(408);
    expect(response.body).toEqual({ status: 'failure', 'error-code': 'E1790', 'error-info': 'Request was not received in time.' });
  });

  it('headers that never finish are cut within the headers timeout', async () => {
    const started = performance.now();
    const exchange = await rawExchange(t.baseUrl, 'GET /health HTTP/1.1\r\nHost: x\r\n', 5000);
    expect(exchange.closedAfterMs).toBeDefined();
    expect(performance.now() - started).toBeLessThan(1500);
    expect(parseRawResponse(exchange.text).status).toBe(408);
  });

  it('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const exchange = await rawExchange(t.baseUrl, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n', 5000);
    expect(exchange.text.startsWith('HTTP/1.1 200')).toBe(true);
    expect(exchange.closedAfterMs).toBeDefined();
    expect(exchange.closedAfterMs as number).toBeLessThan(1500);
  });
});

describe('requests without a body', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('a DELETE with no body reaches its route (no body is not a wrong body)', async () => {
    const tenant = await createTenantWithKey(t.baseUrl, t.adminToken, 'No body');
    const response = await http(t.baseUrl, 'DELETE', `/admin/tenants/${tenant.tenantId}/api-keys/${tenant.apiKeyId}`, { headers: { 'x-admin-token': t.adminToken } });
    expect(response.status).toBe(204);
  });
});
