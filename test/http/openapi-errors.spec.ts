import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { SURFACE_ERROR_MODELS, SURFACE_ROUTES } from '../../src/surfaces';
import { startTestApp, TestApp } from '../support/app';
import { createTenantWithKey } from '../support/fixtures';
import { http } from '../support/http';
import { SchemaObject, schemaProblems } from '../support/openapi-schema';

interface Operation {
  operationId?: string;
  summary?: string;
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { content?: Record<string, { schema: SchemaObject }> }>;
}
interface Route {
  /** e.g. `GET /admin/tenants/{tenantId}` */
  name: string;
  method: string;
  template: string;
  /** The template with every path parameter set to a fresh UUID. */
  path: string;
  op: Operation;
}
interface Answer {
  status: number;
  contentType: string;
  body: unknown;
}

const PUBLIC_OPERATIONS = ['GET /health', 'GET /ready'];
/** Open to loopback peers; elsewhere METRICS_TOKEN (401) or refused (403). Tests run on loopback. */
const LOOPBACK_OPERATIONS = ['GET /metrics'];

/** node:http rather than fetch: fetch refuses a body on GET, and the stack parses one there too. */
function send(baseUrl: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sized = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = httpRequest(`${baseUrl}${path}`, { method, headers: sized }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const contentType = res.headers['content-type'] ?? '';
        resolve({ status: res.statusCode ?? 0, contentType, body: contentType.includes('json') && text ? JSON.parse(text) : text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function routesOf(doc: { paths: Record<string, Record<string, Operation>> }): Route[] {
  return Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      name: `${method.toUpperCase()} ${template}`,
      method: method.toUpperCase(),
      template,
      path: template.replace(/\{[^}]+\}/g, () => randomUUID()),
      op,
    })),
  );
}

/** The error schema of the surface the filter picks for this path: what the wire really carries. */
function surfaceSchemaRef(template: string): string {
  const route = SURFACE_ROUTES.find((r) => template === r.prefix || template.startsWith(`${r.prefix}/`));
  return `#/components/schemas/${SURFACE_ERROR_MODELS[route?.surface ?? 'default'].name}`;
}

const errorStatuses = (op: Operation) => Object.keys(op.responses).filter((status) => Number(status) >= 400);

describe('a client generated from the OpenAPI document', () => {
  let t: TestApp;
  let routes: Route[];
  let schemas: Record<string, SchemaObject>;
  let credentials: Record<string, Record<string, string>>;

  beforeAll(async () => {
    // Sandbox mode: the emulators are mounted too, and must not leak into the document.
    t = await startTestApp({ SANDBOX: 'true', PUBLIC_BASE_URL: 'http://localhost:18080' });
    const tenant = await createTenantWithKey(t.baseUrl, t.adminToken, 'Client view');
    const token = await http(t.baseUrl, 'POST', `/admin/tenants/${tenant.tenantId}/tokens`, { headers: { 'x-admin-token': t.adminToken }, json: { sub: 'client-view' } });
    credentials = {
      'admin-token': { 'x-admin-token': t.adminToken },
      cb_key: { cb_key: tenant.apiKey },
      'x-api-key': { 'x-api-key': tenant.apiKey },
      bearer: { authorization: `Bearer ${token.body.accessToken}` },
    };
    const doc = (await http(t.baseUrl, 'GET', '/docs-json')).body;
    schemas = doc.components.schemas;
    routes = routesOf(doc);
  });
  afterAll(() => t.close());

  /** The answer matches what the document promises for that status, in that surface's schema. */
  function expectDocumented(route: Route, answer: Answer, status: number): void {
    const documented = route.op.responses[String(status)]?.content?.['application/json']?.schema;
    expect({ route: route.name, status: answer.status, documented: Boolean(documented) }).toEqual({ route: route.name, status, documented: true });
    expect({ route: route.name, contentType: answer.contentType }).toEqual({ route: route.name, contentType: 'application/json; charset=utf-8' });
    expect({ route: route.name, problems: schemaProblems(answer.body, documented as SchemaObject, schemas) }).toEqual({ route: route.name, problems: [] });
  }

  it('covers every operation of the app (42 today: 23 + the 4 Links routes + 5 connect routes + the 7 CRM event and connection-sync routes + the 3 cal.com v2 routes), none of them a sandbox emulator route', () => {
    expect(routes).toHaveLength(42);
    expect(routes.filter((r) => r.template.startsWith('/sandbox'))).toEqual([]);
  });

  it('every operation has a summary, a unique operationId and an explicit security requirement', () => {
    for (const route of routes) {
      expect({ route: route.name, summary: Boolean(route.op.summary?.trim()), operationId: Boolean(route.op.operationId), security: Array.isArray(route.op.security) }).toEqual({
        route: route.name,
        summary: true,
        operationId: true,
        security: true,
      });
    }
    expect(new Set(routes.map((r) => r.op.operationId)).size).toBe(routes.length);
    expect(routes.filter((r) => r.op.security?.length === 0).map((r) => r.name).sort()).toEqual(PUBLIC_OPERATIONS);
    expect(routes.find((r) => r.name === 'GET /metrics')?.op.security).toEqual([{}, { 'metrics-token': [] }]);
  });

  it('the GET /ics link names both ways to send the key: header or query parameter', () => {
    expect(routes.find((r) => r.name === 'GET /ics')?.op.security).toEqual([{ 'x-api-key': [] }, { 'x-api-key-query': [] }]);
    expect(routes.find((r) => r.name === 'POST /ics')?.op.security).toEqual([{ 'x-api-key': [] }]);
  });

  it("every error response is JSON in the schema of the operation's surface", () => {
    for (const route of routes) {
      const expected = { 'application/json': { schema: { $ref: surfaceSchemaRef(route.template) } } };
      for (const status of errorStatuses(route.op)) {
        expect({ route: route.name, status, content: route.op.responses[status].content }).toEqual({ route: route.name, status, content: expected });
      }
    }
    expect(surfaceSchemaRef('/ics')).toBe('#/components/schemas/IcsFailureDto');
    expect(surfaceSchemaRef('/admin/tenants')).toBe('#/components/schemas/DefaultErrorDto');
  });

  it("documents the stack's answers on every operation, 429 where throttled and 401 exactly where credentials are needed", () => {
    for (const route of routes) {
      const isPublic = PUBLIC_OPERATIONS.includes(route.name);
      const isLoopback = LOOPBACK_OPERATIONS.includes(route.name);
      const statuses = errorStatuses(route.op);
      const bodyStatuses = route.method === 'GET' ? [] : ['413', '415'];
      const expected = ['400', ...bodyStatuses, '500', ...(isPublic ? [] : isLoopback ? ['401', '403'] : ['401', '429'])];
      expect({ route: route.name, getWithBodyStatuses: route.method === 'GET' && (statuses.includes('413') || statuses.includes('415')) }).toEqual({ route: route.name, getWithBodyStatuses: false });
      expect({ route: route.name, missing: expected.filter((s) => !statuses.includes(s)) }).toEqual({ route: route.name, missing: [] });
      expect({ route: route.name, has401: statuses.includes('401') }).toEqual({ route: route.name, has401: !isPublic });
      expect({ route: route.name, has429: statuses.includes('429') }).toEqual({ route: route.name, has429: !isPublic && !isLoopback });
    }
  });

  it('without credentials: the documented 401 on every operation that needs them, 200 on the public ones', async () => {
    for (const route of routes) {
      const answer = await send(t.baseUrl, route.method, route.path);
      if ([...PUBLIC_OPERATIONS, ...LOOPBACK_OPERATIONS].includes(route.name)) expect({ route: route.name, status: answer.status }).toEqual({ route: route.name, status: 200 });
      else expectDocumented(route, answer, 401);
    }
  });

  /** GET bodies are never read, so only methods that carry one can fail on it. */
  const withBodies = (): Route[] => routes.filter((route) => route.method !== 'GET');

  it('a body on a GET is not read: the answer is the same as without one', async () => {
    for (const route of routes.filter((r) => r.method === 'GET')) {
      const plain = await send(t.baseUrl, route.method, route.path);
      const withBody = await send(t.baseUrl, route.method, route.path, { 'content-type': 'application/json' }, '{"oops": ');
      expect({ route: route.name, status: withBody.status }).toEqual({ route: route.name, status: plain.status });
    }
  });

  it('a malformed JSON body: the documented 400, on every method that carries a body', async () => {
    for (const route of withBodies()) {
      expectDocumented(route, await send(t.baseUrl, route.method, route.path, { 'content-type': 'application/json' }, '{"oops": '), 400);
    }
  });

  it('an oversized body: the documented 413', async () => {
    const huge = JSON.stringify({ name: 'x'.repeat(t.config.bodyLimitBytes + 10) });
    for (const route of withBodies()) {
      expectDocumented(route, await send(t.baseUrl, route.method, route.path, { 'content-type': 'application/json' }, huge), 413);
    }
  });

  it('an unknown content encoding: the documented 415', async () => {
    for (const route of withBodies()) {
      expectDocumented(route, await send(t.baseUrl, route.method, route.path, { 'content-type': 'application/json', 'content-encoding': 'x-unknown' }, '{}'), 415);
    }
  });

  it('an id that does not exist: the documented 404, for every GET and DELETE with path parameters', async () => {
    const lookups = routes.filter((r) => r.template.includes('{') && (r.method === 'GET' || r.method === 'DELETE'));
    expect(lookups.map((r) => r.name)).toEqual([
      'GET /admin/tenants/{tenantId}',
      'GET /admin/tenants/{tenantId}/delegation-credentials',
      'GET /admin/tenants/{tenantId}/domains',
      'DELETE /admin/tenants/{tenantId}/domains/{domainId}',
      'GET /admin/tenants/{tenantId}/users',
      'GET /admin/tenants/{tenantId}/api-keys',
      'DELETE /admin/tenants/{tenantId}/api-keys/{keyId}',
      'DELETE /tenant/api-keys/{keyId}',
      'GET /links/{id}',
      // A provider that is none of the seed's: 404 in the CRM shape.
      'GET /api/v1/crm/calendar/connections/{provider}/authorize',
      'GET /api/v1/crm/calendar/connections/{provider}/callback',
      'DELETE /api/v1/crm/calendar/connections/{provider}/disconnect',
      'GET /api/v1/crm/calendar/events/{id}',
      'DELETE /api/v1/crm/calendar/events/{id}',
    ]);
    for (const route of lookups) {
      const scheme = Object.keys(route.op.security?.[0] ?? {})[0];
      expectDocumented(route, await send(t.baseUrl, route.method, route.path, credentials[scheme]), 404);
    }
  });
});

describe('a client generated from the OpenAPI document, under the rate limit', () => {
  let t: TestApp;
  let routes: Route[];
  let schemas: Record<string, SchemaObject>;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '1' });
    const doc = (await http(t.baseUrl, 'GET', '/docs-json')).body;
    schemas = doc.components.schemas;
    routes = routesOf(doc);
  });
  afterAll(() => t.close());

  it('the second call within the minute gets the documented 429; the public and loopback operations are never throttled', async () => {
    for (const route of routes) {
      await send(t.baseUrl, route.method, route.path);
      const answer = await send(t.baseUrl, route.method, route.path);
      if ([...PUBLIC_OPERATIONS, ...LOOPBACK_OPERATIONS].includes(route.name)) {
        expect({ route: route.name, status: answer.status }).toEqual({ route: route.name, status: 200 });
        continue;
      }
      const documented = route.op.responses['429']?.content?.['application/json']?.schema as SchemaObject;
      expect({ route: route.name, status: answer.status, problems: schemaProblems(answer.body, documented, schemas) }).toEqual({ route: route.name, status: 429, problems: [] });
    }
  });
});
