import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { listenOnLoopback, testEnv } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createTenantWithKey } from '../support/fixtures';
import { http, JsonResponse } from '../support/http';
import { ApiKeyGuard, ApiKeyHeaders } from '../../src/tenancy/guards/api-key.guard';
import { NestExpressApplication } from '@nestjs/platform-express';

/**
 * A probe route under /links, guarded exactly as the Links routes will be (`cb_key` through
 * ApiKeyGuard), so the Links surface's refusal of user keys is proven before Links exists.
 */
@Controller('links/guard-probe')
@ApiKeyHeaders('cb_key')
@UseGuards(ApiKeyGuard)
class LinksGuardProbeController {
  @Get()
  probe(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [LinksGuardProbeController] })
class LinksGuardProbeModule {}

type Kind = 'orgKey' | 'userKey' | 'jwt' | 'adminToken' | 'none' | 'garbage';
const KINDS: Kind[] = ['orgKey', 'userKey', 'jwt', 'adminToken', 'none', 'garbage'];

const ICS_BODY = {
  action: 'createcalendar',
  'event-title': 'Matrix',
  'event-description': 'Credential matrix',
  'event-location': 'Here',
  'event-start-datetime': '2030-01-02T10:00:00',
  'event-end-datetime': '2030-01-02T11:00:00',
  'event-timezone': 'Europe/Berlin',
};

/** Each surface's exact refusal bodies. */
const defaultError = (status: number, code: string, message: string) => ({
  statusCode: status,
  error: { 401: 'Unauthorized', 403: 'Forbidden' }[status],
  code,
  message,
});
const icsError = (code: string, info: string) => ({ status: 'failure', 'error-code': code, 'error-info': info });

const USER_KEY_REFUSED = 'This route takes an organisation API key; user-scoped (cal_) keys are for the bearer APIs only';
const ORG_KEY_REFUSED = 'This route takes a user credential (JWT or cal_ user key), not an organisation API key';

describe('credential kind × surface: each credential works only where it belongs', () => {
  let app: NestExpressApplication;
  let baseUrl: string;
  let database: TestDatabase;
  let adminToken: string;
  let tenantId: string;
  let orgKey: string;
  let victimKeyId: string;
  let userId: number;
  const creds = {} as Record<Kind, string | undefined>;

  beforeAll(async () => {
    database = await createTestDatabase();
    const secret = randomBytes(32).toString('base64');
    const env = testEnv(database.url, { JWT_SECRET: secret, API_KEY_CACHE_SECONDS: '0' });
    ({ app, baseUrl } = await listenOnLoopback(env, database.url, [LinksGuardProbeModule]));
    adminToken = env.ADMIN_TOKEN as string;
    const tenant = await createTenantWithKey(baseUrl, adminToken, 'Matrix Org');
    tenantId = tenant.tenantId;
    orgKey = tenant.apiKey;
    const admin = { 'x-admin-token': adminToken };
    const user = await http(baseUrl, 'POST', `/admin/tenants/${tenantId}/users`, { headers: admin, json: { externalId: 'matrix-user' } });
    userId = user.body.id;
    const userKey = await http(baseUrl, 'POST', `/admin/tenants/${tenantId}/api-keys`, { headers: admin, json: { name: 'cal', userId } });
    expect(userKey.body.key).toMatch(/^cal_/);
    const victim = await http(baseUrl, 'POST', `/admin/tenants/${tenantId}/api-keys`, { headers: admin, json: { name: 'victim' } });
    victimKeyId = victim.body.id;
    creds.orgKey = orgKey;
    creds.userKey = userKey.body.key;
    creds.jwt = sign({ sub: 'matrix-user', tenant_id: tenantId }, secret, { expiresIn: 300 });
    creds.adminToken = adminToken;
    creds.none = undefined;
    creds.garbage = 'garbage-credential-value';
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  const header = (name: string, kind: Kind): Record<string, string> => (creds[kind] === undefined ? {} : { [name]: creds[kind] as string });
  const bearer = (kind: Kind): Record<string, string> => (creds[kind] === undefined ? {} : { authorization: `Bearer ${creds[kind]}` });
  const expectAnswer = (response: JsonResponse, status: number, body: unknown) => expect({ status: response.status, body: response.body }).toEqual({ status, body });

  describe('organisation routes (cb_key / x-api-key): only organisation keys; a user key is 403', () => {
    const apiKeyRefusal = (kind: Kind): [number, unknown] | undefined => {
      if (kind === 'userKey') return [403, defaultError(403, 'CREDENTIAL_NOT_ALLOWED', USER_KEY_REFUSED)];
      if (kind === 'none') return [401, defaultError(401, 'API_KEY_MISSING', 'Missing API key: send it in the cb_key or x-api-key header')];
      if (kind === 'orgKey') return undefined;
      return [401, defaultError(401, 'API_KEY_INVALID', 'Invalid or revoked API key')];
    };

    it.each(KINDS.flatMap((kind) => [['cb_key', kind] as const, ['x-api-key', kind] as const]))('GET /tenant with %s = %s', async (name, kind) => {
      const response = await http(baseUrl, 'GET', '/tenant', { headers: header(name, kind) });
      const refusal = apiKeyRefusal(kind);
      if (refusal) return expectAnswer(response, ...refusal);
      expect(response.status).toBe(200);
      expect(response.body.tenant.id).toBe(tenantId);
    });

    it.each(KINDS)('GET /tenant/api-keys with cb_key = %s', async (kind) => {
      const response = await http(baseUrl, 'GET', '/tenant/api-keys', { headers: header('cb_key', kind) });
      const refusal = apiKeyRefusal(kind);
      if (refusal) return expectAnswer(response, ...refusal);
      expect(response.status).toBe(200);
      expect(response.body.map((k: { name: string }) => k.name)).toEqual(['Matrix Org key', 'cal', 'victim']);
    });

    it.each(KINDS.filter((kind) => kind !== 'orgKey'))("DELETE /tenant/api-keys/{orgKeyId} with cb_key = %s leaves the organisation's key alive", async (kind) => {
      const response = await http(baseUrl, 'DELETE', `/tenant/api-keys/${victimKeyId}`, { headers: header('cb_key', kind) });
      expectAnswer(response, ...(apiKeyRefusal(kind) as [number, unknown]));
      const keys = await http(baseUrl, 'GET', '/tenant/api-keys', { headers: { cb_key: orgKey } });
      expect(keys.body.find((k: { id: string }) => k.id === victimKeyId).revokedAt).toBeNull();
    });

    it('DELETE /tenant/api-keys/{id} with the organisation key revokes it', async () => {
      const admin = { 'x-admin-token': adminToken };
      const spare = await http(baseUrl, 'POST', `/admin/tenants/${tenantId}/api-keys`, { headers: admin, json: { name: 'spare' } });
      const response = await http(baseUrl, 'DELETE', `/tenant/api-keys/${spare.body.id}`, { headers: { cb_key: orgKey } });
      expect(response.status).toBe(204);
      expect((await http(baseUrl, 'GET', '/tenant', { headers: { cb_key: spare.body.key } })).status).toBe(401);
    });

    it.each(KINDS)('GET /links/* (Links surface, cb_key) with %s answers in the Links shape', async (kind) => {
      const response = await http(baseUrl, 'GET', '/links/guard-probe', { headers: header('cb_key', kind) });
      if (kind === 'orgKey') return expectAnswer(response, 200, { ok: true });
      const [status, body] = apiKeyRefusal(kind) as [number, { message: string }];
      const message = kind === 'none' ? 'Missing API key: send it in the cb_key header' : body.message;
      expectAnswer(response, status, { message });
    });
  });

  describe('ICS (x-api-key header, or the query parameter on the GET link form)', () => {
    const icsRefusal = (kind: Kind): [number, unknown] | undefined => {
      if (kind === 'orgKey') return undefined;
      if (kind === 'userKey') return [403, icsError('E1788', 'API key is a user key: the ICS API takes an organisation key.')];
      if (kind === 'none') return [401, icsError('E1701', 'API key is missing: send it in the x-api-key header.')];
      return [401, icsError('E1702', 'API key is invalid or revoked.')];
    };

    it.each(KINDS)('POST /ics with x-api-key = %s', async (kind) => {
      const response = await http(baseUrl, 'POST', '/ics', { headers: header('x-api-key', kind), json: ICS_BODY });
      const refusal = icsRefusal(kind);
      if (refusal) return expectAnswer(response, ...refusal);
      expect(response.status).toBe(200);
      expect(response.text).toContain('SUMMARY:Matrix');
    });

    it.each(KINDS)('GET /ics?x-api-key=%s (link form)', async (kind) => {
      const query = new URLSearchParams(ICS_BODY);
      if (creds[kind] !== undefined) query.set('x-api-key', creds[kind] as string);
      const response = await http(baseUrl, 'GET', `/ics?${query.toString()}`);
      const refusal = icsRefusal(kind);
      if (refusal) return expectAnswer(response, ...refusal);
      expect(response.status).toBe(200);
      expect(response.text).toContain('SUMMARY:Matrix');
    });
  });

  describe('bearer APIs: user JWTs and cal_ user keys only', () => {
    it.each(KINDS)('GET /users/me with Bearer %s', async (kind) => {
      const response = await http(baseUrl, 'GET', '/users/me', { headers: bearer(kind) });
      if (kind === 'jwt' || kind === 'userKey') {
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({ id: userId, externalId: 'matrix-user' });
        return;
      }
      if (kind === 'orgKey') return expectAnswer(response, 403, defaultError(403, 'CREDENTIAL_NOT_ALLOWED', ORG_KEY_REFUSED));
      if (kind === 'none') return expectAnswer(response, 401, defaultError(401, 'UNAUTHORIZED', 'Missing bearer token'));
      expectAnswer(response, 401, defaultError(401, 'UNAUTHORIZED', 'Invalid or expired token'));
    });
  });

  describe('admin API: the admin token only', () => {
    it.each(KINDS)('GET /admin/tenants with x-admin-token = %s', async (kind) => {
      const response = await http(baseUrl, 'GET', '/admin/tenants', { headers: header('x-admin-token', kind) });
      if (kind === 'adminToken') {
        expect(response.status).toBe(200);
        expect(response.body.map((t: { id: string }) => t.id)).toEqual([tenantId]);
        return;
      }
      if (kind === 'none') return expectAnswer(response, 401, defaultError(401, 'UNAUTHORIZED', 'Missing x-admin-token header'));
      expectAnswer(response, 401, defaultError(401, 'UNAUTHORIZED', 'Invalid admin token'));
    });

    it.each(KINDS.filter((kind) => kind !== 'adminToken'))('the admin API ignores Bearer %s', async (kind) => {
      const response = await http(baseUrl, 'GET', '/admin/tenants', { headers: bearer(kind) });
      expectAnswer(response, 401, defaultError(401, 'UNAUTHORIZED', 'Missing x-admin-token header'));
    });
  });
});
