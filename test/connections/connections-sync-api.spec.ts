import { ConnectionAccessService } from '../../src/connections/connection-access.service';
import { CONNECTION_SYNC_HOOKS, ConnectionSyncHooks } from '../../src/connections/connection-sync.types';
import { ConnectionSyncService } from '../../src/connections/connection-sync.service';
import type { ConnectionEntity } from '../../src/database/entities/connection.entity';
import { DestinationCalendarsRepository } from '../../src/database/repositories/destination-calendars.repository';
import { ProviderRegistry } from '../../src/providers/provider-registry';
import { accessOf, connectAccount, createCrmUser, CrmUser, SandboxApp, startSandboxApp } from '../support/connections';
import { http } from '../support/http';
import { normalizedEvent } from '../support/normalized-event';
import { sql } from '../links/sql';

jest.setTimeout(120_000);

const ZERO = { success: true, error: null, eventsCreated: 0, eventsUpdated: 0, eventsDeleted: 0, eventsPushed: 0 };
const EVENTS = '/api/v1/crm/calendar/events';
const CONNECTIONS = '/api/v1/crm/calendar/connections';
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function day(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

async function waitFor(check: () => Promise<boolean>, label: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The CRM routes around the sync: provider names, stale syncs, the event store's API, destination, queue and disconnect hooks. */
describe('Connections sync API', () => {
  let s: SandboxApp;
  let ann: CrmUser;
  let other: CrmUser;
  let google: ConnectionEntity;
  let outlook: ConnectionEntity;

  beforeAll(async () => {
    s = await startSandboxApp({ LINKS_QUEUE_CONCURRENCY: '1' });
    ann = await createCrmUser(s.baseUrl, s.adminToken, 'ann');
    other = await createCrmUser(s.baseUrl, s.adminToken, 'olga', ann.tenantId);
    google = await connectAccount(s.app, ann, 'google', 'ann@gmail.test');
    outlook = await connectAccount(s.app, ann, 'microsoft', 'ann@contoso.test');
  });
  afterAll(() => s.close());

  describe('provider names and errors in the CRM shape', () => {
    it('a provider the user has not connected → 404 {detail, time, title}', async () => {
      const response = await http(s.baseUrl, 'POST', `${CONNECTIONS}/APPLE/sync`, { headers: ann.headers });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ detail: 'No APPLE calendar is connected', time: expect.stringMatching(ISO_INSTANT), title: 'Not Found' });
    });

    it('an unknown provider → 404 naming the valid ones (as disconnect); names are case-insensitive', async () => {
      const response = await http(s.baseUrl, 'POST', `${CONNECTIONS}/yahoo/sync`, { headers: ann.headers });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ detail: "Unknown calendar provider 'yahoo': use GOOGLE, OUTLOOK, APPLE", time: expect.stringMatching(ISO_INSTANT), title: 'Not Found' });
      const mixed = await http(s.baseUrl, 'POST', `${CONNECTIONS}/gOoGlE/sync`, { headers: other.headers });
      expect(mixed.status).toBe(404);
      expect(mixed.body.detail).toBe('No GOOGLE calendar is connected');
    });

    it('no bearer token → 401 in the CRM shape', async () => {
      const response = await http(s.baseUrl, 'POST', `${CONNECTIONS}/sync-if-stale`);
      expect(response.status).toBe(401);
      expect(Object.keys(response.body).sort()).toEqual(['detail', 'time', 'title']);
    });
  });

  describe('sync-if-stale', () => {
    it('syncs every connection never synced, then none, then only the one last synced over 5 minutes ago', async () => {
      const first = await http(s.baseUrl, 'POST', `${CONNECTIONS}/sync-if-stale`, { headers: ann.headers });
      expect(first.status).toBe(200);
      expect(first.body).toEqual([
        { provider: 'GOOGLE', ...ZERO },
        { provider: 'OUTLOOK', ...ZERO },
      ]);
      expect((await http(s.baseUrl, 'POST', `${CONNECTIONS}/sync-if-stale`, { headers: ann.headers })).body).toEqual([]);

      await sql(s.database.url, "UPDATE connections SET last_sync_at = now() - interval '6 minutes' WHERE id = $1", [outlook.id]);
      await sql(s.database.url, "UPDATE connections SET last_sync_at = now() - interval '4 minutes' WHERE id = $1", [google.id]);
      const provider = s.app.get(ProviderRegistry).get('microsoft');
      await provider.writeEvents(await accessOf(s.app, outlook), outlook.calendarId, [{ op: 'create', key: 'stale-1', event: normalizedEvent({ title: 'Board', start: { allDay: false, dateTime: `${day(2)}T08:00:00`, timeZone: 'Europe/Berlin' }, end: { allDay: false, dateTime: `${day(2)}T09:00:00`, timeZone: 'Europe/Berlin' } }) }]);
      const stale = await http(s.baseUrl, 'POST', `${CONNECTIONS}/sync-if-stale`, { headers: ann.headers });
      expect(stale.body).toEqual([{ provider: 'OUTLOOK', ...ZERO, eventsCreated: 1 }]);
      // Another user of the tenant has nothing connected.
      expect((await http(s.baseUrl, 'POST', `${CONNECTIONS}/sync-if-stale`, { headers: other.headers })).body).toEqual([]);
    });
  });

  describe('concurrent syncs', () => {
    it('shows IN_PROGRESS while a sync runs; a second manual sync of the same connection waits for it (no 409) and finds nothing left', async () => {
      const provider = s.app.get(ProviderRegistry).get('google');
      await provider.writeEvents(await accessOf(s.app, google), google.calendarId, [
        { op: 'create', key: 'slow-1', event: normalizedEvent({ title: 'Slow one', start: { allDay: true, date: day(12) }, end: { allDay: true, date: day(13) } }) },
        { op: 'create', key: 'slow-2', event: normalizedEvent({ title: 'Slow two', start: { allDay: true, date: day(14) }, end: { allDay: true, date: day(15) } }) },
      ]);
      s.google.setLatency(400);
      try {
        const first = http(s.baseUrl, 'POST', `${CONNECTIONS}/GOOGLE/sync`, { headers: ann.headers });
        await waitFor(async () => (await sql<{ s: string }>(s.database.url, 'SELECT last_sync_status AS s FROM connections WHERE id = $1', [google.id]))[0].s === 'IN_PROGRESS', 'IN_PROGRESS');
        const second = http(s.baseUrl, 'POST', `${CONNECTIONS}/google/sync`, { headers: ann.headers });
        const [a, b] = await Promise.all([first, second]);
        expect([a.status, b.status]).toEqual([200, 200]);
        expect(a.body).toEqual({ provider: 'GOOGLE', ...ZERO, eventsCreated: 2 });
        expect(b.body).toEqual({ provider: 'GOOGLE', ...ZERO });
      } finally {
        s.google.setLatency(0);
      }
      expect(await sql(s.database.url, "SELECT count(*)::int AS n FROM crm_events WHERE title LIKE 'Slow%'")).toEqual([{ n: 2 }]);
      expect((await sql<{ s: string }>(s.database.url, 'SELECT last_sync_status AS s FROM connections WHERE id = $1', [google.id]))[0].s).toBe('SUCCESS');
    });
  });

  describe('the CRM event store', () => {
    it('refuses bad bodies with 400 naming every field', async () => {
      const response = await http(s.baseUrl, 'POST', EVENTS, {
        headers: ann.headers,
        json: { title: ' ', start: '2026-13-01T10:00', end: 'tomorrow', timeZone: 'Mars/Olympus', recurrence: ['RRULE:INTERVAL=2'], color: 'red' },
      });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        detail:
          'Validation failed: color: property color should not exist; title: title must not be empty; timeZone: timeZone must be an IANA time zone name such as Europe/Berlin; ' +
          'recurrence[0]: RRULE must be NAME=VALUE parts separated by ";" with a FREQ of SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY, YEARLY',
        time: expect.stringMatching(ISO_INSTANT),
        title: 'Bad Request',
      });
      const backwards = await http(s.baseUrl, 'POST', EVENTS, { headers: ann.headers, json: { title: 'x', start: '2027-01-02', end: '2027-01-02', allDay: true } });
      expect(backwards.status).toBe(400);
      expect(backwards.body.detail).toBe('Validation failed: end: end must be a date after start (the end date is exclusive)');
      const notJson = await http(s.baseUrl, 'POST', EVENTS, { headers: { ...ann.headers, 'content-type': 'application/json' }, body: '{"title":' });
      expect(notJson.status).toBe(400);
      expect(Object.keys(notJson.body).sort()).toEqual(['detail', 'time', 'title']);
    });

    it("another user's event is not found (GET, PATCH, DELETE → 404), and stays", async () => {
      const made = await http(s.baseUrl, 'POST', EVENTS, { headers: ann.headers, json: { title: 'Private', start: `${day(40)}T10:00:00`, end: `${day(40)}T11:00:00` } });
      expect(made.status).toBe(201);
      expect(made.body).toMatchObject({ timeZone: 'UTC', allDay: false, recurrence: [], origin: 'crm', provider: null, description: null, location: null });
      for (const [method, json] of [['GET', undefined], ['PATCH', { title: 'stolen' }], ['DELETE', undefined]] as const) {
        const response = await http(s.baseUrl, method, `${EVENTS}/${made.body.id}`, { headers: other.headers, json });
        expect(response.status).toBe(404);
        expect(response.body.detail).toBe(`Event ${made.body.id} not found`);
      }
      expect((await http(s.baseUrl, 'GET', `${EVENTS}/not-a-uuid`, { headers: ann.headers })).status).toBe(404);
      expect((await http(s.baseUrl, 'GET', `${EVENTS}/${made.body.id}`, { headers: ann.headers })).body.title).toBe('Private');
      expect((await http(s.baseUrl, 'DELETE', `${EVENTS}/${made.body.id}`, { headers: ann.headers })).status).toBe(204);
    });

    it('lists by time range, a page at a time with the cursor', async () => {
      for (const offset of [100, 101, 102, 103, 104]) {
        expect((await http(s.baseUrl, 'POST', EVENTS, { headers: other.headers, json: { title: `Day ${offset}`, start: `${day(offset)}T09:00:00Z`, end: `${day(offset)}T10:00:00Z` } })).status).toBe(201);
      }
      const titles: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `from=${day(101)}T00:00:00Z&to=${day(104)}T00:00:00Z&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await http(s.baseUrl, 'GET', `${EVENTS}?${query}`, { headers: other.headers });
        expect(page.status).toBe(200);
        titles.push(...page.body.events.map((event: { title: string }) => event.title));
        cursor = page.body.nextCursor;
        pages++;
      } while (cursor);
      expect(titles).toEqual(['Day 101', 'Day 102', 'Day 103']);
      expect(pages).toBe(2);
      const bad = await http(s.baseUrl, 'GET', `${EVENTS}?limit=0&cursor=zz&from=yesterday`, { headers: other.headers });
      expect(bad.status).toBe(400);
      expect(bad.body.detail).toBe(
        'Validation failed: from: from must be an ISO 8601 date or instant with offset (2026-03-01 or 2026-03-01T00:00:00Z); limit: limit must be an integer from 1 to 500; cursor: cursor must be a nextCursor this API returned',
      );
    });
  });

  describe('where CRM events go, queued syncs and disconnect', () => {
    it("a CRM event goes to the user's destination calendar (Outlook here) even when the Google connection syncs", async () => {
      await s.app.get(DestinationCalendarsRepository).set(ann.tenantId, ann.userId, { integration: 'office365_calendar', externalId: outlook.calendarId, connectionId: outlook.id, delegationCredentialId: null, mailbox: null });
      const made = await http(s.baseUrl, 'POST', EVENTS, { headers: ann.headers, json: { title: 'To Outlook', start: `${day(6)}T10:00:00`, end: `${day(6)}T11:00:00`, timeZone: 'Europe/Berlin' } });
      const result = await http(s.baseUrl, 'POST', `${CONNECTIONS}/google/sync`, { headers: ann.headers });
      expect(result.body).toEqual({ provider: 'GOOGLE', ...ZERO, eventsPushed: 1 });
      const window = { start: new Date(Date.now() - 86_400_000).toISOString(), end: new Date(Date.now() + 30 * 86_400_000).toISOString() };
      const atOutlook = await s.app.get(ProviderRegistry).get('microsoft').listEvents(await accessOf(s.app, outlook), outlook.calendarId, window);
      const atGoogle = await s.app.get(ProviderRegistry).get('google').listEvents(await accessOf(s.app, google), google.calendarId, window);
      expect(atOutlook.events.filter((event) => event.title === 'To Outlook')).toHaveLength(1);
      expect(atGoogle.events.filter((event) => event.title === 'To Outlook')).toHaveLength(0);
      expect((await http(s.baseUrl, 'GET', `${EVENTS}/${made.body.id}`, { headers: ann.headers })).body.provider).toBe('OUTLOOK');
      // Outlook's own sync sees its calendar's new event as the CRM's own write: nothing imported twice.
      expect((await http(s.baseUrl, 'POST', `${CONNECTIONS}/outlook/sync`, { headers: ann.headers })).body).toEqual({ provider: 'OUTLOOK', ...ZERO });
      await s.app.get(DestinationCalendarsRepository).clear(ann.tenantId, ann.userId);
    });

    it('queueSync runs the sync on the tenant queue of the worker, and the stale sweep queues old connections', async () => {
      const hooks = s.app.get<ConnectionSyncHooks>(CONNECTION_SYNC_HOOKS);
      await s.app.get(ProviderRegistry).get('google').writeEvents(await accessOf(s.app, google), google.calendarId, [{ op: 'create', key: 'queued-1', event: normalizedEvent({ title: 'Queued import', start: { allDay: true, date: day(9) }, end: { allDay: true, date: day(10) } }) }]);
      const before = (await sql<{ last_sync_at: Date }>(s.database.url, 'SELECT last_sync_at FROM connections WHERE id = $1', [google.id]))[0].last_sync_at;
      await hooks.queueSync(ann.tenantId, ann.userId, google.id);
      await waitFor(async () => (await sql<{ n: number }>(s.database.url, "SELECT count(*)::int AS n FROM crm_events WHERE title = 'Queued import'"))[0].n === 1, 'queued import');
      const [state] = await sql<{ last_sync_status: string; last_sync_at: Date }>(s.database.url, 'SELECT last_sync_status, last_sync_at FROM connections WHERE id = $1', [google.id]);
      expect(state.last_sync_status).toBe('SUCCESS');
      expect(state.last_sync_at.getTime()).toBeGreaterThan(before.getTime());

      await sql(s.database.url, "UPDATE connections SET last_sync_at = now() - interval '1 hour' WHERE id = $1", [google.id]);
      await sql(s.database.url, 'UPDATE connections SET last_sync_at = now() WHERE id = $1', [outlook.id]);
      expect(await s.app.get(ConnectionSyncService).sweepStale()).toBe(1);
      await waitFor(async () => (await sql<{ fresh: boolean }>(s.database.url, "SELECT last_sync_at > now() - interval '1 minute' AS fresh FROM connections WHERE id = $1", [google.id]))[0].fresh, 'swept sync');
    });

    it("a destination calendar that refuses us (revoked grant) does not fail the syncing connection: the event waits", async () => {
      await s.app.get(DestinationCalendarsRepository).set(ann.tenantId, ann.userId, { integration: 'office365_calendar', externalId: outlook.calendarId, connectionId: outlook.id, delegationCredentialId: null, mailbox: null });
      s.microsoft.revokeGrants('ann@contoso.test');
      // Drop the cached access token so the next request must refresh the (revoked) grant.
      const access = s.app.get(ConnectionAccessService);
      const secret = access.unseal(outlook);
      if (secret.kind !== 'oauth') throw new Error('oauth expected');
      await sql(s.database.url, 'UPDATE connections SET secret_sealed = $1 WHERE id = $2', [access.seal({ kind: 'oauth', refreshToken: secret.refreshToken }), outlook.id]);

      const made = await http(s.baseUrl, 'POST', EVENTS, { headers: ann.headers, json: { title: 'Waits for Outlook', start: `${day(9)}T10:00:00`, end: `${day(9)}T11:00:00` } });
      const result = await http(s.baseUrl, 'POST', `${CONNECTIONS}/google/sync`, { headers: ann.headers });
      expect(result.body).toEqual({ provider: 'GOOGLE', ...ZERO });
      expect(await sql(s.database.url, 'SELECT last_sync_status, last_sync_error FROM connections WHERE id = $1', [google.id])).toEqual([{ last_sync_status: 'SUCCESS', last_sync_error: null }]);
      expect(await sql(s.database.url, 'SELECT connection_id, provider_event_id FROM crm_events WHERE id = $1', [made.body.id])).toEqual([{ connection_id: outlook.id, provider_event_id: null }]);
      // Outlook's own sync reports its revoked grant.
      const outlookSync = await http(s.baseUrl, 'POST', `${CONNECTIONS}/outlook/sync`, { headers: ann.headers });
      expect(outlookSync.body).toMatchObject({ provider: 'OUTLOOK', success: false, error: expect.stringMatching(/^Access to your Outlook calendar was revoked; reconnect it/) });
      await s.app.get(DestinationCalendarsRepository).clear(ann.tenantId, ann.userId);
    });

    it('forgetConnection deletes the imported events and tombstones, and unbinds the CRM-made ones', async () => {
      const made = await http(s.baseUrl, 'POST', EVENTS, { headers: ann.headers, json: { title: 'Made in CRM', start: `${day(8)}T10:00:00`, end: `${day(8)}T11:00:00` } });
      expect((await http(s.baseUrl, 'POST', `${CONNECTIONS}/google/sync`, { headers: ann.headers })).body).toMatchObject({ success: true, eventsPushed: 1 });
      const imported = await sql<{ n: number }>(s.database.url, "SELECT count(*)::int AS n FROM crm_events WHERE connection_id = $1 AND origin = 'provider'", [google.id]);
      expect(imported[0].n).toBeGreaterThan(0);

      await s.app.get<ConnectionSyncHooks>(CONNECTION_SYNC_HOOKS).forgetConnection(ann.tenantId, ann.userId, google.id);
      expect(await sql(s.database.url, 'SELECT count(*)::int AS n FROM crm_events WHERE connection_id = $1', [google.id])).toEqual([{ n: 0 }]);
      const kept = await http(s.baseUrl, 'GET', `${EVENTS}/${made.body.id}`, { headers: ann.headers });
      expect(kept.body).toMatchObject({ title: 'Made in CRM', origin: 'crm', provider: null });
      // The Outlook connection's imports are untouched.
      expect(await sql(s.database.url, "SELECT title FROM crm_events WHERE connection_id = $1 AND origin = 'provider'", [outlook.id])).toEqual([{ title: 'Board' }]);
    });
  });
});
