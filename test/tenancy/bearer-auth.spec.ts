import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { sign } from 'jsonwebtoken';
import { Client } from 'pg';
import { startTestApp, TestApp } from '../support/app';
import { createTenantWithKey, TenantFixture } from '../support/fixtures';
import { http } from '../support/http';

describe('bearer auth: HS256 JWTs, cal_ user keys', () => {
  let t: TestApp;
  let tenant: TenantFixture;
  let secret: string;

  beforeAll(async () => {
    secret = randomBytes(32).toString('base64');
    t = await startTestApp({ JWT_SECRET: secret });
    tenant = await createTenantWithKey(t.baseUrl, t.adminToken, 'Bearer Co');
  });
  afterAll(() => t.close());

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('creates the user on first sight of a valid token, once', async () => {
    const token = sign({ sub: 'idp-user-1', email: 'ann@bearer.example', tenant_id: tenant.tenantId }, secret, { expiresIn: 300 });
    const first = await http(t.baseUrl, 'GET', '/users/me', { headers: bearer(token) });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ externalId: 'idp-user-1', email: 'ann@bearer.example' });
    const second = await http(t.baseUrl, 'GET', '/users/me', { headers: bearer(token) });
    expect(second.body.id).toBe(first.body.id);
    const client = new Client({ connectionString: t.database.url });
    await client.connect();
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM users WHERE external_id = 'idp-user-1'`);
    await client.end();
    expect(rows[0].n).toBe(1);
  });

  it('accepts a token minted by the admin API (development mode)', async () => {
    const minted = await http(t.baseUrl, 'POST', `/admin/tenants/${tenant.tenantId}/tokens`, {
      headers: { 'x-admin-token': t.adminToken },
      json: { sub: 'minted-user', email: 'minted@bearer.example' },
    });
    expect(minted.status).toBe(201);
    const me = await http(t.baseUrl, 'GET', '/users/me', { headers: bearer(minted.body.accessToken) });
    expect(me.status).toBe(200);
    expect(me.body.externalId).toBe('minted-user');
  });

  it.each([
    ['expired', () => sign({ sub: 'u', tenant_id: tenant.tenantId, exp: Math.floor(Date.now() / 1000) - 60 }, secret)],
    ['signed with another secret', () => sign({ sub: 'u', tenant_id: tenant.tenantId }, 'another-secret-of-sufficient-length!!', { expiresIn: 300 })],
    ['unsigned (alg none)', () => sign({ sub: 'u', tenant_id: tenant.tenantId }, '', { algorithm: 'none' })],
    ['for an unknown tenant', () => sign({ sub: 'u', tenant_id: '00000000-0000-4000-8000-000000000000' }, secret, { expiresIn: 300 })],
    ['without a tenant claim', () => sign({ sub: 'u' }, secret, { expiresIn: 300 })],
    ['garbage', () => 'not.a.jwt'],
  ])('answers 401 for a token %s', async (_label, makeToken) => {
    const response = await http(t.baseUrl, 'GET', '/users/me', { headers: bearer(makeToken()) });
    expect({ status: response.status, body: response.body }).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', code: 'UNAUTHORIZED', message: 'Invalid or expired token' },
    });
  });

  it('answers 401 without an Authorization header', async () => {
    const response = await http(t.baseUrl, 'GET', '/users/me');
    expect({ status: response.status, body: response.body }).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', code: 'UNAUTHORIZED', message: 'Missing bearer token' },
    });
  });

  it('accepts a user-scoped cal_ key, and refuses it once revoked', async () => {
    const admin = { 'x-admin-token': t.adminToken };
    const user = await http(t.baseUrl, 'POST', `/admin/tenants/${tenant.tenantId}/users`, { headers: admin, json: { externalId: 'cal-user', email: 'cal@bearer.example' } });
    const key = await http(t.baseUrl, 'POST', `/admin/tenants/${tenant.tenantId}/api-keys`, { headers: admin, json: { name: 'cal', userId: user.body.id } });
    expect(key.body.key).toMatch(/^cal_/);
    const me = await http(t.baseUrl, 'GET', '/users/me', { headers: bearer(key.body.key) });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(user.body.id);

    // A tenant-level key is a valid credential of the wrong kind (test/tenancy/credential-matrix.spec.ts).
    expect((await http(t.baseUrl, 'GET', '/users/me', { headers: bearer(tenant.apiKey) })).status).toBe(403);

    expect((await http(t.baseUrl, 'DELETE', `/admin/tenants/${tenant.tenantId}/api-keys/${key.body.id}`, { headers: admin })).status).toBe(204);
    const revoked = await http(t.baseUrl, 'GET', '/users/me', { headers: bearer(key.body.key) });
    expect({ status: revoked.status, body: revoked.body }).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', code: 'UNAUTHORIZED', message: 'Invalid or revoked API key' },
    });
  });
});

describe('bearer auth: RS256 through an identity provider JWKS', () => {
  let t: TestApp;
  let jwks: Server;
  let tenantId: string;
  const idp = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeAll(async () => {
    const jwk = { ...idp.publicKey.export({ format: 'jwk' }), kid: 'idp-1', use: 'sig', alg: 'RS256' };
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    t = await startTestApp({ JWT_SECRET: undefined, JWT_JWKS_URL: jwksUrl, JWT_TENANT_CLAIM: 'org', JWT_ISSUER: 'https://idp.example' });
    tenantId = (await createTenantWithKey(t.baseUrl, t.adminToken, 'RS Co')).tenantId;
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  const rsToken = (key: typeof idp.privateKey, claims: Record<string, unknown>) =>
    sign({ sub: 'rs-user', org: tenantId, ...claims }, key, { algorithm: 'RS256', keyid: 'idp-1', expiresIn: 300, issuer: 'https://idp.example' });

  it('accepts a token signed by the IdP key, with the configured tenant claim', async () => {
    const me = await http(t.baseUrl, 'GET', '/users/me', { headers: { authorization: `Bearer ${rsToken(idp.privateKey, {})}` } });
    expect(me.status).toBe(200);
    expect(me.body.externalId).toBe('rs-user');
  });

  it('refuses a token signed by another key, or an HS256 token', async () => {
    const refused = { status: 401, body: { statusCode: 401, error: 'Unauthorized', code: 'UNAUTHORIZED', message: 'Invalid or expired token' } };
    const forged = await http(t.baseUrl, 'GET', '/users/me', { headers: { authorization: `Bearer ${rsToken(stranger.privateKey, {})}` } });
    expect({ status: forged.status, body: forged.body }).toEqual(refused);
    const hs = sign({ sub: 'x', org: tenantId }, 'some-shared-secret-value-xxxxxxxxxxxx', { issuer: 'https://idp.example', expiresIn: 300 });
    const hsAnswer = await http(t.baseUrl, 'GET', '/users/me', { headers: { authorization: `Bearer ${hs}` } });
    expect({ status: hsAnswer.status, body: hsAnswer.body }).toEqual(refused);
  });

  it('refuses minting HS256 tokens when only a JWKS is configured', async () => {
    const minted = await http(t.baseUrl, 'POST', `/admin/tenants/${tenantId}/tokens`, { headers: { 'x-admin-token': t.adminToken }, json: { sub: 'x' } });
    expect({ status: minted.status, body: minted.body }).toEqual({
      status: 409,
      body: { statusCode: 409, error: 'Conflict', code: 'CONFLICT', message: 'Token minting needs JWT_SECRET (HS256)' },
    });
  });
});
