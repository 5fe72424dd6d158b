import { startTestApp, TestApp } from '../support/app';
import { createTenantWithKey } from '../support/fixtures';
import { http, JsonResponse } from '../support/http';

type Schema = { type?: string; properties?: Record<string, Schema>; $ref?: string; items?: Schema; enum?: unknown[] };
type Operation = { requestBody?: { content?: Record<string, { schema?: Schema }> } };

/** The error shape each surface promises, by path prefix. */
function expectSurfaceShape(path: string, response: JsonResponse): void {
  const body = response.body;
  if (path.startsWith('/links')) {
    expect(typeof body.message).toBe('string');
  } else if (path.startsWith('/api/v1/crm')) {
    expect(Object.keys(body).sort()).toEqual(['detail', 'time', 'title']);
    expect(Number.isNaN(Date.parse(body.time))).toBe(false);
  } else if (path.startsWith('/ics')) {
    expect(body.status).toBe('failure');
    expect(body['error-code']).toMatch(/^E17\d\d$/);
    expect(typeof body['error-info']).toBe('string');
  } else if (path.startsWith('/v2')) {
    expect(body.status).toBe('error');
    expect(typeof body.error.code).toBe('string');
    expect(typeof body.error.message).toBe('string');
  } else {
    expect(body.statusCode).toBe(response.status);
    expect(typeof body.message).toBe('string');
  }
  expect(response.text).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack traces
}

/** The CRM surface (`{detail, time, title}`) identifies a rejection by its detail. */
const CRM = '/api/v1/crm';
const CRM_APPLE_FIELDS = 'username, password, serverUrl';

/** Links names every failing field at once: the unknown one, then the required ones it lacks. */
const LINKS_UNKNOWN_FIELD_MESSAGE = 'Validation failed: definitelyNotAField, action, sourceEmail, sourceType, destinationEmail, destinationType';
const LINKS_WRONG_TYPES_MESSAGE = 'Validation failed: action, sourceEmail, sourceType, destinationEmail, destinationType, sourceTz, destinationTz, policy, tag';

function wrongTypeFor(schema: Schema | undefined): unknown {
  switch (schema?.type) {
    case 'string':
      return 12345;
    case 'number':
    case 'integer':
      return 'not-a-number';
    case 'boolean':
      return 'yes';
    case 'array':
      return 'not-an-array';
    default:
      return ['unexpected'];
  }
}

describe('every route answers bad input with the exact 4xx in its surface shape', () => {
  let t: TestApp;
  let headers: Record<string, string>;
  let operations: Array<{ method: string; path: string; template: string; schema?: Schema }>;
  let schemas: Record<string, Schema>;

  beforeAll(async () => {
    t = await startTestApp();
    const tenant = await createTenantWithKey(t.baseUrl, t.adminToken, 'Shapes');
    const token = await http(t.baseUrl, 'POST', `/admin/tenants/${tenant.tenantId}/tokens`, {
      headers: { 'x-admin-token': t.adminToken },
      json: { sub: 'shape-user' },
    });
    // Valid credentials for every scheme, so the requests reach validation.
    headers = {
      'x-admin-token': t.adminToken,
      cb_key: tenant.apiKey,
      'x-api-key': tenant.apiKey,
      authorization: `Bearer ${token.body.accessToken}`,
    };
    const doc = (await http(t.baseUrl, 'GET', '/docs-json')).body;
    schemas = doc.components?.schemas ?? {};
    operations = [];
    for (const [template, methods] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
      for (const [method, op] of Object.entries(methods)) {
        if (!op.requestBody) continue;
        const path = template.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
        operations.push({ method: method.toUpperCase(), path, template, schema: op.requestBody.content?.['application/json']?.schema });
      }
    }
  });
  afterAll(() => t.close());

  const resolve = (schema?: Schema): Schema | undefined =>
    schema?.$ref ? schemas[schema.$ref.replace('#/components/schemas/', '')] : schema;

  /**
   * What identifies a rejection in its surface's shape: admin `code`, ICS `error-code`, and for
   * Links (CalendarBridge answers with a message only) the message.
   */
  const errorCode = (path: string, response: JsonResponse): string =>
    path.startsWith('/ics')
      ? response.body['error-code']
      : path.startsWith('/links')
        ? response.body.message
        : path.startsWith('/v2')
          ? response.body.error?.code
          : path.startsWith(CRM)
            ? response.body.detail
            : response.body.code;
  /** What each surface answers, as status and code, for one kind of bad input (Links: every validation failure is 422). */
  const expected = (path: string, admin: string, ics: string, links: { status: number; message: string }, crm?: string | ((path: string) => string)): { status: number; code: string } => {
    if (path.startsWith('/links')) return { status: links.status, code: links.message };
    // cal.com names every 400 after Nest's exception class.
    if (path.startsWith('/v2')) return { status: 400, code: 'BadRequestException' };
    if (path.startsWith(CRM)) return { status: 400, code: typeof crm === 'function' ? crm(path) : (crm ?? admin) };
    return { status: 400, code: path.startsWith('/ics') ? ics : admin };
  };
  /** The field errors a rejection lists (admin `details`, Links `errors`, cal.com `error.details`, CRM events' detail). */
  const fieldErrors = (path: string, response: JsonResponse): unknown => {
    if (path.startsWith('/links')) return response.body.errors;
    if (path.startsWith('/v2')) return response.body.error?.details;
    // CRM: `{detail}` only, "Validation failed: field: message; field: message".
    if (path.startsWith(CRM)) return String(response.body.detail).replace(/^Validation failed: /, '').split('; ').map((item) => ({ field: item.slice(0, item.indexOf(': ')), message: item.slice(item.indexOf(': ') + 2) }));
    return response.body.details;
  };
  /** The CRM event routes: POST checks the whole event, PATCH the fields sent (before the event is looked up). */
  const crmPatch = (path: string) => path.includes('/events/');
  const crmApple = (path: string) => path.endsWith('/apple/credentials');

  it('checks every route that takes a body: the admin creations, Apple credentials, the CRM events, POST /ics, POST /links and PUT /v2/destination-calendars', () => {
    expect(operations.map((op) => `${op.method} ${op.template}`).sort()).toEqual([
      'PATCH /api/v1/crm/calendar/events/{id}',
      'POST /admin/tenants',
      'POST /admin/tenants/{tenantId}/api-keys',
      'POST /admin/tenants/{tenantId}/delegation-credentials',
      'POST /admin/tenants/{tenantId}/domains',
      'POST /admin/tenants/{tenantId}/tokens',
      'POST /admin/tenants/{tenantId}/users',
      'POST /api/v1/crm/calendar/connections/apple/credentials',
      'POST /api/v1/crm/calendar/events',
      'POST /ics',
      'POST /links',
      'PUT /v2/destination-calendars',
    ]);
  });

  it('malformed JSON → 400 BAD_JSON / E1780', async () => {
    for (const op of operations) {
      const response = await http(t.baseUrl, op.method, op.path, { headers: { ...headers, 'content-type': 'application/json' }, body: '{"oops": ' });
      expect({ route: op.template, status: response.status, code: errorCode(op.path, response) }).toEqual({ route: op.template, ...expected(op.path, 'BAD_JSON', 'E1780', { status: 400, message: 'Request body is not valid JSON' }, 'Request body is not valid JSON') });
      expectSurfaceShape(op.path, response);
    }
  });

  it('a JSON array → 400 "must be an object" (VALIDATION_FAILED on body / E1781)', async () => {
    for (const op of operations) {
      const response = await http(t.baseUrl, op.method, op.path, { headers: { ...headers, 'content-type': 'application/json' }, body: '[1,2]' });
      expect({ route: op.template, status: response.status, code: errorCode(op.path, response) }).toEqual({ route: op.template, ...expected(op.path, 'VALIDATION_FAILED', 'E1781', { status: 422, message: 'Validation failed: body' }, (path) =>
        crmApple(path) ? `The body must be a JSON object {${CRM_APPLE_FIELDS.replace(', serverUrl', ', serverUrl?')}}` : 'Validation failed: body: request body must be a JSON object',
      ) });
      if (!op.path.startsWith('/ics') && !crmApple(op.path)) expect(fieldErrors(op.path, response)).toEqual([{ field: 'body', message: 'request body must be a JSON object' }]);
      expectSurfaceShape(op.path, response);
    }
  });

  it('a JSON scalar → 400 "must be a JSON object" (BODY_NOT_OBJECT / E1781)', async () => {
    for (const op of operations) {
      for (const body of ['"text"', '42', 'null']) {
        const response = await http(t.baseUrl, op.method, op.path, { headers: { ...headers, 'content-type': 'application/json' }, body });
        expect({ route: op.template, body, status: response.status, code: errorCode(op.path, response) }).toEqual({ route: op.template, body, ...expected(op.path, 'BODY_NOT_OBJECT', 'E1781', { status: 400, message: 'Request body must be a JSON object' }, 'Request body must be a JSON object') });
        expectSurfaceShape(op.path, response);
      }
    }
  });

  it('unknown fields → 400 naming the field (VALIDATION_FAILED / E1783)', async () => {
    for (const op of operations) {
      const response = await http(t.baseUrl, op.method, op.path, { headers, json: { definitelyNotAField: true } });
      expect({ route: op.template, status: response.status, code: errorCode(op.path, response) }).toEqual({ route: op.template, ...expected(op.path, 'VALIDATION_FAILED', 'E1783', { status: 422, message: LINKS_UNKNOWN_FIELD_MESSAGE }, (path) =>
        crmApple(path)
          ? `Validation failed: definitelyNotAField: unknown property (allowed: ${CRM_APPLE_FIELDS}); username: is required; password: is required`
          : crmPatch(path)
            ? 'Validation failed: definitelyNotAField: property definitelyNotAField should not exist'
            : 'Validation failed: definitelyNotAField: property definitelyNotAField should not exist; title: title is required; start: start is required; end: end is required',
      ) });
      if (op.path.startsWith('/ics')) expect(response.body['error-info']).toBe("Unknown field 'definitelyNotAField'.");
      else if (!op.path.startsWith(CRM)) expect(fieldErrors(op.path, response)).toContainEqual({ field: 'definitelyNotAField', message: 'property definitelyNotAField should not exist' });
      expectSurfaceShape(op.path, response);
    }
  });

  it('wrong types for every declared field → 400 validation error (VALIDATION_FAILED / E1720)', async () => {
    for (const op of operations) {
      const properties = resolve(op.schema)?.properties ?? {};
      const body = Object.fromEntries(Object.entries(properties).map(([name, schema]) => [name, wrongTypeFor(resolve(schema))]));
      const response = await http(t.baseUrl, op.method, op.path, { headers, json: body });
      expect({ route: op.template, status: response.status, code: errorCode(op.path, response) }).toEqual({ route: op.template, ...expected(op.path, 'VALIDATION_FAILED', 'E1720', { status: 422, message: LINKS_WRONG_TYPES_MESSAGE }, (path) =>
        crmApple(path)
          ? 'Validation failed: username: must be a string; password: must be a string; serverUrl: must be a string'
          : crmPatch(path)
            ? 'Validation failed: title: title must be a string; description: description must be a string; location: location must be a string; start: start must be a string; end: end must be a string; timeZone: timeZone must be a string; allDay: allDay must be a boolean; recurrence: recurrence must be an array of RRULE/EXDATE lines'
            : 'Validation failed: title: title must be a string; description: description must be a string; location: location must be a string; timeZone: timeZone must be a string; allDay: allDay must be a boolean; start: start must be a string; end: end must be a string; recurrence: recurrence must be an array of RRULE/EXDATE lines; ' +
              'recurringEventId: recurringEventId must be the id of one of your recurring events; originalStart: originalStart must be a string',
      ) });
      expectSurfaceShape(op.path, response);
    }
  });

  it('an oversized body → 413', async () => {
    const huge = JSON.stringify({ name: 'x'.repeat(t.config.bodyLimitBytes + 10) });
    for (const op of operations) {
      const response = await http(t.baseUrl, op.method, op.path, { headers: { ...headers, 'content-type': 'application/json' }, body: huge });
      expect({ route: op.template, status: response.status }).toEqual({ route: op.template, status: 413 });
      expectSurfaceShape(op.path, response);
    }
  });

  it.each(['/links/nope/nope', '/api/v1/crm/nope', '/ics/nope', '/v2/nope', '/nope'])('an unknown route %s → 404 in that surface shape', async (path) => {
    const response = await http(t.baseUrl, 'GET', path, { headers });
    expect(response.status).toBe(404);
    expectSurfaceShape(path, response);
  });
});
