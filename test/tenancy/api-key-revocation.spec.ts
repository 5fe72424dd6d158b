import { Client } from 'pg';
import { startTestApp, TestApp } from '../support/app';
import { createTenantWithKey, TenantFixture } from '../support/fixtures';
import { http } from '../support/http';

/** Two replicas of the app on one database, each with its own API-key cache. */
describe('API key cache across replicas', () => {
  let one: TestApp & { env: Record<string, string | undefined> };
  let two: TestApp;
  let tenant: TenantFixture;

  beforeAll(async () => {
    one = await startTestApp({ API_KEY_CACHE_SECONDS: '300' });
    two = await startTestApp({}, { database: one.database, env: one.env });
    tenant = await createTenantWithKey(one.baseUrl, one.adminToken, 'Replicated');
  });
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  const whoAmI = (app: TestApp, key: string) => http(app.baseUrl, 'GET', '/tenant', { headers: { cb_key: key } }).then((r) => r.status);

  async function statusWithin(app: TestApp, key: string, expected: number, ms: number): Promise<number> {
    const deadline = Date.now() + ms;
    let status = await whoAmI(app, key);
    while (status !== expected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = await whoAmI(app, key);
    }
    return status;
  }

  it('serves a known key from memory (a revoke that bypasses the app is not seen until evicted)', async () => {
    const key = await http(one.baseUrl, 'POST', `/admin/tenants/${tenant.tenantId}/api-keys`, { headers: { 'x-admin-token': one.adminToken }, json: { name: 'cached' } });
    expect(await whoAmI(two, key.body.key)).toBe(200);
    const client = new Client({ connectionString: one.database.url });
    await client.connect();
    await client.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [key.body.id]);
    await client.end();
    // Replica two still holds it: proof that the hot path skips the database.
    expect(await whoAmI(two, key.body.key)).toBe(200);
  });

  it('a revoke through the API evicts the key on every replica, not after the 300 s TTL', async () => {
    expect(await whoAmI(one, tenant.apiKey)).toBe(200);
    expect(await whoAmI(two, tenant.apiKey)).toBe(200);
    const revoked = await http(one.baseUrl, 'DELETE', `/admin/tenants/${tenant.tenantId}/api-keys/${tenant.apiKeyId}`, { headers: { 'x-admin-token': one.adminToken } });
    expect(revoked.status).toBe(204);
    expect(await whoAmI(one, tenant.apiKey)).toBe(401);
    expect(await statusWithin(two, tenant.apiKey, 401, 2_000)).toBe(401);
  });
});
