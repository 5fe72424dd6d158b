import { Client } from 'pg';
import { createTenantWithKey, TenantFixture } from '../support/fixtures';
import { http, JsonResponse } from '../support/http';
import { LogCapturingApp, startAppCapturingLogs } from '../support/log-capture';

const NUL = '\u0000';
const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';

/** The admin and tenant APIs validate before the database: bad input is 400/409, never 500. */
describe('admin API input: refused before the database, conflicts as 409, no SQL values in logs', () => {
  let t: LogCapturingApp;
  let tenant: TenantFixture;
  let admin: Record<string, string>;
  let userId: number;
  let googleCredentialId: string;

  beforeAll(async () => {
    t = await startAppCapturingLogs();
    admin = { 'x-admin-token': t.adminToken };
    tenant = await createTenantWithKey(t.baseUrl, t.adminToken, 'Input Co');
    userId = (await http(t.baseUrl, 'POST', `/admin/tenants/${tenant.tenantId}/users`, { headers: admin, json: { externalId: 'input-user' } })).body.id;
    googleCredentialId = (
      await http(t.baseUrl, 'POST', `/admin/tenants/${tenant.tenantId}/delegation-credentials`, {
        headers: admin,
        json: { provider: 'google', name: 'g', serviceAccountEmail: 'sa@proj.iam.gserviceaccount.com', privateKey: PEM },
      })
    ).body.id;
  });
  afterAll(() => t.close());

  const validationFailed = (details: Array<{ field: string; message: string }>) => ({
    statusCode: 400,
    error: 'Bad Request',
    code: 'VALIDATION_FAILED',
    message: 'Validation failed',
    details,
  });
  const answer = (response: JsonResponse) => ({ status: response.status, body: response.body });
  const post = (path: string, json: unknown) => http(t.baseUrl, 'POST', `/admin/tenants${path}`, { headers: admin, json });
  const nulMessage = (field: string) => ({ field, message: `${field} must not contain NUL characters` });

  type Case = [string, () => string, Record<string, unknown>, string];
  const stringFields: Case[] = [
    ['tenant', () => '', { name: `Acme${NUL}` }, 'name'],
    ['credential (ms)', () => `/${tenant.tenantId}/delegation-credentials`, { provider: 'ms', name: `n${NUL}`, msTenantId: 't', clientId: 'c', clientSecret: 's' }, 'name'],
    ['credential (ms)', () => `/${tenant.tenantId}/delegation-credentials`, { provider: 'ms', name: 'n', msTenantId: `t${NUL}`, clientId: 'c', clientSecret: 's' }, 'msTenantId'],
    ['credential (ms)', () => `/${tenant.tenantId}/delegation-credentials`, { provider: 'ms', name: 'n', msTenantId: 't', clientId: `c${NUL}`, clientSecret: 's' }, 'clientId'],
    ['credential (ms)', () => `/${tenant.tenantId}/delegation-credentials`, { provider: 'ms', name: 'n', msTenantId: 't', clientId: 'c', clientSecret: `s${NUL}` }, 'clientSecret'],
    ['credential (google)', () => `/${tenant.tenantId}/delegation-credentials`, { provider: 'google', name: 'n', serviceAccountEmail: 'sa@p.example', privateKey: `${PEM}${NUL}` }, 'privateKey'],
    ['credential (caldav)', () => `/${tenant.tenantId}/delegation-credentials`, { provider: 'caldav', name: 'n', serverUrl: 'https://dav.example/', username: `u${NUL}`, password: 'p' }, 'username'],
    ['credential (caldav)', () => `/${tenant.tenantId}/delegation-credentials`, { provider: 'caldav', name: 'n', serverUrl: 'https://dav.example/', username: 'u', password: `p${NUL}` }, 'password'],
    [
      'credential (caldav)',
      () => `/${tenant.tenantId}/delegation-credentials`,
      { provider: 'caldav', name: 'n', serverUrl: 'https://dav.example/', username: 'u', password: 'p', calendarHomeTemplate: `https://dav.example/{email}/${NUL}` },
      'calendarHomeTemplate',
    ],
    ['api key', () => `/${tenant.tenantId}/api-keys`, { name: `k${NUL}` }, 'name'],
    ['user', () => `/${tenant.tenantId}/users`, { externalId: `x${NUL}` }, 'externalId'],
    ['token', () => `/${tenant.tenantId}/tokens`, { sub: `x${NUL}` }, 'sub'],
  ];

  it.each(stringFields)('refuses a NUL byte in the %s field %#', async (_label, path, json, field) => {
    expect(answer(await post(path(), json))).toEqual({ status: 400, body: validationFailed([nulMessage(field)]) });
  });

  it.each([
    ['credential (google) serviceAccountEmail', () => `/${tenant.tenantId}/delegation-credentials`, { provider: 'google', name: 'n', serviceAccountEmail: `sa${NUL}@p.example`, privateKey: PEM }, 'serviceAccountEmail'],
    ['credential (caldav) serverUrl', () => `/${tenant.tenantId}/delegation-credentials`, { provider: 'caldav', name: 'n', serverUrl: `https://dav.example/${NUL}`, username: 'u', password: 'p' }, 'serverUrl'],
    ['domain', () => `/${tenant.tenantId}/domains`, { domain: `acme${NUL}.example`, provider: 'google', delegationCredentialId: '00000000-0000-4000-8000-000000000000' }, 'domain'],
    ['user email', () => `/${tenant.tenantId}/users`, { externalId: 'x', email: `a${NUL}@b.example` }, 'email'],
    ['token email', () => `/${tenant.tenantId}/tokens`, { sub: 'x', email: `a${NUL}@b.example` }, 'email'],
  ] as Case[])('refuses a NUL byte in the %s (a format-checked field)', async (_label, path, json, field) => {
    const response = await post(path(), json);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.details.map((d: { field: string }) => d.field)).toEqual(response.body.details.map(() => field));
    expect(response.body.details).toContainEqual(nulMessage(field));
  });

  it.each([
    ['user email', () => `/${tenant.tenantId}/users`, { externalId: 'x', email: `${'a'.repeat(330)}@b.example` }, 'email', 'email must be shorter than or equal to 320 characters'],
    ['caldav serverUrl', () => `/${tenant.tenantId}/delegation-credentials`, { provider: 'caldav', name: 'n', serverUrl: `https://dav.example/${'p'.repeat(2000)}`, username: 'u', password: 'p' }, 'serverUrl', 'serverUrl must be shorter than or equal to 2000 characters'],
  ] as Array<[string, () => string, Record<string, unknown>, string, string]>)('refuses an over-long %s', async (_label, path, json, field, message) => {
    const response = await post(path(), json);
    expect(response.status).toBe(400);
    expect(response.body.details).toContainEqual({ field, message });
  });

  it.each([
    ['beyond int4', '99999999999'],
    ['1e308', '1e308'],
    ['2^31', '2147483648'],
  ])('refuses a userId %s with 400 naming the field, before the database', async (_label, literal) => {
    const response = await http(t.baseUrl, 'POST', `/admin/tenants/${tenant.tenantId}/api-keys`, {
      headers: { ...admin, 'content-type': 'application/json' },
      body: `{"name":"k","userId":${literal}}`,
    });
    expect(answer(response)).toEqual({ status: 400, body: validationFailed([{ field: 'userId', message: 'userId must not be greater than 2147483647' }]) });
  });

  it('accepts the largest int4 userId (and answers 404: no such user)', async () => {
    const response = await post(`/${tenant.tenantId}/api-keys`, { name: 'k', userId: 2147483647 });
    expect(answer(response)).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: 'User 2147483647 not found in this tenant' },
    });
    expect(userId).toBeLessThan(2147483647);
  });

  it('answers concurrent creates of one domain with exactly one 201 and 409 for the rest', async () => {
    // Each insert into domains takes a second, so every request passes the "is it taken?" check
    // before the first insert commits and the unique index decides: the race that ended in a 500.
    const db = new Client({ connectionString: t.database.url });
    await db.connect();
    await db.query(`CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(1); RETURN NEW; END $$`);
    await db.query('CREATE TRIGGER slow_domains BEFORE INSERT ON domains FOR EACH ROW EXECUTE FUNCTION slow_insert()');
    try {
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => post(`/${tenant.tenantId}/domains`, { domain: 'race.example', provider: 'google', delegationCredentialId: googleCredentialId })),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
      for (const conflict of answers.filter((a) => a.status === 409)) {
        expect(conflict.body).toEqual({ statusCode: 409, error: 'Conflict', code: 'CONFLICT', message: 'Domain race.example is already authorized by an organisation' });
      }
    } finally {
      await db.query('DROP TRIGGER slow_domains ON domains');
      await db.query('DROP FUNCTION slow_insert()');
      await db.end();
    }
  });

  describe('a database error never logs the statement values', () => {
    let db: Client;
    beforeAll(async () => {
      db = new Client({ connectionString: t.database.url });
      await db.connect();
    });
    afterAll(() => db.end());

    async function withInsertsFailing(table: string, run: () => Promise<void>): Promise<void> {
      await db.query(`ALTER TABLE ${table} ADD CONSTRAINT refuse_all CHECK (false) NOT VALID`);
      try {
        await run();
      } finally {
        await db.query(`ALTER TABLE ${table} DROP CONSTRAINT refuse_all`);
      }
    }
    const errorLinesSince = (from: number) => t.lines.slice(from).filter((line) => JSON.parse(line).level === 50);

    it('leaves the key hash out of the log when issuing a key fails', async () => {
      const from = t.lines.length;
      await withInsertsFailing('api_keys', async () => {
        const response = await post(`/${tenant.tenantId}/api-keys`, { name: 'doomed key' });
        expect(answer(response)).toEqual({
          status: 500,
          body: { statusCode: 500, error: 'Internal Server Error', code: 'INTERNAL', message: 'Internal server error' },
        });
      });
      const logged = errorLinesSince(from);
      const failure = logged.map((line) => JSON.parse(line)).find((entry) => entry.err?.type === 'QueryFailedError');
      expect(failure.err.code).toBe('23514'); // the line is there, with what one needs to debug it
      expect(failure.err.query).toContain('INSERT INTO "api_keys"');
      expect(logged.join('\n')).not.toMatch(/[0-9a-f]{64}/); // no SHA-256 key hash
      expect(logged.join('\n')).not.toContain('doomed key');
    });

    it('leaves the sealed secret out of the log when storing a credential fails', async () => {
      const from = t.lines.length;
      await withInsertsFailing('delegation_credentials', async () => {
        const response = await post(`/${tenant.tenantId}/delegation-credentials`, {
          provider: 'ms',
          name: 'doomed credential',
          msTenantId: 'doomed.onmicrosoft.com',
          clientId: 'doomed-client',
          clientSecret: 'doomed-secret',
        });
        expect(response.status).toBe(500);
      });
      const logged = errorLinesSince(from).join('\n');
      expect(logged).toContain('23514');
      for (const value of ['v1:', 'doomed-secret', 'doomed-client', 'doomed.onmicrosoft.com', 'doomed credential']) expect(logged).not.toContain(value);
    });
  });
});
