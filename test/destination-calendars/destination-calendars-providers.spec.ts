import { ConnectionAccessService } from '../../src/connections/connection-access.service';
import { ConnectionsRepository } from '../../src/database/repositories/connections.repository';
import { DestinationCalendarsRepository } from '../../src/database/repositories/destination-calendars.repository';
import { DestinationCalendarsService } from '../../src/destination-calendars/destination-calendars.service';
import { ProviderRegistry } from '../../src/providers/provider-registry';
import { GoogleEmulator } from '../../src/sandbox/google/google-emulator';
import { MicrosoftEmulator } from '../../src/sandbox/microsoft/microsoft-emulator';
import { TenancyService } from '../../src/tenancy/tenancy.service';
import { createLinksTenant } from '../links/links-fixtures';
import { http } from '../support/http';
import { normalizedEvent } from '../support/normalized-event';
import { connectGoogle, connectMicrosoft, createUser, SandboxApp, startSandboxApp, TestUser, userApiKey } from '../support/user-connections';

jest.setTimeout(60_000);

const TESTER = 'tester@managelegalspend.com';
const PRADEEP = 'pradeepg@tzv1w.onmicrosoft.com';
const ANN = 'ann@acme.test';
const TIMESTAMP = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
const GOOGLE = { type: 'google_calendar', slug: 'google-calendar', title: 'Google Calendar' };
const OUTLOOK = { type: 'office365_calendar', slug: 'office365-calendar', title: 'Outlook Calendar' };

const notFound = (externalId: string) => ({ status: 'error', timestamp: TIMESTAMP, error: { code: 'NotFoundException', message: `Could not find calendar ${externalId}` } });

/**
 * The sandbox demo organisation (Google domain-wide delegation for managelegalspend.com and
 * acme.test, a Microsoft app for tzv1w.onmicrosoft.com) and its users' own OAuth connections,
 * all against the emulators mounted in the app, over real HTTP.
 */
describe('DestinationCalendars with Google and Office 365 (emulators: user OAuth and delegation)', () => {
  let t: SandboxApp;
  let tenantId: string;
  let googleCredential: string;
  let msCredential: string;
  let tester: TestUser;
  let pradeep: TestUser;
  let ann: TestUser;
  let testerConnection: number;
  let pradeepConnection: number;
  let teamCalendar: string;
  let projectsCalendar: { id: string; name: string };
  let outlookDefault: string;

  const as = (user: TestUser | string) => ({ authorization: `Bearer ${typeof user === 'string' ? user : user.token}` });
  const put = (user: TestUser | string, json: unknown) => http(t.baseUrl, 'PUT', '/v2/destination-calendars', { headers: as(user), json });
  const get = (user: TestUser | string, path: string) => http(t.baseUrl, 'GET', path, { headers: as(user) });

  beforeAll(async () => {
    t = await startSandboxApp();
    const tenancy = t.app.get(TenancyService);
    tenantId = (await tenancy.findDomainOwner('managelegalspend.com'))!;
    expect(tenantId).toEqual(expect.any(String));
    const domains = await tenancy.listDomains(tenantId);
    googleCredential = domains.find((d) => d.domain === 'managelegalspend.com')!.delegationCredentialId;
    msCredential = domains.find((d) => d.domain === 'tzv1w.onmicrosoft.com')!.delegationCredentialId;

    teamCalendar = t.app.get(GoogleEmulator).createCalendar(TESTER, { summary: 'Team' }).id;
    projectsCalendar = t.app.get(MicrosoftEmulator).createCalendar(PRADEEP, 'Projects');

    tester = await createUser(t.baseUrl, t.adminToken, tenantId, TESTER);
    pradeep = await createUser(t.baseUrl, t.adminToken, tenantId, PRADEEP);
    ann = await createUser(t.baseUrl, t.adminToken, tenantId, ANN);
    testerConnection = (await connectGoogle(t, tenantId, tester.userId, TESTER)).id;
    const outlook = await connectMicrosoft(t, tenantId, pradeep.userId, PRADEEP);
    pradeepConnection = outlook.id;
    outlookDefault = outlook.calendarId;
    await connectGoogle(t, tenantId, ann.userId, ANN);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("GET /v2/calendars: the user's Google connection and the user's own mailbox through the organisation's delegation", async () => {
    const res = await get(tester, '/v2/calendars');
    expect(res.status).toBe(200);
    const calendar = (externalId: string, name: string, primary: boolean, credentialId: number | null, delegationCredentialId: string | null) => ({
      externalId,
      integration: 'google_calendar',
      name,
      primary,
      readOnly: false,
      email: TESTER,
      credentialId,
      delegationCredentialId,
    });
    expect(res.body).toEqual({
      status: 'success',
      data: {
        connectedCalendars: [
          {
            integration: GOOGLE,
            credentialId: testerConnection,
            delegationCredentialId: null,
            primary: calendar(TESTER, TESTER, true, testerConnection, null),
            calendars: [calendar(TESTER, TESTER, true, testerConnection, null), calendar(teamCalendar, 'Team', false, testerConnection, null)],
          },
          {
            integration: GOOGLE,
            credentialId: null,
            delegationCredentialId: googleCredential,
            primary: calendar(TESTER, TESTER, true, null, googleCredential),
            calendars: [calendar(TESTER, TESTER, true, null, googleCredential), calendar(teamCalendar, 'Team', false, null, googleCredential)],
          },
        ],
        destinationCalendar: null,
      },
    });
  });

  it('Google through the user connection → 200 with the connection as credentialId; writeTarget writes into that calendar', async () => {
    const res = await put(tester, { integration: 'google_calendar', externalId: teamCalendar });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'success', data: { userId: tester.userId, integration: 'google_calendar', externalId: teamCalendar, credentialId: testerConnection } });

    const target = await t.app.get(DestinationCalendarsService).writeTarget(tenantId, tester.userId);
    expect(target).toMatchObject({ provider: 'google', calendarId: teamCalendar, access: { mailbox: TESTER, credentials: { kind: 'google-oauth' } } });
    const [written] = await t.app.get(ProviderRegistry).get('google').writeEvents(target!.access, target!.calendarId, [{ op: 'create', key: 'crm-g-1', event: normalizedEvent({ title: 'CRM call' }) }]);
    expect(written).toMatchObject({ ok: true });
    expect(t.app.get(GoogleEmulator).readEvents(teamCalendar).map((event) => event.summary)).toEqual(['CRM call']);
    expect(t.app.get(GoogleEmulator).readEvents(TESTER).map((event) => event.summary)).not.toContain('CRM call');
  });

  it('Google through the delegation credential → 200 with credentialId null; the row records the credential and the mailbox', async () => {
    const res = await put(tester, { integration: 'google_calendar', externalId: TESTER, delegationCredentialId: googleCredential });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'success', data: { userId: tester.userId, integration: 'google_calendar', externalId: TESTER, credentialId: null } });
    expect(await t.app.get(DestinationCalendarsRepository).find(tenantId, tester.userId)).toMatchObject({
      integration: 'google_calendar',
      externalId: TESTER,
      connectionId: null,
      delegationCredentialId: googleCredential,
      mailbox: TESTER,
    });
    expect((await get(tester, '/v2/destination-calendars')).body).toEqual({
      status: 'success',
      data: { userId: tester.userId, integration: 'google_calendar', externalId: TESTER, credentialId: null, delegationCredentialId: googleCredential },
    });
    const target = await t.app.get(DestinationCalendarsService).writeTarget(tenantId, tester.userId);
    expect(target).toMatchObject({ provider: 'google', calendarId: TESTER, access: { mailbox: TESTER, credentials: { kind: 'google-service-account' } } });
    const [written] = await t.app.get(ProviderRegistry).get('google').writeEvents(target!.access, target!.calendarId, [{ op: 'create', key: 'crm-g-2', event: normalizedEvent({ title: 'Delegated CRM call' }) }]);
    expect(written).toMatchObject({ ok: true });
    expect(t.app.get(GoogleEmulator).readEvents(TESTER).map((event) => event.summary)).toContain('Delegated CRM call');
  });

  it('Office 365 through the user connection and through the app delegation', async () => {
    const listed = await get(pradeep, '/v2/calendars');
    expect(listed.status).toBe(200);
    const entries = listed.body.data.connectedCalendars as Array<{ integration: unknown; credentialId: number | null; delegationCredentialId: string | null; calendars: Array<{ externalId: string; name: string; primary: boolean; readOnly: boolean }> }>;
    expect(entries.map((entry) => [entry.integration, entry.credentialId, entry.delegationCredentialId])).toEqual([
      [OUTLOOK, pradeepConnection, null],
      [OUTLOOK, null, msCredential],
    ]);
    for (const entry of entries) {
      expect(entry.calendars.map(({ externalId, name, primary, readOnly }) => ({ externalId, name, primary, readOnly }))).toEqual([
        { externalId: outlookDefault, name: 'Calendar', primary: true, readOnly: false },
        { externalId: projectsCalendar.id, name: 'Projects', primary: false, readOnly: false },
      ]);
    }

    const own = await put(pradeep, { integration: 'office365_calendar', externalId: projectsCalendar.id });
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ status: 'success', data: { userId: pradeep.userId, integration: 'office365_calendar', externalId: projectsCalendar.id, credentialId: pradeepConnection } });

    const delegated = await put(pradeep, { integration: 'office365_calendar', externalId: projectsCalendar.id, delegationCredentialId: msCredential });
    expect(delegated.status).toBe(200);
    expect(delegated.body).toEqual({ status: 'success', data: { userId: pradeep.userId, integration: 'office365_calendar', externalId: projectsCalendar.id, credentialId: null } });
    const target = await t.app.get(DestinationCalendarsService).writeTarget(tenantId, pradeep.userId);
    expect(target).toMatchObject({ provider: 'microsoft', calendarId: projectsCalendar.id, access: { mailbox: PRADEEP, credentials: { kind: 'microsoft-app' } } });
    const [written] = await t.app.get(ProviderRegistry).get('microsoft').writeEvents(target!.access, target!.calendarId, [{ op: 'create', key: 'crm-m-1', event: normalizedEvent({ title: 'Outlook CRM call' }) }]);
    expect(written).toMatchObject({ ok: true });
    expect(t.app.get(MicrosoftEmulator).listStoredEvents(PRADEEP, projectsCalendar.id).map((event) => event.subject)).toEqual(['Outlook CRM call']);
  });

  it('the next CRM event goes to a destination reached through the delegation credential: POST /api/v1/crm/calendar/events, then the OUTLOOK sync', async () => {
    const chosen = await put(pradeep, { integration: 'office365_calendar', externalId: projectsCalendar.id, delegationCredentialId: msCredential });
    expect(chosen.status).toBe(200);
    const day = new Date(Date.now() + 12 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    const made = await http(t.baseUrl, 'POST', '/api/v1/crm/calendar/events', {
      headers: as(pradeep),
      json: { title: 'Delegated CRM meeting', start: `${day}T14:00:00`, end: `${day}T15:00:00`, timeZone: 'Europe/London' },
    });
    expect(made.status).toBe(201);
    const before = t.app.get(MicrosoftEmulator).listStoredEvents(PRADEEP, outlookDefault).length;
    const synced = await http(t.baseUrl, 'POST', '/api/v1/crm/calendar/connections/OUTLOOK/sync', { headers: as(pradeep) });
    expect(synced.status).toBe(200);
    expect(synced.body).toMatchObject({ provider: 'OUTLOOK', success: true, error: null, eventsPushed: 1 });
    expect(t.app.get(MicrosoftEmulator).listStoredEvents(PRADEEP, projectsCalendar.id).map((event) => event.subject)).toContain('Delegated CRM meeting');
    // Not in the connection's own default calendar.
    const inDefault = t.app.get(MicrosoftEmulator).listStoredEvents(PRADEEP, outlookDefault);
    expect(inDefault).toHaveLength(before);
    expect(inDefault.map((event) => event.subject)).not.toContain('Delegated CRM meeting');
  });

  it("another user's calendar is refused, by connection and through the organisation's delegation (own mailbox only)", async () => {
    const before = await t.app.get(DestinationCalendarsRepository).find(tenantId, tester.userId);
    const byConnection = await put(tester, { integration: 'google_calendar', externalId: ANN });
    expect(byConnection.status).toBe(404);
    expect(byConnection.body).toEqual(notFound(ANN));
    // The demo credential delegates acme.test too, but it is not tester's mailbox.
    const byDelegation = await put(tester, { integration: 'google_calendar', externalId: ANN, delegationCredentialId: googleCredential });
    expect(byDelegation.status).toBe(404);
    expect(byDelegation.body).toEqual(notFound(ANN));
    // A credential of the right organisation for another integration than the user's mailbox.
    const wrongKind = await put(tester, { integration: 'office365_calendar', externalId: TESTER, delegationCredentialId: msCredential });
    expect(wrongKind.status).toBe(404);
    expect(wrongKind.body).toEqual(notFound(TESTER));
    expect(await t.app.get(DestinationCalendarsRepository).find(tenantId, tester.userId)).toEqual(before);
  });

  it('a delegation credential of another organisation → 404', async () => {
    const other = await createLinksTenant(t.baseUrl, t.adminToken, 'Other org', { google: ['other.test'] });
    const res = await put(tester, { integration: 'google_calendar', externalId: TESTER, delegationCredentialId: other.credentials.google });
    expect(res.status).toBe(404);
    expect(res.body).toEqual(notFound(TESTER));
    const notAUuid = await put(tester, { integration: 'google_calendar', externalId: TESTER, delegationCredentialId: 'not-a-credential' });
    expect(notAUuid.status).toBe(404);
    expect(notAUuid.body).toEqual(notFound(TESTER));
  });

  it('an unknown calendar → 404', async () => {
    const res = await put(tester, { integration: 'google_calendar', externalId: 'nope@group.calendar.google.com' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual(notFound('nope@group.calendar.google.com'));
  });

  it("an unknown integration, a bad body, an unknown field → 400 in cal.com's shape", async () => {
    const unknown = await put(tester, { integration: 'zoho_calendar', externalId: TESTER });
    expect(unknown.status).toBe(400);
    const oneOf = 'integration must be one of the following values: google_calendar, office365_calendar, apple_calendar';
    expect(unknown.body).toEqual({ status: 'error', timestamp: TIMESTAMP, error: { code: 'BadRequestException', message: oneOf, details: [{ field: 'integration', message: oneOf }] } });

    const missing = await put(tester, {});
    expect(missing.status).toBe(400);
    expect(missing.body.error).toEqual({
      code: 'BadRequestException',
      message: 'integration should not be empty',
      details: [
        { field: 'integration', message: 'integration should not be empty' },
        { field: 'integration', message: oneOf },
        { field: 'externalId', message: 'externalId must be a string' },
      ],
    });

    const extra = await put(tester, { integration: 'google_calendar', externalId: TESTER, userId: 1 });
    expect(extra.status).toBe(400);
    expect(extra.body.error).toEqual({ code: 'BadRequestException', message: 'property userId should not exist', details: [{ field: 'userId', message: 'property userId should not exist' }] });

    const long = await put(tester, { integration: 'google_calendar', externalId: 'x'.repeat(2049) });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toBe('externalId must be shorter than or equal to 2048 characters');

    const array = await put(tester, [{ integration: 'google_calendar', externalId: TESTER }]);
    expect(array.status).toBe(400);
    expect(array.body.error).toEqual({ code: 'BadRequestException', message: 'request body must be a JSON object', details: [{ field: 'body', message: 'request body must be a JSON object' }] });

    const badJson = await http(t.baseUrl, 'PUT', '/v2/destination-calendars', { headers: { ...as(tester), 'content-type': 'application/json' }, body: '{"integration":' });
    expect(badJson.status).toBe(400);
    expect(badJson.body).toMatchObject({ status: 'error', error: { code: 'BadRequestException' } });
  });

  it("a cal_ key of another user sees and changes only that user's choice", async () => {
    expect((await put(tester, { integration: 'google_calendar', externalId: teamCalendar })).status).toBe(200);
    const annKey = await userApiKey(t.baseUrl, t.adminToken, tenantId, ann.userId);
    expect(annKey).toMatch(/^cal_/);

    expect((await get(annKey, '/v2/destination-calendars')).body).toEqual({ status: 'success', data: null });
    const annCalendars = (await get(annKey, '/v2/calendars')).body.data.connectedCalendars as Array<{ calendars: Array<{ email: string }> }>;
    expect(new Set(annCalendars.flatMap((entry) => entry.calendars.map((calendar) => calendar.email)))).toEqual(new Set([ANN]));

    const refused = await put(annKey, { integration: 'google_calendar', externalId: teamCalendar });
    expect(refused.status).toBe(404);
    expect(refused.body).toEqual(notFound(teamCalendar));
    const refusedDelegated = await put(annKey, { integration: 'google_calendar', externalId: TESTER, delegationCredentialId: googleCredential });
    expect(refusedDelegated.status).toBe(404);

    // Ann's key sets Ann's choice; tester's stays.
    const own = await put(annKey, { integration: 'google_calendar', externalId: ANN });
    expect(own.status).toBe(200);
    expect(own.body.data.userId).toBe(ann.userId);
    expect((await get(tester, '/v2/destination-calendars')).body.data).toEqual({
      userId: tester.userId,
      integration: 'google_calendar',
      externalId: teamCalendar,
      credentialId: testerConnection,
      delegationCredentialId: null,
    });
  });

  it('without a user credential → 401; an organisation key → 403, both in cal.com shape', async () => {
    const none = await http(t.baseUrl, 'GET', '/v2/calendars');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ status: 'error', timestamp: TIMESTAMP, error: { code: 'UnauthorizedException', message: 'Missing bearer token' } });
    const org = await createLinksTenant(t.baseUrl, t.adminToken, 'Org key', {});
    const orgKey = await put(`cal_${'x'.repeat(10)}`, { integration: 'google_calendar', externalId: TESTER });
    expect(orgKey.status).toBe(401);
    const forbidden = await http(t.baseUrl, 'GET', '/v2/destination-calendars', { headers: { authorization: `Bearer ${org.apiKey}` } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('ForbiddenException');
  });

  it("a source the provider refuses is reported in its own entry; the user's other sources are still listed", async () => {
    // Ann's grant is no longer valid at Google (as after a revocation): refreshing it fails.
    const connection = (await t.app.get(ConnectionsRepository).findForUser(tenantId, ann.userId, 'google'))!;
    await t.app.get(ConnectionsRepository).replaceSecret(tenantId, ann.userId, connection.id, t.app.get(ConnectionAccessService).seal({ kind: 'oauth', refreshToken: 'revoked-grant' }));
    const res = await get(ann, '/v2/calendars');
    expect(res.status).toBe(200);
    const annCalendar = { externalId: ANN, integration: 'google_calendar', name: ANN, primary: true, readOnly: false, email: ANN, credentialId: null, delegationCredentialId: googleCredential };
    expect(res.body.data.connectedCalendars).toEqual([
      {
        integration: GOOGLE,
        credentialId: connection.id,
        delegationCredentialId: null,
        calendars: [],
        error: { code: 'AUTH_REVOKED', message: 'The calendar account no longer grants access: reconnect it' },
      },
      { integration: GOOGLE, credentialId: null, delegationCredentialId: googleCredential, primary: annCalendar, calendars: [annCalendar] },
    ]);
    // The destination Ann chose through that connection is still shown, without a name from the listing.
    expect(res.body.data.destinationCalendar).toEqual({
      integration: 'google_calendar',
      externalId: ANN,
      primaryEmail: ANN,
      userId: ann.userId,
      credentialId: connection.id,
      delegationCredentialId: null,
      name: null,
    });
  });
  // Last: it de-authorizes a demo domain.
  it('once the organisation de-authorizes the mailbox\'s domain, CRM events no longer go through the delegation: they fall back to the connection\'s own calendar', async () => {
    expect((await put(pradeep, { integration: 'office365_calendar', externalId: projectsCalendar.id, delegationCredentialId: msCredential })).status).toBe(200);
    const domain = (await t.app.get(TenancyService).listDomains(tenantId)).find((d) => d.domain === 'tzv1w.onmicrosoft.com')!;
    const removed = await http(t.baseUrl, 'DELETE', `/admin/tenants/${tenantId}/domains/${domain.id}`, { headers: { 'x-admin-token': t.adminToken } });
    expect(removed.status).toBe(204);
    const day = new Date(Date.now() + 13 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    const made = await http(t.baseUrl, 'POST', '/api/v1/crm/calendar/events', { headers: as(pradeep), json: { title: 'After de-authorization', start: `${day}T09:00:00Z`, end: `${day}T10:00:00Z` } });
    expect(made.status).toBe(201);
    const synced = await http(t.baseUrl, 'POST', '/api/v1/crm/calendar/connections/OUTLOOK/sync', { headers: as(pradeep) });
    expect(synced.body).toMatchObject({ provider: 'OUTLOOK', success: true, eventsPushed: 1 });
    const emulator = t.app.get(MicrosoftEmulator);
    expect(emulator.listStoredEvents(PRADEEP, projectsCalendar.id).map((event) => event.subject)).not.toContain('After de-authorization');
    expect(emulator.listStoredEvents(PRADEEP, outlookDefault).map((event) => event.subject)).toContain('After de-authorization');
  });
});
