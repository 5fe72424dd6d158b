import { http } from '../support/http';
import { createTenantWithKey, TenantFixture } from '../support/fixtures';

/** A throwaway PEM header so the admin API's format check passes; never used to sign. */
const FAKE_PEM = '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n';

export interface LinksTenant extends TenantFixture {
  credentials: Record<'google' | 'ms' | 'caldav', string>;
}

/**
 * A tenant that authorized the seed's domains (managelegalspend.com on Google,
 * tzv1w.onmicrosoft.com on Microsoft) plus a CalDAV domain, each with its delegation credential.
 */
export async function createLinksTenant(
  baseUrl: string,
  adminToken: string,
  name: string,
  domains: { google?: string[]; ms?: string[]; caldav?: string[] } = {
    google: ['managelegalspend.com'],
    ms: ['tzv1w.onmicrosoft.com'],
    caldav: ['dav.test'],
  },
  caldavServerUrl = 'http://127.0.0.1:1/',
): Promise<LinksTenant> {
  const tenant = await createTenantWithKey(baseUrl, adminToken, name);
  const admin = { 'x-admin-token': adminToken };
  const bodies = {
    google: { provider: 'google', name: 'dwd', serviceAccountEmail: 'sync@project.iam.gserviceaccount.com', privateKey: FAKE_PEM },
    ms: { provider: 'ms', name: 'app', msTenantId: 'tzv1w.onmicrosoft.com', clientId: 'client-1', clientSecret: 'secret-1' },
    caldav: { provider: 'caldav', name: 'dav', serverUrl: caldavServerUrl, username: 'admin', password: 'pw', calendarHomeTemplate: `${caldavServerUrl}{email}/` },
  } as const;
  const credentials = {} as Record<'google' | 'ms' | 'caldav', string>;
  for (const provider of ['google', 'ms', 'caldav'] as const) {
    const created = await http(baseUrl, 'POST', `/admin/tenants/${tenant.tenantId}/delegation-credentials`, { headers: admin, json: bodies[provider] });
    if (created.status !== 201) throw new Error(`credential: ${created.status} ${created.text}`);
    credentials[provider] = created.body.id;
    for (const domain of domains[provider] ?? []) {
      const made = await http(baseUrl, 'POST', `/admin/tenants/${tenant.tenantId}/domains`, {
        headers: admin,
        json: { domain, provider, delegationCredentialId: created.body.id },
      });
      if (made.status !== 201) throw new Error(`domain: ${made.status} ${made.text}`);
    }
  }
  return { ...tenant, credentials };
}

/** The seed's add and delete examples, verbatim (the same objects the OpenAPI document shows). */
export { SEED_ADD_EXAMPLE as SEED_ADD, SEED_DELETE_EXAMPLE as SEED_DELETE } from '../../src/links/dto/links.dto';
