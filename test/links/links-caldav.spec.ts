import { startTestApp, TestApp } from '../support/app';
import { createTenantWithKey } from '../support/fixtures';
import { http } from '../support/http';
import { isRadicaleAvailable, RunningRadicale, startRadicale } from '../support/radicale';
import { waitFor } from './queue-harness';

// Interop tests fail rather than skip under CI=true (SPEC 8).
const describeIfRadicale = isRadicaleAvailable() || process.env.CI === 'true' ? describe : describe.skip;

/**
 * The whole path with no stand-in: POST /links over HTTP, the job in graphile-worker, the runner
 * unsealing the organisation's CalDAV delegation credential, and the real CalDAV driver asking a
 * real Radicale for the mailboxes — which fail before the sync engine is needed.
 */
describeIfRadicale('Links over CalDAV (real Radicale, real worker)', () => {
  let t: TestApp;
  let radicale: RunningRadicale;
  let apiKey: string;

  beforeAll(async () => {
    radicale = await startRadicale();
    t = await startTestApp({ LINKS_QUEUE_CONCURRENCY: '2', LINKS_CRON_ENABLED: 'false' });
    const tenant = await createTenantWithKey(t.baseUrl, t.adminToken, 'DAV Org');
    apiKey = tenant.apiKey;
    const admin = { 'x-admin-token': t.adminToken };
    const credential = async (name: string, password: string) =>
      (
        await http(t.baseUrl, 'POST', `/admin/tenants/${tenant.tenantId}/delegation-credentials`, {
          headers: admin,
          // Radicale's homes are /<user>/; a mailbox's home is looked up under the admin's own.
          json: { provider: 'caldav', name, serverUrl: radicale.url, username: radicale.username, password, calendarHomeTemplate: `/${radicale.username}/{user}/` },
        })
      ).body.id as string;
    for (const [domain, id] of [
      ['dav.test', await credential('good', radicale.password)],
      ['revoked.test', await credential('revoked', 'not-the-password')],
    ]) {
      const made = await http(t.baseUrl, 'POST', `/admin/tenants/${tenant.tenantId}/domains`, { headers: admin, json: { domain, provider: 'caldav', delegationCredentialId: id } });
      expect(made.status).toBe(201);
    }
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await radicale?.stop();
  });

  const add = (source: string, destination: string) =>
    http(t.baseUrl, 'POST', '/links', {
      headers: { cb_key: apiKey },
      json: { action: 'add', sourceEmail: source, sourceType: 'caldav', sourceTz: 'Europe/Berlin', destinationEmail: destination, destinationType: 'caldav', destinationTz: 'Europe/Berlin', policy: 'subject' },
    });
  const view = async (id: string) => (await http(t.baseUrl, 'GET', `/links/${id}`, { headers: { cb_key: apiKey } })).body;

  it('a mailbox the server does not have → the link fails with "Error creating sync, users may not exist" and backs off', async () => {
    const added = await add('nobody@dav.test', 'nobody-either@dav.test');
    expect(added.status).toBe(200);
    await waitFor(async () => (await view(added.body.linkId)).status === 'failed', 20_000, 'link failed');
    const link = await view(added.body.linkId);
    expect(link).toMatchObject({ status: 'failed', lastError: 'Error creating sync, users may not exist', lastSyncAt: null });
    const backoff = (Date.parse(link.nextAttemptAt) - Date.now()) / 1000;
    expect(backoff).toBeGreaterThan(250);
    expect(backoff).toBeLessThanOrEqual(300);
  });

  it('a delegation whose password was changed → failed with a readable error of its own', async () => {
    const revoked = await add('someone@revoked.test', 'another@revoked.test');
    expect(revoked.status).toBe(200);
    await waitFor(async () => (await view(revoked.body.linkId)).status === 'failed', 20_000, 'link failed');
    const link = await view(revoked.body.linkId);
    expect(link.lastError).toMatch(/^Access to the caldav mailbox was revoked: the organisation's delegation no longer works \(/);
    const list = (await http(t.baseUrl, 'GET', '/links', { headers: { cb_key: apiKey } })).body as Array<{ status: string; lastError: string }>;
    // Each link keeps its own reason.
    expect(list.map((entry) => [entry.status, entry.lastError])).toEqual([
      ['failed', 'Error creating sync, users may not exist'],
      ['failed', link.lastError],
    ]);
  });
});
