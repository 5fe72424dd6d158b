import type { ConnectionEntity } from '../../src/database/entities/connection.entity';
import type { CalendarProvider, NormalizedEvent } from '../../src/providers/calendar-provider';
import { ProviderRegistry } from '../../src/providers/provider-registry';
import { accessOf, connectAccount, createCrmUser, CrmUser, SandboxApp, startSandboxApp } from '../support/connections';
import { http } from '../support/http';
import { normalizedEvent } from '../support/normalized-event';
import { sql } from '../links/sql';

jest.setTimeout(120_000);

const ZERO = { success: true, error: null, eventsCreated: 0, eventsUpdated: 0, eventsDeleted: 0, eventsPushed: 0 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Dates inside the sync window (30 days back, 365 ahead) whenever the suite runs. */
function day(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

const CASES = [
  { driver: 'google' as const, path: 'GOOGLE', label: 'Google' },
  { driver: 'microsoft' as const, path: 'outlook', label: 'Graph' },
];

describe.each(CASES)('Connections two-way sync against the $label emulator', ({ driver, path, label }) => {
  let s: SandboxApp;
  let user: CrmUser;
  let connection: ConnectionEntity;
  let provider: CalendarProvider;
  const upper = path.toUpperCase();

  const sync = (who: CrmUser = user, name = path) => http(s.baseUrl, 'POST', `/api/v1/crm/calendar/connections/${name}/sync`, { headers: who.headers });
  const events = async (who: CrmUser = user) => {
    const response = await http(s.baseUrl, 'GET', '/api/v1/crm/calendar/events?limit=500', { headers: who.headers });
    expect(response.status).toBe(200);
    return response.body.events as Array<Record<string, any>>;
  };
  const atProvider = async (): Promise<NormalizedEvent[]> => {
    const listing = await provider.listEvents(await accessOf(s.app, connection), connection.calendarId, { start: new Date(Date.now() - 20 * 86_400_000).toISOString(), end: new Date(Date.now() + 300 * 86_400_000).toISOString() });
    return listing.events.filter((event) => !event.occurrenceOf);
  };
  /** Another client of the same account writing at the provider. */
  const providerWrite = async (operations: Parameters<CalendarProvider['writeEvents']>[2]) => {
    const results = await provider.writeEvents(await accessOf(s.app, connection), connection.calendarId, operations);
    for (const result of results) if (!result.ok) throw result.error;
    return results.map((result) => (result.ok ? result.id : ''));
  };
  const requests = () => (driver === 'google' ? s.google.requestCounts() : s.microsoft.requestCounts());
  const resetRequests = () => (driver === 'google' ? s.google.resetRequestCounts() : s.microsoft.resetRequestCounts());
  /** Requests that write (Google: insert/update/patch/delete/import/batch; Graph: any non-GET request or batch sub-request; a $batch of GETs reads). */
  const writeRequests = () =>
    Object.fromEntries(Object.entries(requests().byEndpoint).filter(([name]) => (driver === 'google' ? /insert|update|patch|delete|import|batch/i.test(name) : !/^GET /.test(name) && name !== 'POST /$batch')));
  const row = async () => (await sql<Record<string, any>>(s.database.url, 'SELECT last_sync_status, last_sync_error, last_sync_at, sync_cursor FROM connections WHERE id = $1', [connection.id]))[0];

  beforeAll(async () => {
    s = await startSandboxApp();
    provider = s.app.get(ProviderRegistry).get(driver);
    user = await createCrmUser(s.baseUrl, s.adminToken, `ann-${driver}`);
    connection = await connectAccount(s.app, user, driver, driver === 'google' ? 'ann@gmail.test' : 'ann@contoso.test');
  });
  afterAll(() => s.close());

  let weeklyId: string;
  let lunchId: string;
  let offsiteId: string;

  it('a first sync imports every provider event (series as one event with its rule and exdate), counts exact, status SUCCESS', async () => {
    const start = day(14);
    const exdate = day(21);
    [weeklyId, lunchId, offsiteId] = await providerWrite([
      {
        op: 'create',
        key: 'seed-weekly',
        event: normalizedEvent({
          title: 'Weekly sync',
          start: { allDay: false, dateTime: `${start}T09:00:00`, timeZone: 'Europe/Berlin' },
          end: { allDay: false, dateTime: `${start}T09:30:00`, timeZone: 'Europe/Berlin' },
          recurrence: { rule: 'FREQ=WEEKLY;COUNT=6', exdates: [{ allDay: false, dateTime: `${exdate}T09:00:00`, timeZone: 'Europe/Berlin' }] },
        }),
      },
      { op: 'create', key: 'seed-lunch', event: normalizedEvent({ title: 'Lunch', location: 'Cafe', start: { allDay: false, dateTime: `${day(3)}T12:00:00`, timeZone: 'Europe/Berlin' }, end: { allDay: false, dateTime: `${day(3)}T13:00:00`, timeZone: 'Europe/Berlin' } }) },
      { op: 'create', key: 'seed-offsite', event: normalizedEvent({ title: 'Offsite', start: { allDay: true, date: day(30) }, end: { allDay: true, date: day(32) } }) },
    ]);
    expect((await row()).last_sync_status).toBe('PENDING');

    const first = await sync();
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ provider: upper, ...ZERO, eventsCreated: 3 });

    const stored = await events();
    expect(stored.map((event) => event.title).sort()).toEqual(['Lunch', 'Offsite', 'Weekly sync']);
    const weekly = stored.find((event) => event.title === 'Weekly sync')!;
    expect(weekly).toMatchObject({
      start: `${start}T09:00:00`,
      end: `${start}T09:30:00`,
      timeZone: 'Europe/Berlin',
      allDay: false,
      origin: 'provider',
      provider: upper,
      // Graph states the weekday of a weekly rule (its pattern needs daysOfWeek); Google keeps the rule as written.
      recurrence: [driver === 'google' ? 'RRULE:FREQ=WEEKLY;COUNT=6' : `RRULE:FREQ=WEEKLY;BYDAY=${weekday(start)};COUNT=6`, `EXDATE;TZID=Europe/Berlin:${exdate.replace(/-/g, '')}T090000`],
    });
    expect(stored.find((event) => event.title === 'Offsite')).toMatchObject({ allDay: true, start: day(30), end: day(32) });
    expect(stored.find((event) => event.title === 'Lunch')).toMatchObject({ location: 'Cafe' });
    const state = await row();
    expect(state).toMatchObject({ last_sync_status: 'SUCCESS', last_sync_error: null });
    expect(state.sync_cursor).toEqual(expect.any(String));
    expect(state.last_sync_at).not.toBeNull();
  });

  it('a second sync with no change reports zeros and costs one listing request, no writes', async () => {
    resetRequests();
    const again = await sync();
    expect(again.body).toEqual({ provider: upper, ...ZERO });
    expect(writeRequests()).toEqual({});
    expect(requests().total).toBe(1);
  });

  it('provider edits and deletions reach the store with exact counters', async () => {
    const [lunch] = (await atProvider()).filter((event) => event.id === lunchId);
    await providerWrite([
      { op: 'update', id: lunchId, event: { ...lunch, title: 'Team lunch', location: 'Canteen' } },
      { op: 'delete', id: offsiteId },
    ]);
    const result = await sync();
    expect(result.body).toEqual({ provider: upper, ...ZERO, eventsUpdated: 1, eventsDeleted: 1 });
    const stored = await events();
    expect(stored.map((event) => event.title).sort()).toEqual(['Team lunch', 'Weekly sync']);
    expect(stored.find((event) => event.title === 'Team lunch')).toMatchObject({ location: 'Canteen' });
    expect((await sync()).body).toEqual({ provider: upper, ...ZERO });
  });

  it('an occurrence cancelled at the provider becomes an EXDATE of the series in the store (one update), and is not pushed back', async () => {
    const start = day(14);
    await providerWrite([
      {
        op: 'create',
        key: 'cancel-occurrence',
        event: normalizedEvent({
          title: 'Weekly sync',
          status: 'cancelled',
          start: { allDay: false, dateTime: `${day(28)}T09:00:00`, timeZone: 'Europe/Berlin' },
          end: { allDay: false, dateTime: `${day(28)}T09:30:00`, timeZone: 'Europe/Berlin' },
          occurrenceOf: { seriesId: weeklyId, originalStart: { allDay: false, dateTime: `${day(28)}T09:00:00`, timeZone: 'Europe/Berlin' } },
        }),
      },
    ]);
    expect((await sync()).body).toEqual({ provider: upper, ...ZERO, eventsUpdated: 1 });
    const weekly = (await events()).find((event) => event.title === 'Weekly sync')!;
    expect(weekly.start).toBe(`${start}T09:00:00`);
    expect(weekly.recurrence.slice(1)).toEqual([`EXDATE;TZID=Europe/Berlin:${day(21).replace(/-/g, '')}T090000`, `EXDATE;TZID=Europe/Berlin:${day(28).replace(/-/g, '')}T090000`]);
    resetRequests();
    expect((await sync()).body).toEqual({ provider: upper, ...ZERO });
    expect(writeRequests()).toEqual({});
  });

  it('a later edit of the series at the provider keeps the EXDATE of the occurrence cancelled before', async () => {
    const [series] = (await atProvider()).filter((event) => event.id === weeklyId);
    await providerWrite([{ op: 'update', id: weeklyId, event: { ...series, title: 'Weekly sync (room 2)' } }]);
    expect((await sync()).body).toEqual({ provider: upper, ...ZERO, eventsUpdated: 1 });
    const weekly = (await events()).find((event) => event.title === 'Weekly sync (room 2)')!;
    expect(weekly.recurrence.slice(1)).toEqual([`EXDATE;TZID=Europe/Berlin:${day(21).replace(/-/g, '')}T090000`, `EXDATE;TZID=Europe/Berlin:${day(28).replace(/-/g, '')}T090000`]);
    resetRequests();
    expect((await sync()).body).toEqual({ provider: upper, ...ZERO });
    expect(writeRequests()).toEqual({});
  });

  it('CRM creates, edits and deletions are pushed with exact counters, and do not echo back', async () => {
    const created = await http(s.baseUrl, 'POST', '/api/v1/crm/calendar/events', {
      headers: user.headers,
      json: { title: 'Client call', description: 'Renewal', start: `${day(5)}T15:00:00+01:00`, end: `${day(5)}T15:45:00+01:00`, timeZone: 'Europe/Berlin' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'Client call', origin: 'crm', provider: null });

    expect((await sync()).body).toEqual({ provider: upper, ...ZERO, eventsPushed: 1 });
    let remote = (await atProvider()).filter((event) => event.title === 'Client call');
    expect(remote).toHaveLength(1);
    expect(remote[0].start).toMatchObject({ allDay: false, timeZone: 'Europe/Berlin' });
    expect((remote[0].start as { dateTime: string }).dateTime.slice(0, 19)).toBe(`${day(5)}T15:00:00`);
    expect((await http(s.baseUrl, 'GET', `/api/v1/crm/calendar/events/${created.body.id}`, { headers: user.headers })).body.provider).toBe(upper);
    resetRequests();
    expect((await sync()).body).toEqual({ provider: upper, ...ZERO });
    expect(writeRequests()).toEqual({});

    const patched = await http(s.baseUrl, 'PATCH', `/api/v1/crm/calendar/events/${created.body.id}`, { headers: user.headers, json: { title: 'Client call (moved)', location: 'Zoom' } });
    expect(patched.status).toBe(200);
    expect((await sync()).body).toEqual({ provider: upper, ...ZERO, eventsPushed: 1 });
    remote = (await atProvider()).filter((event) => event.id === remote[0].id);
    expect(remote[0]).toMatchObject({ title: 'Client call (moved)', location: 'Zoom' });
    expect((await sync()).body).toEqual({ provider: upper, ...ZERO });

    expect((await http(s.baseUrl, 'DELETE', `/api/v1/crm/calendar/events/${created.body.id}`, { headers: user.headers })).status).toBe(204);
    expect((await http(s.baseUrl, 'GET', `/api/v1/crm/calendar/events/${created.body.id}`, { headers: user.headers })).status).toBe(404);
    expect((await sync()).body).toEqual({ provider: upper, ...ZERO, eventsPushed: 1 });
    expect((await atProvider()).filter((event) => event.id === remote[0].id)).toEqual([]);
    expect((await sync()).body).toEqual({ provider: upper, ...ZERO });
    expect(await sql(s.database.url, 'SELECT count(*)::int AS n FROM crm_events WHERE id = $1', [created.body.id])).toEqual([{ n: 0 }]);
  });

  it('a create interrupted after the provider write (binding recorded, id not) leaves exactly one event: adopted from the listing, or found again by its key', async () => {
    const created = await http(s.baseUrl, 'POST', '/api/v1/crm/calendar/events', { headers: user.headers, json: { title: 'Interrupted', start: `${day(7)}T08:00:00Z`, end: `${day(7)}T09:00:00Z` } });
    expect((await sync()).body).toEqual({ provider: upper, ...ZERO, eventsPushed: 1 });
    const [first] = (await atProvider()).filter((event) => event.title === 'Interrupted');
    /** What a crash between the write and its completion leaves: the intent row without the provider id. */
    const crash = () => sql(s.database.url, 'UPDATE crm_events SET provider_event_id = NULL, synced_hash = NULL, provider_etag = NULL WHERE id = $1', [created.body.id]);
    const stored = () => sql(s.database.url, 'SELECT provider_event_id FROM crm_events WHERE id = $1', [created.body.id]);

    // (a) The cursor was not stored: the next listing carries the event, recognised by content.
    await crash();
    expect((await sync()).body).toEqual({ provider: upper, ...ZERO });
    expect(await stored()).toEqual([{ provider_event_id: first.id }]);

    // (b) The listing no longer carries it: the keyed create is re-issued and finds the same event.
    await crash();
    expect((await sync()).body).toEqual({ provider: upper, ...ZERO, eventsPushed: 1 });
    expect(await stored()).toEqual([{ provider_event_id: first.id }]);
    expect((await atProvider()).filter((event) => event.title === 'Interrupted').map((event) => event.id)).toEqual([first.id]);
    expect((await sync()).body).toEqual({ provider: upper, ...ZERO });

    expect((await http(s.baseUrl, 'DELETE', `/api/v1/crm/calendar/events/${created.body.id}`, { headers: user.headers })).status).toBe(204);
    expect((await sync()).body).toEqual({ provider: upper, ...ZERO, eventsPushed: 1 });
    expect((await atProvider()).filter((event) => event.title === 'Interrupted')).toEqual([]);
  });

  it('a conflict (both sides changed since the last sync) resolves by the later modification', async () => {
    const lunch = (await events()).find((event) => event.title === 'Team lunch')!;
    // CRM first, provider later → the provider wins.
    await http(s.baseUrl, 'PATCH', `/api/v1/crm/calendar/events/${lunch.id}`, { headers: user.headers, json: { title: 'Lunch (CRM edit)' } });
    await sleep(1100);
    const [remote] = (await atProvider()).filter((event) => event.id === lunchId);
    await providerWrite([{ op: 'update', id: lunchId, event: { ...remote, title: 'Lunch (provider edit)' } }]);
    expect((await sync()).body).toEqual({ provider: upper, ...ZERO, eventsUpdated: 1 });
    expect((await http(s.baseUrl, 'GET', `/api/v1/crm/calendar/events/${lunch.id}`, { headers: user.headers })).body.title).toBe('Lunch (provider edit)');
    expect((await atProvider()).find((event) => event.id === lunchId)!.title).toBe('Lunch (provider edit)');

    // Provider first, CRM later → the CRM wins and is pushed.
    const [again] = (await atProvider()).filter((event) => event.id === lunchId);
    await providerWrite([{ op: 'update', id: lunchId, event: { ...again, title: 'Lunch (provider 2)' } }]);
    await sleep(1100);
    await http(s.baseUrl, 'PATCH', `/api/v1/crm/calendar/events/${lunch.id}`, { headers: user.headers, json: { title: 'Lunch (CRM 2)' } });
    expect((await sync()).body).toEqual({ provider: upper, ...ZERO, eventsPushed: 1 });
    expect((await atProvider()).find((event) => event.id === lunchId)!.title).toBe('Lunch (CRM 2)');
    expect((await http(s.baseUrl, 'GET', `/api/v1/crm/calendar/events/${lunch.id}`, { headers: user.headers })).body.title).toBe('Lunch (CRM 2)');
    expect((await sync()).body).toEqual({ provider: upper, ...ZERO });
  });

  it('a weekly series made in the CRM reaches the provider as one series, and round-trips unchanged', async () => {
    const start = day(10);
    const skipped = day(17).replace(/-/g, '');
    const created = await http(s.baseUrl, 'POST', '/api/v1/crm/calendar/events', {
      headers: user.headers,
      json: { title: 'Pipeline review', start: `${start}T10:00:00`, end: `${start}T10:30:00`, timeZone: 'Europe/Berlin', recurrence: ['RRULE:FREQ=WEEKLY;COUNT=8', `EXDATE;TZID=Europe/Berlin:${skipped}T100000`] },
    });
    expect(created.status).toBe(201);
    resetRequests();
    expect((await sync()).body).toEqual({ provider: upper, ...ZERO, eventsPushed: 1 });
    const series = (await atProvider()).filter((event) => event.title === 'Pipeline review');
    expect(series).toHaveLength(1);
    expect(series[0].recurrence?.rule).toMatch(/^FREQ=WEEKLY;.*COUNT=8|^FREQ=WEEKLY;COUNT=8/);
    expect(series[0].recurrence?.exdates.map((time) => (time.allDay ? time.date : time.dateTime.slice(0, 19)))).toEqual([`${day(17)}T10:00:00`]);
    expect((await sync()).body).toEqual({ provider: upper, ...ZERO });
    const stored = await http(s.baseUrl, 'GET', `/api/v1/crm/calendar/events/${created.body.id}`, { headers: user.headers });
    expect(stored.body.recurrence).toEqual(['RRULE:FREQ=WEEKLY;COUNT=8', `EXDATE;TZID=Europe/Berlin:${skipped}T100000`]);
    expect(weeklyId).toEqual(expect.any(String));
  });

  it('a revoked grant marks the connection FAILED with a readable error, keeps it, and leaves another user alone', async () => {
    const bob = await createCrmUser(s.baseUrl, s.adminToken, `bob-${driver}`);
    const bobConnection = await connectAccount(s.app, bob, driver, driver === 'google' ? 'bob@gmail.test' : 'bob@contoso.test');
    expect((await sync(bob)).body).toEqual({ provider: upper, ...ZERO });
    if (driver === 'google') s.google.revokeGrant({ mailbox: 'bob@gmail.test' });
    else s.microsoft.revokeGrants('bob@contoso.test');
    // The stored access token is still cached by the driver until it expires: force a refresh.
    await sql(s.database.url, 'UPDATE connections SET secret_sealed = $1 WHERE id = $2', [
      await sealedWithoutAccessToken(s, bobConnection),
      bobConnection.id,
    ]);

    const failed = await sync(bob);
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ provider: upper, success: false, eventsCreated: 0, eventsUpdated: 0, eventsDeleted: 0, eventsPushed: 0 });
    expect(failed.body.error).toMatch(new RegExp(`^Access to your ${driver === 'google' ? 'Google' : 'Outlook'} calendar was revoked; reconnect it`));
    const [state] = await sql<Record<string, any>>(s.database.url, 'SELECT last_sync_status, last_sync_error FROM connections WHERE id = $1', [bobConnection.id]);
    expect(state).toEqual({ last_sync_status: 'FAILED', last_sync_error: failed.body.error });

    expect((await sync()).body).toEqual({ provider: upper, ...ZERO });
    expect((await row()).last_sync_status).toBe('SUCCESS');
    void label;
  });
});

function weekday(date: string): string {
  return ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'][new Date(`${date}T12:00:00Z`).getUTCDay()];
}

/** The connection's grant without its cached access token, so the next request must refresh. */
async function sealedWithoutAccessToken(s: SandboxApp, connection: ConnectionEntity): Promise<string> {
  const { ConnectionAccessService } = await import('../../src/connections/connection-access.service');
  const service = s.app.get(ConnectionAccessService);
  const secret = service.unseal(connection);
  if (secret.kind !== 'oauth') throw new Error('not an oauth connection');
  return service.seal({ kind: 'oauth', refreshToken: secret.refreshToken });
}
