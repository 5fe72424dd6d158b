import { Client } from 'pg';
import { createHash } from 'node:crypto';
import { startTestApp, TestApp } from '../support/app';
import { createTenantWithKey, TenantFixture } from '../support/fixtures';
import { http } from '../support/http';

describe('tenancy over HTTP: isolation, keys, secrets at rest', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp();
    admin = { 'x-admin-token': t.adminToken };
    a = await createTenantWithKey(t.baseUrl, t.adminToken, 'Tenant A');
    b = await createTenantWithKey(t.baseUrl, t.adminToken, 'Tenant B');
  });
  afterAll(() => t.close());

  it("shows a key only its own tenant's organisation and keys", async () => {
    const whoA = await http(t.baseUrl, 'GET', '/tenant', { headers: { cb_key: a.apiKey } });
    expect(whoA.status).toBe(200);
    expect(whoA.body.tenant.id).toBe(a.tenantId);

    const keysA = await http(t.baseUrl, 'GET', '/tenant/api-keys', { headers: { 'x-api-key': a.apiKey } });
    expect(keysA.status).toBe(200);
    expect(keysA.body.map((k: { id: string }) => k.id)).toEqual([a.apiKeyId]);
  });

  it("cannot revoke another tenant's key, and that key keeps working", async () => {
    const attempt = await http(t.baseUrl, 'DELETE', `/tenant/api-keys/${b.apiKeyId}`, { headers: { cb_key: a.apiKey } });
    expect({ status: attempt.status, body: attempt.body }).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: `API key ${b.apiKeyId} not found` },
    });
    const stillWorks = await http(t.baseUrl, 'GET', '/tenant', { headers: { cb_key: b.apiKey } });
    expect(stillWorks.status).toBe(200);
    expect(stillWorks.body.tenant.id).toBe(b.tenantId);
  });

  it("does not list another tenant's domains", async () => {
    const cred = await http(t.baseUrl, 'POST', `/admin/tenants/${b.tenantId}/delegation-credentials`, {
      headers: admin,
      json: { provider: 'ms', name: 'B app', msTenantId: 'b.onmicrosoft.com', clientId: 'client-b', clientSecret: 'b-secret' },
    });
    expect(cred.status).toBe(201);
    const domain = await http(t.baseUrl, 'POST', `/admin/tenants/${b.tenantId}/domains`, {
      headers: admin,
      json: { domain: 'B-Corp.example', provider: 'ms', delegationCredentialId: cred.body.id },
    });
    expect(domain.status).toBe(201);
    expect(domain.body.domain).toBe('b-corp.example');

    const whoA = await http(t.baseUrl, 'GET', '/tenant', { headers: { cb_key: a.apiKey } });
    expect(whoA.body.domains).toEqual([]);
    const whoB = await http(t.baseUrl, 'GET', '/tenant', { headers: { cb_key: b.apiKey } });
    expect(whoB.body.domains.map((d: { domain: string }) => d.domain)).toEqual(['b-corp.example']);

    // A domain belongs to one organisation only, and A cannot bind B's credential.
    const steal = await http(t.baseUrl, 'POST', `/admin/tenants/${a.tenantId}/domains`, {
      headers: admin,
      json: { domain: 'other.example', provider: 'ms', delegationCredentialId: cred.body.id },
    });
    expect({ status: steal.status, body: steal.body }).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: `Delegation credential ${cred.body.id} not found` },
    });
    const credA = await http(t.baseUrl, 'POST', `/admin/tenants/${a.tenantId}/delegation-credentials`, {
      headers: admin,
      json: { provider: 'ms', name: 'A app', msTenantId: 'a.onmicrosoft.com', clientId: 'client-a', clientSecret: 'a-secret' },
    });
    const taken = await http(t.baseUrl, 'POST', `/admin/tenants/${a.tenantId}/domains`, {
      headers: admin,
      json: { domain: 'b-corp.example', provider: 'ms', delegationCredentialId: credA.body.id },
    });
    expect({ status: taken.status, body: taken.body }).toEqual({
      status: 409,
      body: { statusCode: 409, error: 'Conflict', code: 'CONFLICT', message: 'Domain b-corp.example is already authorized by an organisation' },
    });
  });

  it('answers 401 for a missing, unknown or revoked key', async () => {
    const missing = await http(t.baseUrl, 'GET', '/tenant');
    expect({ status: missing.status, body: missing.body }).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', code: 'API_KEY_MISSING', message: 'Missing API key: send it in the cb_key or x-api-key header' },
    });
    const unknown = await http(t.baseUrl, 'GET', '/tenant', { headers: { cb_key: 'cbk_not-a-real-key' } });
    expect({ status: unknown.status, body: unknown.body }).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', code: 'API_KEY_INVALID', message: 'Invalid or revoked API key' },
    });

    const extra = await http(t.baseUrl, 'POST', `/admin/tenants/${a.tenantId}/api-keys`, { headers: admin, json: { name: 'temp' } });
    expect((await http(t.baseUrl, 'GET', '/tenant', { headers: { cb_key: extra.body.key } })).status).toBe(200);
    const revoke = await http(t.baseUrl, 'DELETE', `/admin/tenants/${a.tenantId}/api-keys/${extra.body.id}`, { headers: admin });
    expect(revoke.status).toBe(204);
    const after = await http(t.baseUrl, 'GET', '/tenant', { headers: { cb_key: extra.body.key } });
    expect({ status: after.status, body: after.body }).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', code: 'API_KEY_INVALID', message: 'Invalid or revoked API key' },
    });
  });

  it('guards the admin API with x-admin-token', async () => {
    const refusal = (message: string) => ({ status: 401, body: { statusCode: 401, error: 'Unauthorized', code: 'UNAUTHORIZED', message } });
    const answer = async (headers: Record<string, string>) => {
      const response = await http(t.baseUrl, 'GET', '/admin/tenants', { headers });
      return { status: response.status, body: response.body };
    };
    expect(await answer({})).toEqual(refusal('Missing x-admin-token header'));
    expect(await answer({ 'x-admin-token': 'wrong-token-value' })).toEqual(refusal('Invalid admin token'));
    // Same length, one character off: only a real comparison tells these apart.
    const last = t.adminToken.slice(-1);
    const nearMiss = `${t.adminToken.slice(0, -1)}${last === 'a' ? 'b' : 'a'}`;
    expect(nearMiss).toHaveLength(t.adminToken.length);
    expect(await answer({ 'x-admin-token': nearMiss })).toEqual(refusal('Invalid admin token'));
    expect(await answer({ 'x-admin-token': t.adminToken.toUpperCase() === t.adminToken ? t.adminToken.toLowerCase() : t.adminToken.toUpperCase() })).toEqual(refusal('Invalid admin token'));
    const ok = await http(t.baseUrl, 'GET', '/admin/tenants', { headers: admin });
    expect(ok.status).toBe(200);
    expect(ok.body.map((tenant: { id: string }) => tenant.id).sort()).toEqual([a.tenantId, b.tenantId].sort());
  });

  it("cannot scope a key to another tenant's user", async () => {
    const userOfB = await http(t.baseUrl, 'POST', `/admin/tenants/${b.tenantId}/users`, { headers: admin, json: { externalId: 'b-only-user' } });
    expect(userOfB.status).toBe(201);
    const attempt = await http(t.baseUrl, 'POST', `/admin/tenants/${a.tenantId}/api-keys`, { headers: admin, json: { name: 'cross', userId: userOfB.body.id } });
    expect({ status: attempt.status, body: attempt.body }).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: `User ${userOfB.body.id} not found in this tenant` },
    });
    const keysOfA = await sql(t.database.url, 'SELECT count(*)::int AS n FROM api_keys WHERE tenant_id = $1 AND user_id IS NOT NULL', [a.tenantId]);
    expect(keysOfA[0].n).toBe(0);
    const own = await http(t.baseUrl, 'POST', `/admin/tenants/${b.tenantId}/api-keys`, { headers: admin, json: { name: 'own', userId: userOfB.body.id } });
    expect(own.status).toBe(201);
    expect(own.body.key).toMatch(/^cal_/);
  });

  it('stores API keys as SHA-256 hashes only', async () => {
    const issued = await http(t.baseUrl, 'POST', `/admin/tenants/${a.tenantId}/api-keys`, { headers: admin, json: { name: 'hash check' } });
    expect(issued.body.key).toMatch(/^cbk_[A-Za-z0-9_-]{32}$/);
    const rows = await sql(t.database.url, `SELECT * FROM api_keys WHERE id = $1`, [issued.body.id]);
    expect(rows[0].key_hash).toBe(createHash('sha256').update(issued.body.key).digest('hex'));
    expect(JSON.stringify(rows[0])).not.toContain(issued.body.key);
    const listed = await http(t.baseUrl, 'GET', `/admin/tenants/${a.tenantId}/api-keys`, { headers: admin });
    expect(JSON.stringify(listed.body)).not.toContain(issued.body.key);
  });

  it('never stores or returns delegation secrets in clear', async () => {
    const privateKey = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC-clear-marker\n-----END PRIVATE KEY-----\n';
    const created = await http(t.baseUrl, 'POST', `/admin/tenants/${a.tenantId}/delegation-credentials`, {
      headers: admin,
      json: { provider: 'google', name: 'DWD', serviceAccountEmail: 'sync@proj.iam.gserviceaccount.com', privateKey },
    });
    expect(created.status).toBe(201);
    expect(created.body.publicConfig).toEqual({ serviceAccountEmail: 'sync@proj.iam.gserviceaccount.com' });
    expect(created.text).not.toContain('clear-marker');

    const dump = await sql(t.database.url, `SELECT * FROM delegation_credentials`);
    const everything = JSON.stringify(dump);
    expect(everything).not.toContain('clear-marker');
    expect(everything).not.toContain('b-secret');
    const row = dump.find((r) => r.id === created.body.id);
    expect(row.secret_sealed).toMatch(/^v1:/);
  });
});

async function sql(url: string, query: string, params: unknown[] = []): Promise<any[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(query, params)).rows;
  } finally {
    await client.end();
  }
}
