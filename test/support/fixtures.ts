import { http } from './http';

export interface TenantFixture {
  tenantId: string;
  apiKey: string;
  apiKeyId: string;
}

/** A tenant with one organisation-level API key, made through the admin API. */
export async function createTenantWithKey(baseUrl: string, adminToken: string, name: string): Promise<TenantFixture> {
  const admin = { 'x-admin-token': adminToken };
  const tenant = await http(baseUrl, 'POST', '/admin/tenants', { headers: admin, json: { name } });
  if (tenant.status !== 201) throw new Error(`tenant creation failed: ${tenant.status} ${tenant.text}`);
  const key = await http(baseUrl, 'POST', `/admin/tenants/${tenant.body.id}/api-keys`, { headers: admin, json: { name: `${name} key` } });
  if (key.status !== 201) throw new Error(`key creation failed: ${key.status} ${key.text}`);
  return { tenantId: tenant.body.id, apiKey: key.body.key, apiKeyId: key.body.id };
}
