import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@microsoft/microsoft-graph-client';
import { google } from 'googleapis';
import { DEMO_ORGANISATION } from '../../src/sandbox/demo/demo-organisation';
import { googleapisOptions, googleOAuthFetch } from '../../src/providers/google/googleapis-options';
import { emulatorStatePath } from '../../src/sandbox/persistence/sandbox-state.service';
import { TenancyService } from '../../src/tenancy/tenancy.service';
import { startTestApp, TestApp } from '../support/app';
import { startAppCapturingLogs } from '../support/log-capture';
import { graphClient, type EmulatorEnv } from '../emulators/microsoft/microsoft-test-env';
import { http } from '../support/http';

jest.setTimeout(120_000);

const CAL_SCOPE = 'https://www.googleapis.com/auth/calendar';
const TESTER = 'tester@managelegalspend.com';
const PRADEEP = 'pradeepg@tzv1w.onmicrosoft.com';

type Env = Record<string, string | undefined>;

interface DemoView {
  tenant: { id: string; name: string };
  domains: { domain: string; provider: string; delegationCredentialId: string }[];
}

function secretsFile(env: Env): Record<string, string> {
  return JSON.parse(readFileSync(join(env.DATA_DIR!, 'sandbox-secrets.json'), 'utf8')) as Record<string, string>;
}

/** The demo credential's sealed secret, read the way a provider driver reads it. */
async function credentialSecret(t: TestApp, tenantId: string, credentialId: string): Promise<Record<string, string>> {
  return t.app.get(TenancyService).delegationSecret(tenantId, credentialId);
}

/** googleapis with the demo service account impersonating a mailbox (JWT-bearer grant). */
function delegatedCalendar(baseUrl: string, privateKey: string, subject: string) {
  const googleBase = `${baseUrl}/sandbox/google`;
  const auth = new google.auth.JWT({
    email: DEMO_ORGANISATION.google.serviceAccountEmail,
    key: privateKey,
    scopes: [CAL_SCOPE],
    subject,
    transporterOptions: { fetchImplementation: googleOAuthFetch(googleBase) },
  });
  return { auth, calendar: google.calendar({ version: 'v3', auth, ...googleapisOptions(googleBase) }) };
}

/** Client credentials at the emulated Entra ID, then the official Graph client with that token. */
async function appOnlyGraph(baseUrl: string, clientSecret: string): Promise<{ token: string; client: Client }> {
  const base = `${baseUrl}/sandbox/microsoft`;
  const response = await fetch(`${base}/login/${DEMO_ORGANISATION.microsoft.directoryId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: DEMO_ORGANISATION.microsoft.clientId,
      client_secret: clientSecret,
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  expect(response.status).toBe(200);
  const token = ((await response.json()) as { access_token: string }).access_token;
  return { token, client: graphClient({ base, graphRoot: `${base}/graph/v1.0` } as EmulatorEnv, token) };
}

async function allSummaries(calendar: ReturnType<typeof delegatedCalendar>['calendar']): Promise<string[]> {
  const summaries: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await calendar.events.list({ calendarId: 'primary', pageToken });
    summaries.push(...(page.data.items ?? []).map((e) => e.summary ?? ''));
    pageToken = page.data.nextPageToken ?? undefined;
  } while (pageToken);
  return summaries;
}

describe('sandbox demo organisation', () => {
  let first: TestApp & { env: Env };
  let demo: DemoView;
  let demoApiKey: string;

  beforeAll(async () => {
    first = await startTestApp({ SANDBOX: 'true' });
    demoApiKey = secretsFile(first.env).demoApiKey;
    demo = (await http<DemoView>(first.baseUrl, 'GET', '/tenant', { headers: { cb_key: demoApiKey } })).body;
  });
  afterAll(async () => {
    await first.app.close().catch(() => undefined);
    await first.database.drop();
  });

  it('keeps demoApiKey in the sandbox secrets file (owner-only) beside the generated secrets', () => {
    const file = join(first.env.DATA_DIR!, 'sandbox-secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(demoApiKey).toMatch(/^cbk_[A-Za-z0-9_-]{32}$/);
  });

  it('answers GET /tenant for the key with the demo organisation and its four domains', async () => {
    const res = await http<DemoView>(first.baseUrl, 'GET', '/tenant', { headers: { cb_key: demoApiKey } });
    expect(res.status).toBe(200);
    expect(res.body.tenant.name).toBe('Demo organisation (sandbox)');
    expect(res.body.domains.map((d) => [d.domain, d.provider])).toEqual([
      ['acme.test', 'google'],
      ['contoso.test', 'ms'],
      ['managelegalspend.com', 'google'],
      ['tzv1w.onmicrosoft.com', 'ms'],
    ]);
    // One delegation credential per provider, shared by that provider's two domains.
    const byDomain = Object.fromEntries(res.body.domains.map((d) => [d.domain, d.delegationCredentialId]));
    expect(byDomain['acme.test']).toBe(byDomain['managelegalspend.com']);
    expect(byDomain['contoso.test']).toBe(byDomain['tzv1w.onmicrosoft.com']);
    expect(byDomain['acme.test']).not.toBe(byDomain['contoso.test']);
  });

  it('stores the credentials in the shapes the admin API takes, secrets sealed and never listed', async () => {
    const listed = await http(first.baseUrl, 'GET', `/admin/tenants/${demo.tenant.id}/delegation-credentials`, {
      headers: { 'x-admin-token': first.adminToken },
    });
    expect(listed.status).toBe(200);
    const views = (listed.body as { provider: string; name: string; publicConfig: Record<string, string> }[]).map(({ provider, name, publicConfig }) => ({ provider, name, publicConfig }));
    expect(views).toEqual([
      { provider: 'google', name: DEMO_ORGANISATION.google.credentialName, publicConfig: { serviceAccountEmail: DEMO_ORGANISATION.google.serviceAccountEmail } },
      { provider: 'ms', name: DEMO_ORGANISATION.microsoft.credentialName, publicConfig: { msTenantId: DEMO_ORGANISATION.microsoft.directoryId, clientId: DEMO_ORGANISATION.microsoft.clientId } },
    ]);
    expect(listed.text).not.toContain('PRIVATE KEY');
  });

  it('lets the Google emulator honour the demo service account: JWT-bearer with sub=tester@managelegalspend.com', async () => {
    const googleCredential = demo.domains.find((d) => d.domain === 'managelegalspend.com')!.delegationCredentialId;
    const { privateKey } = await credentialSecret(first, demo.tenant.id, googleCredential);
    const { calendar } = delegatedCalendar(first.baseUrl, privateKey, TESTER);
    const primary = await calendar.calendars.get({ calendarId: 'primary' });
    expect(primary.data.id).toBe(TESTER);
    expect(primary.data.timeZone).toBe('America/Chicago');
    // ann@acme.test is in the other delegated domain; a domain without delegation is refused.
    expect((await delegatedCalendar(first.baseUrl, privateKey, 'ann@acme.test').calendar.calendars.get({ calendarId: 'primary' })).data.id).toBe('ann@acme.test');
    const refused = await delegatedCalendar(first.baseUrl, privateKey, 'someone@example.org').auth.authorize().catch((e: Error) => e.message);
    expect(String(refused)).toContain('unauthorized_client');
  });

  it('lets the Microsoft emulator honour the demo app: app-only token, /users/pradeepg@tzv1w.onmicrosoft.com/calendar', async () => {
    const msCredential = demo.domains.find((d) => d.domain === 'tzv1w.onmicrosoft.com')!.delegationCredentialId;
    const { clientSecret } = await credentialSecret(first, demo.tenant.id, msCredential);
    const { client } = await appOnlyGraph(first.baseUrl, clientSecret);
    const calendar = (await client.api(`/users/${PRADEEP}/calendar`).get()) as { isDefaultCalendar: boolean; name: string };
    expect(calendar).toMatchObject({ isDefaultCalendar: true, name: 'Calendar' });
    const user = (await client.api(`/users/${PRADEEP}`).get()) as { userPrincipalName: string };
    expect(user.userPrincipalName).toBe(PRADEEP);
    // The same directory holds contoso.test: one app-only token reaches both domains.
    expect(((await client.api('/users/carol@contoso.test').get()) as { userPrincipalName: string }).userPrincipalName).toBe('carol@contoso.test');
  });

  describe('after a restart on the same DATA_DIR and database', () => {
    let second: TestApp;
    let googleAccessToken: string;

    beforeAll(async () => {
      const credentialOf = (domain: string) => demo.domains.find((d) => d.domain === domain)!.delegationCredentialId;
      const { privateKey } = await credentialSecret(first, demo.tenant.id, credentialOf('managelegalspend.com'));
      const { clientSecret } = await credentialSecret(first, demo.tenant.id, credentialOf('tzv1w.onmicrosoft.com'));
      const { auth, calendar } = delegatedCalendar(first.baseUrl, privateKey, TESTER);
      await calendar.events.insert({
        calendarId: 'primary',
        requestBody: { summary: 'Written before the restart', start: { dateTime: '2030-03-04T10:00:00-06:00' }, end: { dateTime: '2030-03-04T11:00:00-06:00' } },
      });
      googleAccessToken = (await auth.getAccessToken()).token!;
      const { client } = await appOnlyGraph(first.baseUrl, clientSecret);
      await client.api(`/users/${PRADEEP}/events`).post({
        subject: 'Outlook event before the restart',
        start: { dateTime: '2030-03-05T09:00:00', timeZone: 'Central Standard Time' },
        end: { dateTime: '2030-03-05T09:30:00', timeZone: 'Central Standard Time' },
      });
      await first.app.close();
      second = await startTestApp({}, { database: first.database, env: first.env });
    });
    afterAll(() => second.app.close().catch(() => undefined));

    it('keeps the same organisation, domains and key, and creates nothing twice', async () => {
      expect(secretsFile(first.env).demoApiKey).toBe(demoApiKey);
      const res = await http<DemoView>(second.baseUrl, 'GET', '/tenant', { headers: { cb_key: demoApiKey } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(demo);
      const admin = { headers: { 'x-admin-token': second.adminToken } };
      const tenants = (await http<{ name: string }[]>(second.baseUrl, 'GET', '/admin/tenants', admin)).body;
      expect(tenants.filter((t) => t.name === DEMO_ORGANISATION.name)).toHaveLength(1);
      expect((await http<unknown[]>(second.baseUrl, 'GET', `/admin/tenants/${demo.tenant.id}/delegation-credentials`, admin)).body).toHaveLength(2);
      expect((await http<unknown[]>(second.baseUrl, 'GET', `/admin/tenants/${demo.tenant.id}/api-keys`, admin)).body).toHaveLength(1);
      // The CRM users who try Connections (README), once each.
      const users = (await http<{ externalId: string; email: string }[]>(second.baseUrl, 'GET', `/admin/tenants/${demo.tenant.id}/users`, admin)).body;
      expect(users.map((u) => [u.externalId, u.email])).toEqual([
        ['ann', 'ann@acme.test'],
        ['carol', 'carol@contoso.test'],
      ]);
    });

    it('still has the Google event, and the access token issued before the restart still works', async () => {
      const googleCredential = demo.domains.find((d) => d.domain === 'managelegalspend.com')!.delegationCredentialId;
      const { privateKey } = await credentialSecret(second, demo.tenant.id, googleCredential);
      expect(await allSummaries(delegatedCalendar(second.baseUrl, privateKey, TESTER).calendar)).toEqual(['Written before the restart']);
      const oldToken = await fetch(`${second.baseUrl}/sandbox/google/calendar/v3/calendars/primary`, { headers: { authorization: `Bearer ${googleAccessToken}` } });
      expect(oldToken.status).toBe(200);
      expect(((await oldToken.json()) as { id: string }).id).toBe(TESTER);
    });

    it('still has the Outlook event in pradeepg@tzv1w.onmicrosoft.com', async () => {
      const msCredential = demo.domains.find((d) => d.domain === 'tzv1w.onmicrosoft.com')!.delegationCredentialId;
      const { clientSecret } = await credentialSecret(second, demo.tenant.id, msCredential);
      const { client } = await appOnlyGraph(second.baseUrl, clientSecret);
      const events = (await client.api(`/users/${PRADEEP}/events`).select('subject').get()) as { value: { subject: string }[] };
      expect(events.value.map((e) => e.subject)).toEqual(['Outlook event before the restart']);
    });

    it('honours the demo credentials again after a control-API reset of each emulator', async () => {
      const credentialOf = (domain: string) => demo.domains.find((d) => d.domain === domain)!.delegationCredentialId;
      const control = { headers: { authorization: `Bearer ${second.adminToken}` } };
      expect((await http(second.baseUrl, 'POST', '/sandbox/google/_control/reset', control)).status).toBe(204);
      expect((await http(second.baseUrl, 'POST', '/sandbox/microsoft/_control/reset', control)).status).toBe(204);
      const { privateKey } = await credentialSecret(second, demo.tenant.id, credentialOf('managelegalspend.com'));
      expect(await allSummaries(delegatedCalendar(second.baseUrl, privateKey, TESTER).calendar)).toEqual([]);
      const { clientSecret } = await credentialSecret(second, demo.tenant.id, credentialOf('tzv1w.onmicrosoft.com'));
      const { client } = await appOnlyGraph(second.baseUrl, clientSecret);
      expect(((await client.api(`/users/${PRADEEP}/events`).get()) as { value: unknown[] }).value).toEqual([]);
    });

    it('finds the organisation again by its domains when the kept key was revoked, and issues a new key', async () => {
      const keys = await http<{ id: string }[]>(second.baseUrl, 'GET', '/tenant/api-keys', { headers: { cb_key: demoApiKey } });
      expect((await http(second.baseUrl, 'DELETE', `/tenant/api-keys/${keys.body[0].id}`, { headers: { cb_key: demoApiKey } })).status).toBe(204);
      await second.app.close();
      const third = await startTestApp({}, { database: first.database, env: first.env });
      try {
        const newKey = secretsFile(first.env).demoApiKey;
        expect(newKey).not.toBe(demoApiKey);
        expect((await http(third.baseUrl, 'GET', '/tenant', { headers: { cb_key: demoApiKey } })).status).toBe(401);
        const res = await http<DemoView>(third.baseUrl, 'GET', '/tenant', { headers: { cb_key: newKey } });
        expect(res.body).toEqual(demo);
        const admin = { headers: { 'x-admin-token': third.adminToken } };
        expect((await http<unknown[]>(third.baseUrl, 'GET', '/admin/tenants', admin)).body).toHaveLength(1);
        expect((await http<unknown[]>(third.baseUrl, 'GET', `/admin/tenants/${demo.tenant.id}/delegation-credentials`, admin)).body).toHaveLength(2);
      } finally {
        await third.close();
      }
    });
  });
});

describe('sandbox boot with a corrupt emulator state file', () => {
  it('moves the file aside with a warning and boots with the demo mailboxes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cb-corrupt-'));
    const googleFile = emulatorStatePath(dataDir, 'google');
    mkdirSync(join(dataDir, 'sandbox'), { recursive: true });
    writeFileSync(googleFile, '{"format":"calendar-bridge-emulator-state","version":1,"state":{"store":');
    const t = await startAppCapturingLogs({ SANDBOX: 'true', DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    try {
      const warning = t.lines.map((l) => JSON.parse(l) as { level: number; msg: string }).find((l) => l.msg.includes('emulator state file'));
      expect(warning?.level).toBe(40);
      expect(warning?.msg).toContain(`the google emulator state file ${googleFile} is unreadable (not JSON`);
      const aside = readdirSync(join(dataDir, 'sandbox')).filter((f) => f.startsWith('google-emulator.json.corrupt-'));
      expect(aside).toHaveLength(1);
      const mailboxes = await http<{ email: string }[]>(t.baseUrl, 'GET', '/sandbox/google/_control/mailboxes', { headers: { authorization: `Bearer ${t.adminToken}` } });
      expect(mailboxes.body.map((m) => m.email)).toEqual(['ann@acme.test', 'bob@acme.test', TESTER]);
    } finally {
      await t.close();
    }
    // Shutdown wrote a fresh, readable snapshot in its place.
    expect(existsSync(googleFile)).toBe(true);
    expect(JSON.parse(readFileSync(googleFile, 'utf8')).format).toBe('calendar-bridge-emulator-state');
  });
});
