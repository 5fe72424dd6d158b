import { DestinationCalendarsRepository } from '../../src/database/repositories/destination-calendars.repository';
import { GoogleEmulator } from '../../src/sandbox/google/google-emulator';
import { MicrosoftEmulator } from '../../src/sandbox/microsoft/microsoft-emulator';
import { TenancyService } from '../../src/tenancy/tenancy.service';
import { http } from '../support/http';
import { connectGoogle, connectMicrosoft, createUser, SandboxApp, startSandboxApp, TestUser } from '../support/user-connections';

jest.setTimeout(90_000);

const TESTER = 'tester@managelegalspend.com';
const PRADEEP = 'pradeepg@tzv1w.onmicrosoft.com';
const LEAD = 'lead@acme.test';
const DANA = 'dana@managelegalspend.com';
const DANA_HOME = 'dana.home@acme.test';
const TIMESTAMP = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
const GOOGLE = { type: 'google_calendar', slug: 'google-calendar', title: 'Google Calendar' };

/** As the CalDAV read-only case (destination-calendars-caldav.spec.ts) and cal.com: a read-only calendar is "not found". */
const notFound = (externalId: string) => ({ status: 'error', timestamp: TIMESTAMP, error: { code: 'NotFoundException', message: `Could not find calendar ${externalId}` } });

interface Listed {
  integration: unknown;
  credentialId: number | null;
  delegationCredentialId: string | null;
  calendars: { externalId: string; name: string; primary: boolean; readOnly: boolean }[];
  error?: unknown;
}

/**
 * Calendars shared with the user read-only at Google (calendarList accessRole reader /
 * freeBusyReader) and at Microsoft (canEdit false), set up through the emulators' control APIs
 * over HTTP with the admin token, then seen through the cal.com surface of the real app.
 */
describe('DestinationCalendars: read-only Google and Office 365 calendars', () => {
  let t: SandboxApp;
  let tenantId: string;
  let googleCredential: string;
  let msCredential: string;
  let tester: TestUser;
  let pradeep: TestUser;
  let testerConnection: number;
  let pradeepConnection: number;
  const google: Record<'reader' | 'freeBusy' | 'writer', string> = { reader: '', freeBusy: '', writer: '' };
  const outlook: Record<'readOnly' | 'editable', string> = { readOnly: '', editable: '' };

  const as = (user: TestUser) => ({ authorization: `Bearer ${user.token}` });
  const put = (user: TestUser, json: unknown) => http(t.baseUrl, 'PUT', '/v2/destination-calendars', { headers: as(user), json });
  const get = (user: TestUser, path: string) => http(t.baseUrl, 'GET', path, { headers: as(user) });
  const control = async (emulator: 'google' | 'microsoft', path: string, json: unknown) => {
    const res = await http(t.baseUrl, 'POST', `/sandbox/${emulator}/_control${path}`, { headers: { authorization: `Bearer ${t.adminToken}` }, json });
    if (res.status >= 300) throw new Error(`control ${path} answered ${res.status}: ${res.text}`);
    return res.body;
  };
  const slim = (entry: Listed) => entry.calendars.map(({ externalId, name, primary, readOnly }) => ({ externalId, name, primary, readOnly }));

  beforeAll(async () => {
    t = await startSandboxApp();
    const tenancy = t.app.get(TenancyService);
    tenantId = (await tenancy.findDomainOwner('managelegalspend.com'))!;
    const domains = await tenancy.listDomains(tenantId);
    googleCredential = domains.find((d) => d.domain === 'managelegalspend.com')!.delegationCredentialId;
    msCredential = domains.find((d) => d.domain === 'tzv1w.onmicrosoft.com')!.delegationCredentialId;

    // Another Google user shares three calendars with tester: reader, freeBusyReader, writer.
    await control('google', '/mailboxes', { email: LEAD });
    for (const [key, role, summary] of [
      ['reader', 'reader', 'Lead (reader)'],
      ['freeBusy', 'freeBusyReader', 'Lead (free/busy)'],
      ['writer', 'writer', 'Lead (writer)'],
    ] as const) {
      google[key] = ((await control('google', `/mailboxes/${LEAD}/calendars`, { summary })) as { id: string }).id;
      expect(await control('google', `/calendars/${encodeURIComponent(google[key])}/acl`, { email: TESTER, role })).toEqual({ calendarId: google[key], email: TESTER, role });
    }
    // Two calendars shared into pradeep's mailbox: read-only and with edit rights.
    const owner = { name: 'Lead', address: 'lead@tzv1w.onmicrosoft.com' };
    outlook.readOnly = ((await control('microsoft', `/mailboxes/${PRADEEP}/shared-calendars`, { name: 'Lead (read-only)', owner })) as { id: string }).id;
    outlook.editable = ((await control('microsoft', `/mailboxes/${PRADEEP}/shared-calendars`, { name: 'Lead (edit)', owner, canEdit: true })) as { id: string }).id;

    tester = await createUser(t.baseUrl, t.adminToken, tenantId, TESTER);
    pradeep = await createUser(t.baseUrl, t.adminToken, tenantId, PRADEEP);
    testerConnection = (await connectGoogle(t, tenantId, tester.userId, TESTER)).id;
    pradeepConnection = (await connectMicrosoft(t, tenantId, pradeep.userId, PRADEEP)).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('GET /v2/calendars: Google reader and freeBusyReader calendars are readOnly, the writer share is not; through the connection and the delegation', async () => {
    const res = await get(tester, '/v2/calendars');
    expect(res.status).toBe(200);
    const entries = res.body.data.connectedCalendars as Listed[];
    expect(entries.map((entry) => [entry.integration, entry.credentialId, entry.delegationCredentialId, entry.error])).toEqual([
      [GOOGLE, testerConnection, null, undefined],
      [GOOGLE, null, googleCredential, undefined],
    ]);
    for (const entry of entries) {
      expect(slim(entry)).toEqual([
        { externalId: TESTER, name: TESTER, primary: true, readOnly: false },
        { externalId: google.reader, name: 'Lead (reader)', primary: false, readOnly: true },
        { externalId: google.freeBusy, name: 'Lead (free/busy)', primary: false, readOnly: true },
        { externalId: google.writer, name: 'Lead (writer)', primary: false, readOnly: false },
      ]);
    }
    expect(entries[0].calendars[1]).toEqual({
      externalId: google.reader,
      integration: 'google_calendar',
      name: 'Lead (reader)',
      primary: false,
      readOnly: true,
      email: TESTER,
      credentialId: testerConnection,
      delegationCredentialId: null,
    });
  });

  it('PUT with a Google reader or freeBusyReader calendar → 404 "Could not find calendar …" (connection and delegation); the choice stays', async () => {
    const chosen = await put(tester, { integration: 'google_calendar', externalId: google.writer });
    expect(chosen.status).toBe(200);
    expect(chosen.body).toEqual({ status: 'success', data: { userId: tester.userId, integration: 'google_calendar', externalId: google.writer, credentialId: testerConnection } });
    const before = await t.app.get(DestinationCalendarsRepository).find(tenantId, tester.userId);

    for (const externalId of [google.reader, google.freeBusy]) {
      const byConnection = await put(tester, { integration: 'google_calendar', externalId });
      expect(byConnection.status).toBe(404);
      expect(byConnection.body).toEqual(notFound(externalId));
      const byDelegation = await put(tester, { integration: 'google_calendar', externalId, delegationCredentialId: googleCredential });
      expect(byDelegation.status).toBe(404);
      expect(byDelegation.body).toEqual(notFound(externalId));
    }
    expect(await t.app.get(DestinationCalendarsRepository).find(tenantId, tester.userId)).toEqual(before);
    expect((await get(tester, '/v2/destination-calendars')).body.data).toEqual({
      userId: tester.userId,
      integration: 'google_calendar',
      externalId: google.writer,
      credentialId: testerConnection,
      delegationCredentialId: null,
    });
    // Nothing was written at Google by the refusals.
    expect(t.app.get(GoogleEmulator).readEvents(google.reader)).toEqual([]);
  });

  it('Office 365: a canEdit:false calendar is listed readOnly and refused with 404 (connection and delegation); the editable share is accepted', async () => {
    const listed = await get(pradeep, '/v2/calendars');
    expect(listed.status).toBe(200);
    const entries = listed.body.data.connectedCalendars as Listed[];
    expect(entries.map((entry) => [entry.credentialId, entry.delegationCredentialId])).toEqual([
      [pradeepConnection, null],
      [null, msCredential],
    ]);
    for (const entry of entries) {
      expect(slim(entry)).toEqual([
        { externalId: expect.any(String), name: 'Calendar', primary: true, readOnly: false },
        { externalId: outlook.readOnly, name: 'Lead (read-only)', primary: false, readOnly: true },
        { externalId: outlook.editable, name: 'Lead (edit)', primary: false, readOnly: false },
      ]);
    }

    const byConnection = await put(pradeep, { integration: 'office365_calendar', externalId: outlook.readOnly });
    expect(byConnection.status).toBe(404);
    expect(byConnection.body).toEqual(notFound(outlook.readOnly));
    const byDelegation = await put(pradeep, { integration: 'office365_calendar', externalId: outlook.readOnly, delegationCredentialId: msCredential });
    expect(byDelegation.status).toBe(404);
    expect(byDelegation.body).toEqual(notFound(outlook.readOnly));
    expect(await t.app.get(DestinationCalendarsRepository).find(tenantId, pradeep.userId)).toBeNull();

    const editable = await put(pradeep, { integration: 'office365_calendar', externalId: outlook.editable });
    expect(editable.status).toBe(200);
    expect(editable.body).toEqual({ status: 'success', data: { userId: pradeep.userId, integration: 'office365_calendar', externalId: outlook.editable, credentialId: pradeepConnection } });
    expect(t.app.get(MicrosoftEmulator).listStoredEvents(PRADEEP, outlook.readOnly)).toEqual([]);
  });

  it("an account whose provider hangs is reported as unreachable after the listing deadline; the user's other source is still listed", async () => {
    // Dana's own Google account (dana.home@acme.test) hangs; her work mailbox comes through the delegation.
    await control('google', '/mailboxes', { email: DANA });
    await control('google', '/mailboxes', { email: DANA_HOME });
    const dana = await createUser(t.baseUrl, t.adminToken, tenantId, DANA);
    const home = (await connectGoogle(t, tenantId, dana.userId, DANA_HOME)).id;
    const emulator = t.app.get(GoogleEmulator);
    emulator.resetRequestCounts();
    // Longer than the 5 s deadline: without it the answer would wait, then list the calendars.
    emulator.injectFault({ status: 503, count: 1, latencyMs: 10_000, match: { pathIncludes: '/calendarList', mailbox: DANA_HOME } });

    const started = Date.now();
    const res = await get(dana, '/v2/calendars');
    const elapsedMs = Date.now() - started;
    expect(res.status).toBe(200);
    const work = { externalId: DANA, integration: 'google_calendar', name: DANA, primary: true, readOnly: false, email: DANA, credentialId: null, delegationCredentialId: googleCredential };
    expect(res.body.data.connectedCalendars).toEqual([
      {
        integration: GOOGLE,
        credentialId: home,
        delegationCredentialId: null,
        calendars: [],
        error: { code: 'TEMPORARY', message: 'The calendar provider could not be reached: retry later' },
      },
      { integration: GOOGLE, credentialId: null, delegationCredentialId: googleCredential, primary: work, calendars: [work] },
    ]);
    // Generous: the deadline is 5 s, the hanging call alone 10 s.
    expect(elapsedMs).toBeLessThan(9_500);
    // One call to the hanging account so far: it is not retried within the deadline.
    expect(emulator.requestCounts().byMailbox[DANA_HOME]).toBe(1);

    // Choosing a calendar of that account meanwhile: the same deadline, answered 503 "retry later", nothing saved.
    emulator.injectFault({ status: 503, count: 1, latencyMs: 10_000, match: { pathIncludes: '/calendarList', mailbox: DANA_HOME } });
    const chosen = await put(dana, { integration: 'google_calendar', externalId: DANA_HOME });
    expect(chosen.status).toBe(503);
    expect(chosen.body).toEqual({
      status: 'error',
      timestamp: TIMESTAMP,
      error: { code: 'ServiceUnavailableException', message: 'Could not list the google_calendar calendars: retry later' },
    });
    expect(await t.app.get(DestinationCalendarsRepository).find(tenantId, dana.userId)).toBeNull();
  });
});
