import { decode } from 'jsonwebtoken';
import { Client } from 'pg';
import { TenancyService } from '../../src/tenancy/tenancy.service';
import { startTestApp, TestApp } from '../support/app';
import { http, JsonResponse } from '../support/http';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';

/** Every admin operation's answer, field by field: what a client of the admin API relies on. */
describe('admin API answers exactly', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let tenantId: string;
  const answer = (response: JsonResponse) => ({ status: response.status, body: response.body });
  const call = (method: string, path: string, json?: unknown) => http(t.baseUrl, method, `/admin/tenants${path}`, { headers: admin, ...(json === undefined ? {} : { json }) });
  const notFound = (message: string) => ({ status: 404, body: { statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message } });

  beforeAll(async () => {
    t = await startTestApp();
    admin = { 'x-admin-token': t.adminToken };
    tenantId = (await call('POST', '', { name: 'Exact Co' })).body.id;
  });
  afterAll(() => t?.close()); // t is unset when beforeAll failed: let its error be the one reported

  it('creates a tenant with its name trimmed, reads it back and lists tenants oldest first', async () => {
    const created = await call('POST', '', { name: '  Padded Ltd  ' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(UUID), name: 'Padded Ltd', createdAt: expect.stringMatching(ISO) });
    expect(answer(await call('GET', `/${created.body.id}`))).toEqual({ status: 200, body: created.body });
    const list = await call('GET', '');
    expect(list.status).toBe(200);
    expect(list.body.map((tenant: { name: string }) => tenant.name)).toEqual(['Exact Co', 'Padded Ltd']);
    expect(list.body[1]).toEqual(created.body);
  });

  it('answers 404 naming the tenant for an unknown tenant on every lookup', async () => {
    const missing = '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b';
    const message = `Tenant ${missing} not found`;
    expect(answer(await call('GET', `/${missing}`))).toEqual(notFound(message));
    expect(answer(await call('GET', `/${missing}/delegation-credentials`))).toEqual(notFound(message));
    expect(answer(await call('GET', `/${missing}/domains`))).toEqual(notFound(message));
    expect(answer(await call('GET', `/${missing}/users`))).toEqual(notFound(message));
    expect(answer(await call('GET', `/${missing}/api-keys`))).toEqual(notFound(message));
    expect(answer(await call('POST', `/${missing}/users`, { externalId: 'u' }))).toEqual(notFound(message));
    expect(answer(await call('POST', `/${missing}/api-keys`, { name: 'k' }))).toEqual(notFound(message));
    expect(answer(await call('POST', `/${missing}/tokens`, { sub: 'u' }))).toEqual(notFound(message));
    expect(answer(await call('POST', `/${missing}/delegation-credentials`, { provider: 'ms', name: 'm', msTenantId: 't', clientId: 'c', clientSecret: 's' }))).toEqual(
      notFound(message),
    );
  });

  it('stores each provider credential with its public fields shown and its secret sealed (readable only by the service)', async () => {
    const tenancy = t.app.get(TenancyService);
    const cases = [
      { json: { provider: 'google', name: 'G', serviceAccountEmail: 'sa@proj.iam.gserviceaccount.com', privateKey: PEM }, publicConfig: { serviceAccountEmail: 'sa@proj.iam.gserviceaccount.com' }, secret: { privateKey: PEM } },
      { json: { provider: 'ms', name: 'M', msTenantId: 'ms-tenant', clientId: 'client-1', clientSecret: 'shh' }, publicConfig: { msTenantId: 'ms-tenant', clientId: 'client-1' }, secret: { clientSecret: 'shh' } },
      {
        json: { provider: 'caldav', name: 'C', serverUrl: 'https://dav.example/', username: 'dav-user', password: 'pw', calendarHomeTemplate: 'https://dav.example/{email}/' },
        publicConfig: { serverUrl: 'https://dav.example/', username: 'dav-user', calendarHomeTemplate: 'https://dav.example/{email}/' },
        secret: { password: 'pw' },
      },
      { json: { provider: 'caldav', name: 'C2', serverUrl: 'https://dav.example/', username: 'dav-user', password: 'pw' }, publicConfig: { serverUrl: 'https://dav.example/', username: 'dav-user' }, secret: { password: 'pw' } },
    ];
    const created = [];
    for (const c of cases) {
      const response = await call('POST', `/${tenantId}/delegation-credentials`, c.json);
      expect(answer(response)).toEqual({
        status: 201,
        body: { id: expect.stringMatching(UUID), provider: c.json.provider, name: c.json.name, publicConfig: c.publicConfig, createdAt: expect.stringMatching(ISO) },
      });
      expect(await tenancy.delegationSecret(tenantId, response.body.id)).toEqual(c.secret);
      created.push(response.body);
    }
    expect(answer(await call('GET', `/${tenantId}/delegation-credentials`))).toEqual({ status: 200, body: created });
    await expect(tenancy.delegationSecret(tenantId, '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b')).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('authorizes a domain lower-cased, lists domains alphabetically, deletes with 204 and then answers 404', async () => {
    const other = (await call('POST', '', { name: 'Domains Co' })).body.id;
    const credential = (await call('POST', `/${other}/delegation-credentials`, { provider: 'ms', name: 'M', msTenantId: 't', clientId: 'c', clientSecret: 's' })).body.id;
    const zeta = await call('POST', `/${other}/domains`, { domain: 'Zeta.Example', provider: 'ms', delegationCredentialId: credential });
    expect(answer(zeta)).toEqual({
      status: 201,
      body: { id: expect.stringMatching(UUID), domain: 'zeta.example', provider: 'ms', delegationCredentialId: credential, createdAt: expect.stringMatching(ISO) },
    });
    const alpha = (await call('POST', `/${other}/domains`, { domain: 'alpha.example', provider: 'ms', delegationCredentialId: credential })).body;
    expect(answer(await call('GET', `/${other}/domains`))).toEqual({ status: 200, body: [alpha, zeta.body] });
    expect(answer(await call('POST', `/${other}/domains`, { domain: 'ZETA.example', provider: 'ms', delegationCredentialId: credential }))).toEqual({
      status: 409,
      body: { statusCode: 409, error: 'Conflict', code: 'CONFLICT', message: 'Domain zeta.example is already authorized by an organisation' },
    });
    expect(answer(await call('POST', `/${other}/domains`, { domain: 'gamma.example', provider: 'google', delegationCredentialId: credential }))).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        error: 'Bad Request',
        code: 'VALIDATION_FAILED',
        message: 'Validation failed',
        details: [{ field: 'provider', message: 'the delegation credential is for ms, not google' }],
      },
    });
    const unknownCredential = '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b';
    expect(answer(await call('POST', `/${other}/domains`, { domain: 'gamma.example', provider: 'ms', delegationCredentialId: unknownCredential }))).toEqual(
      notFound(`Delegation credential ${unknownCredential} not found`),
    );
    const deleted = await call('DELETE', `/${other}/domains/${zeta.body.id}`);
    expect({ status: deleted.status, text: deleted.text }).toEqual({ status: 204, text: '' });
    expect(answer(await call('DELETE', `/${other}/domains/${zeta.body.id}`))).toEqual(notFound(`Domain ${zeta.body.id} not found`));
    expect(answer(await call('GET', `/${other}/domains`))).toEqual({ status: 200, body: [alpha] });
  });

  it('creates users once per external id, lists them by id and scopes a key to one', async () => {
    const first = await call('POST', `/${tenantId}/users`, { externalId: 'ext-1', email: 'one@example.com' });
    expect(answer(first)).toEqual({ status: 201, body: { id: expect.any(Number), externalId: 'ext-1', email: 'one@example.com', createdAt: expect.stringMatching(ISO) } });
    const again = await call('POST', `/${tenantId}/users`, { externalId: 'ext-1' });
    expect(again.body).toEqual(first.body);
    const second = (await call('POST', `/${tenantId}/users`, { externalId: 'ext-2' })).body;
    expect(second.email).toBeNull();
    expect(answer(await call('GET', `/${tenantId}/users`))).toEqual({ status: 200, body: [first.body, second] });

    const key = await call('POST', `/${tenantId}/api-keys`, { name: 'user key', userId: first.body.id });
    expect(answer(key)).toEqual({
      status: 201,
      body: {
        id: expect.stringMatching(UUID),
        name: 'user key',
        keyPrefix: key.body.key.slice(0, 8),
        userId: first.body.id,
        createdAt: expect.stringMatching(ISO),
        revokedAt: null,
        lastUsedAt: null,
        key: expect.stringMatching(/^cal_/),
      },
    });
    expect(key.body.keyPrefix).toHaveLength(8);
  });

  it('issues organisation keys, records their first use, lists them oldest first and revokes with 204', async () => {
    const other = (await call('POST', '', { name: 'Keys Co' })).body.id;
    const first = (await call('POST', `/${other}/api-keys`, { name: 'first' })).body;
    const second = (await call('POST', `/${other}/api-keys`, { name: 'second' })).body;
    expect(first.key.startsWith('cal_')).toBe(false);
    expect(first.userId).toBeNull();
    const { key: _firstKey, ...firstView } = first;
    const { key: _secondKey, ...secondView } = second;
    expect(answer(await call('GET', `/${other}/api-keys`))).toEqual({ status: 200, body: [firstView, secondView] });

    expect((await http(t.baseUrl, 'GET', '/tenant', { headers: { cb_key: first.key } })).status).toBe(200);
    const used = await waitFor(async () => (await call('GET', `/${other}/api-keys`)).body[0], (view) => view.lastUsedAt !== null);
    expect(used.lastUsedAt).toMatch(ISO);

    const revoked = await call('DELETE', `/${other}/api-keys/${second.id}`);
    expect({ status: revoked.status, text: revoked.text }).toEqual({ status: 204, text: '' });
    const [, afterRevoke] = (await call('GET', `/${other}/api-keys`)).body;
    expect(afterRevoke).toEqual({ ...secondView, revokedAt: expect.stringMatching(ISO) });
    expect(answer(await call('DELETE', `/${other}/api-keys/${second.id}`))).toEqual(notFound(`API key ${second.id} not found`));
  });

  it('mints an HS256 token for one hour by default, with the tenant claim and the e-mail only when given', async () => {
    const minted = await call('POST', `/${tenantId}/tokens`, { sub: 'token-user', email: 'tu@example.com' });
    expect(answer(minted)).toEqual({ status: 201, body: { accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600 } });
    const claims = decode(minted.body.accessToken, { complete: true });
    expect(claims?.header.alg).toBe('HS256');
    const payload = claims?.payload as Record<string, unknown>;
    expect(payload).toEqual({ sub: 'token-user', email: 'tu@example.com', [t.config.jwt.tenantClaim]: tenantId, iat: expect.any(Number), exp: (payload.iat as number) + 3600 });

    const short = await call('POST', `/${tenantId}/tokens`, { sub: 'token-user', expiresInSeconds: 120 });
    expect(short.body.expiresIn).toBe(120);
    const shortPayload = decode(short.body.accessToken) as Record<string, unknown>;
    expect(Object.keys(shortPayload).sort()).toEqual(['exp', 'iat', 'sub', t.config.jwt.tenantClaim].sort());
    expect(shortPayload.exp).toBe((shortPayload.iat as number) + 120);
  });

  it('stores the key use timestamp in the database, not only in the view', async () => {
    const client = new Client({ connectionString: t.database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM api_keys WHERE last_used_at IS NOT NULL');
      expect(Number(rows[0].n)).toBe(1);
    } finally {
      await client.end();
    }
  });
});

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
