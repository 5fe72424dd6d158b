import { sign } from 'jsonwebtoken';
import { Client } from 'pg';
import { createTenantWithKey, TenantFixture } from '../support/fixtures';
import { http } from '../support/http';
import { LogCapturingApp, startAppCapturingLogs } from '../support/log-capture';

/**
 * A credential that cannot be checked is not a bad credential: when the database fails during
 * authentication the answer is 503 in the surface's shape, logged at error level — never 401.
 */
describe('a database failure during authentication', () => {
  let t: LogCapturingApp;
  let tenant: TenantFixture;
  let userKey: string;
  let db: Client;

  beforeAll(async () => {
    // No key cache: every request must reach the database.
    t = await startAppCapturingLogs({ API_KEY_CACHE_SECONDS: '0' });
    tenant = await createTenantWithKey(t.baseUrl, t.adminToken, 'Outage Co');
    const admin = { 'x-admin-token': t.adminToken };
    const user = await http(t.baseUrl, 'POST', `/admin/tenants/${tenant.tenantId}/users`, { headers: admin, json: { externalId: 'outage-user' } });
    userKey = (await http(t.baseUrl, 'POST', `/admin/tenants/${tenant.tenantId}/api-keys`, { headers: admin, json: { name: 'u', userId: user.body.id } })).body.key;
    db = new Client({ connectionString: t.database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  /** Breaks one table for the duration of `run`, the way a lost relation or a failing query would. */
  async function withTableMissing(table: string, run: () => Promise<void>): Promise<void> {
    await db.query(`ALTER TABLE ${table} RENAME TO ${table}_away`);
    try {
      await run();
    } finally {
      await db.query(`ALTER TABLE ${table}_away RENAME TO ${table}`);
    }
  }

  const unavailable = {
    statusCode: 503,
    error: 'Service Unavailable',
    code: 'SERVICE_UNAVAILABLE',
    message: 'Service unavailable: the credential could not be checked, retry later',
  };
  const authErrorLines = () => t.lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'could not check a credential: authentication is unavailable');

  it('answers 503 for a valid JWT when the users table fails, and logs the cause at error level', async () => {
    const jwt = sign({ sub: 'jwt-user', tenant_id: tenant.tenantId }, t.jwtSecret, { expiresIn: 300 });
    const before = authErrorLines().length;
    await withTableMissing('users', async () => {
      const response = await http(t.baseUrl, 'GET', '/users/me', { headers: { authorization: `Bearer ${jwt}` } });
      expect({ status: response.status, body: response.body }).toEqual({ status: 503, body: unavailable });
    });
    const logged = authErrorLines().slice(before);
    expect(logged.map((entry) => [entry.level, entry.err.code])).toEqual([[50, '42P01']]);
    expect((await http(t.baseUrl, 'GET', '/users/me', { headers: { authorization: `Bearer ${jwt}` } })).status).toBe(200);
  });

  it('answers 503 on every API-key surface when the api_keys table fails', async () => {
    await withTableMissing('api_keys', async () => {
      const tenantRoute = await http(t.baseUrl, 'GET', '/tenant', { headers: { cb_key: tenant.apiKey } });
      expect({ status: tenantRoute.status, body: tenantRoute.body }).toEqual({ status: 503, body: unavailable });

      const ics = await http(t.baseUrl, 'GET', '/ics?action=createcalendar', { headers: { 'x-api-key': tenant.apiKey } });
      expect({ status: ics.status, body: ics.body }).toEqual({
        status: 503,
        body: { status: 'failure', 'error-code': 'E1789', 'error-info': 'Service unavailable: retry later.' },
      });

      const bearerKey = await http(t.baseUrl, 'GET', '/users/me', { headers: { authorization: `Bearer ${userKey}` } });
      expect({ status: bearerKey.status, body: bearerKey.body }).toEqual({ status: 503, body: unavailable });
    });
    expect((await http(t.baseUrl, 'GET', '/tenant', { headers: { cb_key: tenant.apiKey } })).status).toBe(200);
  });
});
