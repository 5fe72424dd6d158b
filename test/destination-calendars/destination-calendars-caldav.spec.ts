import { ConnectionsRepository } from '../../src/database/repositories/connections.repository';
import { DestinationCalendarsRepository } from '../../src/database/repositories/destination-calendars.repository';
import { DestinationCalendarsService } from '../../src/destination-calendars/destination-calendars.service';
import { SEED_EXAMPLE } from '../../src/destination-calendars/dto/destination-calendars.dto';
import { ProviderRegistry } from '../../src/providers/provider-registry';
import { createTenantWithKey } from '../support/fixtures';
import { http } from '../support/http';
import { normalizedEvent } from '../support/normalized-event';
import { createRadicaleCalendar, isRadicaleAvailable, RunningRadicale, startRadicale } from '../support/radicale';
import { connectCaldav, createUser, SandboxApp, startSandboxApp, TestUser } from '../support/user-connections';

jest.setTimeout(60_000);

// Interop tests fail rather than skip under CI=true (SPEC 8).
const describeIfRadicale = isRadicaleAvailable() || process.env.CI === 'true' ? describe : describe.skip;

const TIMESTAMP = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

/** A plain CalDAV calendar-query REPORT (RFC 4791 §7.8), raw HTTP: what the server really holds. */
async function reportCalendarData(radicale: RunningRadicale, collectionUrl: string): Promise<string> {
  const response = await fetch(collectionUrl, {
    method: 'REPORT',
    headers: {
      authorization: `Basic ${Buffer.from(`${radicale.username}:${radicale.password}`).toString('base64')}`,
      depth: '1',
      'content-type': 'application/xml; charset=utf-8',
    },
    body:
      '<?xml version="1.0" encoding="utf-8"?>' +
      '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">' +
      '<D:prop><D:getetag/><C:calendar-data/></D:prop>' +
      '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter></C:filter>' +
      '</C:calendar-query>',
  });
  expect(response.status).toBe(207);
  return response.text();
}

describeIfRadicale('DestinationCalendars over CalDAV (real Radicale, real HTTP)', () => {
  let t: SandboxApp;
  let radicale: RunningRadicale;
  let tenantId: string;
  let dana: TestUser;
  let connectionId: number;
  let work: string;
  let home: string;
  let shared: string;

  const put = (user: TestUser, json: unknown) => http(t.baseUrl, 'PUT', '/v2/destination-calendars', { headers: { authorization: `Bearer ${user.token}` }, json });
  const get = (user: TestUser, path: string) => http(t.baseUrl, 'GET', path, { headers: { authorization: `Bearer ${user.token}` } });

  beforeAll(async () => {
    radicale = await startRadicale({ rights: 'file' });
    t = await startSandboxApp();
    tenantId = (await createTenantWithKey(t.baseUrl, t.adminToken, 'CalDAV org')).tenantId;
    dana = await createUser(t.baseUrl, t.adminToken, tenantId, 'dana@example.org');
    work = (await createRadicaleCalendar(radicale, 'Work')).calendar.url;
    home = (await createRadicaleCalendar(radicale, 'Home')).calendar.url;
    shared = (await createRadicaleCalendar(radicale, 'Shared (read-only)')).calendar.url;
    radicale.makeReadOnly(shared);
    connectionId = (await connectCaldav(t, tenantId, dana.userId, radicale, work)).id;
  });
  afterAll(async () => {
    await t?.close();
    await radicale?.stop();
  });

  it('GET /v2/calendars lists the Apple/CalDAV connection with its collections, read-only ones marked', async () => {
    const res = await get(dana, '/v2/calendars');
    expect(res.status).toBe(200);
    const calendar = (externalId: string, name: string, primary: boolean, readOnly: boolean) => ({
      externalId,
      integration: 'apple_calendar',
      name,
      primary,
      readOnly,
      email: radicale.username,
      credentialId: connectionId,
      delegationCredentialId: null,
    });
    expect(res.body.status).toBe('success');
    expect(res.body.data.destinationCalendar).toBeNull();
    expect(res.body.data.connectedCalendars).toHaveLength(1);
    const [entry] = res.body.data.connectedCalendars;
    expect(entry).toEqual({
      integration: { type: 'apple_calendar', slug: 'apple-calendar', title: 'Apple Calendar' },
      credentialId: connectionId,
      delegationCredentialId: null,
      primary: calendar(work, 'Work', true, false),
      calendars: expect.any(Array),
    });
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect([...entry.calendars].sort(byName)).toEqual(
      [calendar(home, 'Home', false, false), calendar(shared, 'Shared (read-only)', false, true), calendar(work, 'Work', true, false)].sort(byName),
    );
  });

  it('GET /v2/destination-calendars before any choice → success with null data', async () => {
    const res = await get(dana, '/v2/destination-calendars');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'success', data: null });
  });

  it("the seed's example request, with a Radicale collection URL → 200 and exactly the seed's answer; GET returns it", async () => {
    const res = await put(dana, { ...SEED_EXAMPLE, externalId: home });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'success', data: { userId: dana.userId, integration: 'apple_calendar', externalId: home, credentialId: connectionId } });
    expect(Object.keys(res.body.data)).toEqual(['userId', 'integration', 'externalId', 'credentialId']);

    const current = await get(dana, '/v2/destination-calendars');
    expect(current.status).toBe(200);
    expect(current.body).toEqual({
      status: 'success',
      data: { userId: dana.userId, integration: 'apple_calendar', externalId: home, credentialId: connectionId, delegationCredentialId: null },
    });
    const row = await t.app.get(DestinationCalendarsRepository).find(tenantId, dana.userId);
    expect(row).toMatchObject({ integration: 'apple_calendar', externalId: home, connectionId, delegationCredentialId: null, mailbox: null });

    const listed = await get(dana, '/v2/calendars');
    expect(listed.body.data.destinationCalendar).toEqual({
      integration: 'apple_calendar',
      externalId: home,
      primaryEmail: radicale.username,
      userId: dana.userId,
      credentialId: connectionId,
      delegationCredentialId: null,
      name: 'Home',
    });
  });

  it('a collection URL without its trailing slash names the same collection; the answer gives it as the server lists it', async () => {
    const res = await put(dana, { integration: 'apple_calendar', externalId: work.replace(/\/$/, '') });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'success', data: { userId: dana.userId, integration: 'apple_calendar', externalId: work, credentialId: connectionId } });
  });

  it('a read-only collection is refused as cal.com does: 404 "Could not find calendar …", and the choice stays', async () => {
    const res = await put(dana, { integration: 'apple_calendar', externalId: shared });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ status: 'error', timestamp: TIMESTAMP, error: { code: 'NotFoundException', message: `Could not find calendar ${shared}` } });
    expect((await get(dana, '/v2/destination-calendars')).body.data.externalId).toBe(work);
  });

  it('an unknown collection, or a CalDAV URL under another integration → 404', async () => {
    const unknown = `${radicale.url}${radicale.username}/no-such-calendar/`;
    const res = await put(dana, { integration: 'apple_calendar', externalId: unknown });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ status: 'error', timestamp: TIMESTAMP, error: { code: 'NotFoundException', message: `Could not find calendar ${unknown}` } });
    // Dana has no Google connection and her domain is not delegated.
    const google = await put(dana, { integration: 'google_calendar', externalId: home });
    expect(google.status).toBe(404);
    expect(google.body.error).toEqual({ code: 'NotFoundException', message: `Could not find calendar ${home}` });
  });

  it('the next CRM event lands in the chosen Radicale collection: POST /api/v1/crm/calendar/events, then the APPLE sync; read back with a plain REPORT', async () => {
    expect((await put(dana, { integration: 'apple_calendar', externalId: home })).status).toBe(200);
    const auth = { authorization: `Bearer ${dana.token}` };
    const day = new Date(Date.now() + 10 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    const made = await http(t.baseUrl, 'POST', '/api/v1/crm/calendar/events', {
      headers: auth,
      json: { title: 'Quarterly review with ACME', location: 'Room 4', start: `${day}T09:00:00`, end: `${day}T10:00:00`, timeZone: 'Europe/Berlin' },
    });
    expect(made.status).toBe(201);
    const synced = await http(t.baseUrl, 'POST', '/api/v1/crm/calendar/connections/APPLE/sync', { headers: auth });
    expect(synced.status).toBe(200);
    expect(synced.body).toEqual({ provider: 'APPLE', success: true, error: null, eventsCreated: 0, eventsUpdated: 0, eventsDeleted: 0, eventsPushed: 1 });

    const inHome = await reportCalendarData(radicale, home);
    expect(inHome).toContain('SUMMARY:Quarterly review with ACME');
    expect(inHome).toContain('LOCATION:Room 4');
    expect(inHome).toContain(`DTSTART;TZID=Europe/Berlin:${day.replaceAll('-', '')}T090000`);
    expect(inHome.match(/BEGIN:VEVENT/g)).toHaveLength(1);
    // Nowhere else: not in the connection's own (primary) collection.
    expect(await reportCalendarData(radicale, work)).not.toContain('BEGIN:VEVENT');
  });

  it('writeTarget names the chosen collection and writes there through the driver', async () => {
    expect((await put(dana, { integration: 'apple_calendar', externalId: home })).status).toBe(200);
    const target = await t.app.get(DestinationCalendarsService).writeTarget(tenantId, dana.userId);
    expect(target).toMatchObject({ provider: 'caldav', calendarId: home, integration: 'apple_calendar', access: { mailbox: radicale.username } });
    const [result] = await t.app.get(ProviderRegistry).get(target!.provider).writeEvents(target!.access, target!.calendarId, [
      { op: 'create', key: 'crm-event-1', event: normalizedEvent({ title: 'Written through writeTarget' }) },
    ]);
    expect(result).toMatchObject({ ok: true });
    expect(await reportCalendarData(radicale, home)).toContain('SUMMARY:Written through writeTarget');
    expect(await reportCalendarData(radicale, work)).not.toContain('BEGIN:VEVENT');
  });

  it('writeTarget is null for a user without a choice, and once the connection is gone', async () => {
    const other = await createUser(t.baseUrl, t.adminToken, tenantId, 'erin@example.org');
    expect(await t.app.get(DestinationCalendarsService).writeTarget(tenantId, other.userId)).toBeNull();
    const eve = await createUser(t.baseUrl, t.adminToken, tenantId, 'eve@example.org');
    const connection = await connectCaldav(t, tenantId, eve.userId, radicale, work);
    expect((await put(eve, { integration: 'apple_calendar', externalId: work })).status).toBe(200);
    expect(await t.app.get(DestinationCalendarsService).writeTarget(tenantId, eve.userId)).not.toBeNull();
    // Disconnect deletes the connection row; the choice goes with it (ON DELETE CASCADE).
    await t.app.get(ConnectionsRepository).delete(tenantId, eve.userId, connection.id);
    expect(await t.app.get(DestinationCalendarsService).writeTarget(tenantId, eve.userId)).toBeNull();
    expect((await get(eve, '/v2/destination-calendars')).body).toEqual({ status: 'success', data: null });
  });

  it('a connection whose password was changed is listed with its own error, not as a failed request', async () => {
    const fay = await createUser(t.baseUrl, t.adminToken, tenantId, 'fay@example.org');
    const connection = await connectCaldav(t, tenantId, fay.userId, radicale, work, 'not-the-password');
    const res = await get(fay, '/v2/calendars');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'success',
      data: {
        connectedCalendars: [
          {
            integration: { type: 'apple_calendar', slug: 'apple-calendar', title: 'Apple Calendar' },
            credentialId: connection.id,
            delegationCredentialId: null,
            calendars: [],
            error: { code: 'AUTH_REVOKED', message: 'The calendar account no longer grants access: reconnect it' },
          },
        ],
        destinationCalendar: null,
      },
    });
    const refused = await put(fay, { integration: 'apple_calendar', externalId: work });
    expect(refused.status).toBe(404);
  });
});
