import type { Client } from '@microsoft/microsoft-graph-client';
import jwt from 'jsonwebtoken';
import { type EmulatorEnv, graphClient, jsonOf, seededGraph, type Tenant } from './microsoft-test-env';

const WINDOW = 'startDateTime=2030-01-01T00:00:00Z&endDateTime=2030-02-01T00:00:00Z';
const event = { subject: 'x', body: { contentType: 'text', content: 'secret agenda' }, start: { dateTime: '2030-01-10T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2030-01-10T11:00:00', timeZone: 'UTC' } };
const OUTLOOK_DENIED = { statusCode: 403, code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' };
const DIRECTORY_DENIED = { statusCode: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' };

type Call = (c: Client, ids: { eventId: string; upn: string }) => Promise<unknown>;
const calls: Record<string, Call> = {
  'GET /me': (c) => c.api('/me').get(),
  'GET /me/mailboxSettings': (c) => c.api('/me/mailboxSettings').get(),
  'GET /me/events': (c) => c.api('/me/events').get(),
  'GET /me/calendarView': (c) => c.api(`/me/calendarView?${WINDOW}`).get(),
  'GET /me/calendarView/delta': (c) => c.api(`/me/calendarView/delta?${WINDOW}`).get(),
  'GET /me/calendars': (c) => c.api('/me/calendars').get(),
  'POST /me/events': (c) => c.api('/me/events').post(event),
  'PATCH /me/events/{id}': (c, i) => c.api(`/me/events/${i.eventId}`).patch({ subject: 'y' }),
  'DELETE /me/events/{id}': (c, i) => c.api(`/me/events/${i.eventId}`).delete(),
  'POST /me/calendars': (c) => c.api('/me/calendars').post({ name: 'New' }),
  'POST /subscriptions': (c) => c.api('/subscriptions').post({ changeType: 'created', notificationUrl: 'http://127.0.0.1:9/hook', resource: '/me/events', expirationDateTime: new Date(Date.now() + 3600_000).toISOString() }),
  'GET /users/{upn}': (c, i) => c.api(`/users/${i.upn}`).get(),
  'GET /users/{upn}/events': (c, i) => c.api(`/users/${i.upn}/events`).get(),
  'POST /users/{upn}/events': (c, i) => c.api(`/users/${i.upn}/events`).post(event),
};

/** Per the Permissions section of each Graph reference page (table in docs/emulators/microsoft.md). */
const delegated: [string, string[], string, 'ok' | typeof OUTLOOK_DENIED | typeof DIRECTORY_DENIED][] = [
  ['Calendars.Read', ['Calendars.Read'], 'GET /me/events', 'ok'],
  ['Calendars.Read', ['Calendars.Read'], 'GET /me/calendarView/delta', 'ok'],
  ['Calendars.Read', ['Calendars.Read'], 'POST /me/events', OUTLOOK_DENIED],
  ['Calendars.Read', ['Calendars.Read'], 'PATCH /me/events/{id}', OUTLOOK_DENIED],
  ['Calendars.Read', ['Calendars.Read'], 'DELETE /me/events/{id}', OUTLOOK_DENIED],
  ['Calendars.Read', ['Calendars.Read'], 'POST /me/calendars', OUTLOOK_DENIED],
  ['Calendars.Read', ['Calendars.Read'], 'GET /me', DIRECTORY_DENIED],
  ['Calendars.Read', ['Calendars.Read'], 'GET /me/mailboxSettings', OUTLOOK_DENIED],
  ['Calendars.ReadBasic', ['Calendars.ReadBasic'], 'GET /me/calendarView', 'ok'],
  ['Calendars.ReadBasic', ['Calendars.ReadBasic'], 'GET /me/calendars', 'ok'],
  ['Calendars.ReadBasic', ['Calendars.ReadBasic'], 'GET /me/calendarView/delta', OUTLOOK_DENIED],
  ['Calendars.ReadBasic', ['Calendars.ReadBasic'], 'POST /subscriptions', OUTLOOK_DENIED],
  ['User.Read', ['User.Read'], 'GET /me', 'ok'],
  ['User.Read', ['User.Read'], 'GET /me/events', OUTLOOK_DENIED],
  ['MailboxSettings.Read', ['MailboxSettings.Read'], 'GET /me/mailboxSettings', 'ok'],
  ['Calendars.ReadWrite', ['Calendars.ReadWrite'], 'POST /me/events', 'ok'],
  ['Calendars.ReadWrite', ['Calendars.ReadWrite'], 'DELETE /me/events/{id}', 'ok'],
];

const application: [string, string[], string, 'ok' | typeof OUTLOOK_DENIED | typeof DIRECTORY_DENIED][] = [
  ['Calendars.Read', ['Calendars.Read'], 'GET /users/{upn}/events', 'ok'],
  ['Calendars.Read', ['Calendars.Read'], 'POST /users/{upn}/events', OUTLOOK_DENIED],
  ['Calendars.Read', ['Calendars.Read'], 'GET /users/{upn}', DIRECTORY_DENIED],
  ['User.Read.All', ['User.Read.All'], 'GET /users/{upn}', 'ok'],
  ['User.Read.All', ['User.Read.All'], 'GET /users/{upn}/events', OUTLOOK_DENIED],
  ['Calendars.ReadWrite', ['Calendars.ReadWrite'], 'POST /users/{upn}/events', 'ok'],
];

describe('Microsoft Graph emulator: permissions', () => {
  let env: EmulatorEnv;
  let tenant: Tenant;
  let eventId: string;

  beforeEach(async () => {
    ({ env, tenant } = await seededGraph());
    eventId = env.emulator.seedEvent(tenant.alice.email, event).id as string;
  });
  afterEach(() => env.close());

  async function expectOutcome(client: Client, call: string, outcome: 'ok' | object): Promise<void> {
    const attempt = calls[call](client, { eventId, upn: tenant.alice.email });
    if (outcome === 'ok') await expect(attempt).resolves.not.toThrow();
    else await expect(attempt).rejects.toMatchObject(outcome);
  }

  it.each(delegated)('delegated %s: %s → %s', async (_label, scopes, call, outcome) => {
    const token = env.emulator.issueToken({ clientId: tenant.clientId, mailbox: tenant.alice.email, scopes }).access_token;
    await expectOutcome(graphClient(env, token), call, outcome);
    if (outcome !== 'ok' && call.startsWith('POST /me/events')) expect(env.emulator.listStoredEvents(tenant.alice.email)).toHaveLength(1);
  });

  it.each(application)('application %s: %s → %s', async (_label, roles, call, outcome) => {
    const app = env.emulator.registerApp({ clientId: `daemon-${roles.join('-')}`, clientSecret: 's', tenantId: tenant.tenantId, appRoles: roles });
    const token = env.emulator.issueToken({ clientId: app.clientId }).access_token;
    await expectOutcome(graphClient(env, token), call, outcome);
  });

  it('leaves body and bodyPreview out for a Calendars.ReadBasic token', async () => {
    const basic = env.emulator.issueToken({ clientId: tenant.clientId, mailbox: tenant.alice.email, scopes: ['Calendars.ReadBasic'] }).access_token;
    const full = env.emulator.issueToken({ clientId: tenant.clientId, mailbox: tenant.alice.email, scopes: ['Calendars.Read'] }).access_token;
    const [basicEvent] = (await graphClient(env, basic).api('/me/events').get()).value;
    const [fullEvent] = (await graphClient(env, full).api('/me/events').get()).value;
    expect(basicEvent).not.toHaveProperty('body');
    expect(basicEvent).not.toHaveProperty('bodyPreview');
    expect(basicEvent.subject).toBe('x');
    expect(fullEvent.body).toEqual({ contentType: 'text', content: 'secret agenda' });
  });

  it('checks each $batch sub-request against the token', async () => {
    const token = env.emulator.issueToken({ clientId: tenant.clientId, mailbox: tenant.alice.email, scopes: ['Calendars.Read'] }).access_token;
    const res = await graphClient(env, token).api('/$batch').post({
      requests: [
        { id: 'read', method: 'GET', url: '/me/events' },
        { id: 'write', method: 'POST', url: '/me/events', headers: { 'Content-Type': 'application/json' }, body: event, dependsOn: ['read'] },
      ],
    });
    const byId = Object.fromEntries(res.responses.map((r: { id: string; status: number; body: unknown }) => [r.id, r]));
    expect(byId.read.status).toBe(200);
    expect(byId.write).toMatchObject({ status: 403, body: { error: { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' } } });
  });
});

describe('Microsoft identity platform emulator: consent and tenants', () => {
  let env: EmulatorEnv;
  let tenant: Tenant;

  beforeEach(async () => ({ env, tenant } = await seededGraph()));
  afterEach(() => env.close());

  const postForm = (tenantSegment: string, form: Record<string, string>) =>
    fetch(`${env.base}/login/${tenantSegment}/oauth2/v2.0/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });

  it('refuses a refresh that asks for a scope the user never consented to (AADSTS65001, consent_required)', async () => {
    // Bob has consented to nothing else for this app (consent accumulates per user and app).
    const { refresh_token } = env.emulator.issueToken({ clientId: tenant.clientId, mailbox: tenant.bob.email, scopes: ['Calendars.Read', 'offline_access'] });
    const refresh = (scope: string) => postForm(tenant.tenantId, { client_id: tenant.clientId, client_secret: tenant.clientSecret, grant_type: 'refresh_token', refresh_token: refresh_token!, scope });

    const widened = await refresh('offline_access https://graph.microsoft.com/Calendars.ReadWrite');
    expect(widened.status).toBe(400);
    const body = await jsonOf(widened);
    expect(body).toMatchObject({ error: 'invalid_grant', error_codes: [65001], suberror: 'consent_required' });
    expect(body.error_description).toMatch(/^AADSTS65001: The user or administrator has not consented to use the application with ID 'cb-client'/);

    const same = await refresh('offline_access https://graph.microsoft.com/Calendars.Read');
    expect(same.status).toBe(200);
    const tokens = await jsonOf(same);
    expect((jwt.decode(tokens.access_token) as { scp: string }).scp).toBe('Calendars.Read');
    // The refreshed token is as read-only as the consent.
    await expect(graphClient(env, tokens.access_token).api('/me/events').post(event)).rejects.toMatchObject(OUTLOOK_DENIED);
  });

  const aliases = ['common', 'organizations', 'consumers'];
  it.each(aliases)('refuses client_credentials on /%s (AADSTS9001023)', async (alias) => {
    const res = await postForm(alias, { client_id: tenant.clientId, client_secret: tenant.clientSecret, grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' });
    expect(res.status).toBe(400);
    const body = await jsonOf(res);
    expect(body).toMatchObject({ error: 'invalid_request', error_codes: [9001023] });
    expect(body.error_description).toMatch(/^AADSTS9001023: The grant type is not supported over the \/common, \/consumers or \/organizations endpoints\./);
  });

  it('refuses client_credentials for a single-tenant app in another directory (AADSTS700016)', async () => {
    env.emulator.createDirectory({ domains: ['fabrikam.test'] });
    const res = await postForm('fabrikam.test', { client_id: tenant.clientId, client_secret: tenant.clientSecret, grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' });
    expect(res.status).toBe(400);
    expect(await jsonOf(res)).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] });
    const home = await postForm('contoso.test', { client_id: tenant.clientId, client_secret: tenant.clientSecret, grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' });
    expect(home.status).toBe(200);
  });

  it('redirects with AADSTS650053 when /authorize asks for a permission Graph does not define', async () => {
    env.emulator.setAutoConsent(true);
    const url = new URL(`${env.base}/login/${tenant.tenantId}/oauth2/v2.0/authorize`);
    for (const [k, v] of Object.entries({ client_id: tenant.clientId, response_type: 'code', redirect_uri: tenant.redirectUri, scope: 'offline_access Calendars.Everything', state: 's', login_hint: tenant.alice.email })) url.searchParams.set(k, v);
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location')!);
    expect(back.searchParams.get('error')).toBe('invalid_client');
    expect(back.searchParams.get('error_description')).toMatch(/^AADSTS650053: .*asked for scope 'Calendars.Everything' that doesn't exist on the resource '00000003-0000-0000-c000-000000000000'/);
    expect(back.searchParams.get('code')).toBeNull();
  });
});
