import { google, type calendar_v3 } from 'googleapis';
import { googleapisOptions } from '../../../src/providers/google/googleapis-options';
import { calendarFor, failure, listAllCalendars, listAllEvents, startEmulator, type TestServer } from './google-test-server';

const ALICE = 'alice@example.com';
/** Pages that seed 1 gives 7 events listed 3 at a time: short and empty ones before the last. */
const SEED_1_PAGES = [1, 0, 1, 1, 0, 1, 3].map((items, i, all) => ({ items, next: i < all.length - 1, sync: i === all.length - 1 }));
const BOB = 'bob@example.com';

describe('Google emulator: calendars and events through googleapis', () => {
  let server: TestServer;
  let calendar: calendar_v3.Calendar;

  beforeAll(async () => {
    server = await startEmulator();
  });
  afterAll(() => server.close());

  beforeEach(() => {
    server.emulator.reset();
    server.emulator.createMailbox({ email: ALICE, displayName: 'Alice', timeZone: 'Europe/Berlin' });
    server.emulator.createMailbox({ email: BOB, timeZone: 'America/New_York' });
    calendar = calendarFor(server, ALICE).calendar;
  });

  const event = (summary: string, day = 10, extra: calendar_v3.Schema$Event = {}): calendar_v3.Schema$Event => ({
    summary,
    start: { dateTime: `2030-01-${String(day).padStart(2, '0')}T09:00:00Z` },
    end: { dateTime: `2030-01-${String(day).padStart(2, '0')}T10:00:00Z` },
    ...extra,
  });

  it('lists the mailbox calendars and resolves the primary alias', async () => {
    const extra = server.emulator.createCalendar(ALICE, { summary: 'Team' });
    const first = await calendar.calendarList.list();
    expect(first.data.kind).toBe('calendar#calendarList');
    const items = await listAllCalendars(calendar);
    expect(items.map((c) => c.id).sort()).toEqual([ALICE, extra.id].sort());
    expect(items.find((c) => c.id === ALICE)).toMatchObject({ primary: true, accessRole: 'owner', timeZone: 'Europe/Berlin' });
    const primary = await calendar.calendars.get({ calendarId: 'primary' });
    expect(primary.data).toMatchObject({ kind: 'calendar#calendar', id: ALICE, timeZone: 'Europe/Berlin' });
  });

  it('inserts, reads, patches and updates an event with the documented resource shape', async () => {
    const inserted = await calendar.events.insert({
      calendarId: 'primary',
      requestBody: event('Standup', 10, { extendedProperties: { private: { link: 'l1' } }, transparency: 'transparent' }),
    });
    const e = inserted.data;
    expect(e).toMatchObject({
      kind: 'calendar#event',
      status: 'confirmed',
      summary: 'Standup',
      iCalUID: `${e.id}@google.com`,
      sequence: 0,
      organizer: { email: ALICE, self: true },
      // Rendered in the calendar's zone, like Google does.
      start: { dateTime: '2030-01-10T10:00:00+01:00' },
      extendedProperties: { private: { link: 'l1' } },
      transparency: 'transparent',
    });
    expect(e.id).toMatch(/^[a-v0-9]{5,}$/);
    expect(e.htmlLink).toContain('https://www.google.com/calendar/event?eid=');
    const patched = await calendar.events.patch({ calendarId: 'primary', eventId: e.id!, requestBody: { summary: 'Daily' } });
    expect(patched.data.summary).toBe('Daily');
    expect(patched.data.extendedProperties?.private?.link).toBe('l1');
    expect(patched.data.etag).not.toBe(e.etag);
    expect(patched.data.sequence).toBe(0);
    const updated = await calendar.events.update({
      calendarId: 'primary',
      eventId: e.id!,
      requestBody: event('Moved', 11),
    });
    expect(updated.data.summary).toBe('Moved');
    expect(updated.data.extendedProperties).toBeUndefined();
    expect(updated.data.sequence).toBe(1);
    const got = await calendar.events.get({ calendarId: 'primary', eventId: e.id! });
    expect(got.data).toEqual(updated.data);
  });

  it('keeps all-day events as dates', async () => {
    const res = await calendar.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'Holiday', start: { date: '2030-02-01' }, end: { date: '2030-02-02' } },
    });
    expect(res.data.start).toEqual({ date: '2030-02-01' });
    expect(res.data.end).toEqual({ date: '2030-02-02' });
  });

  it('accepts a client-supplied base32hex id once and answers 409 duplicate after that', async () => {
    const id = 'cbcopq0123456789abcdefv';
    const first = await calendar.events.insert({ calendarId: 'primary', requestBody: { ...event('A'), id } });
    expect(first.data.id).toBe(id);
    const again = await failure(calendar.events.insert({ calendarId: 'primary', requestBody: { ...event('A'), id } }));
    expect(again.status).toBe(409);
    expect(again.body.error.errors[0]).toMatchObject({ domain: 'global', reason: 'duplicate' });
    // Even after deletion the id stays taken.
    await calendar.events.delete({ calendarId: 'primary', eventId: id });
    expect((await failure(calendar.events.insert({ calendarId: 'primary', requestBody: { ...event('A'), id } }))).status).toBe(409);
  });

  it.each(['UPPERCASE1', 'abcd', 'has-dash-1', 'wxyz12345'])('rejects invalid client id %s with 400 invalid', async (id) => {
    const res = await failure(calendar.events.insert({ calendarId: 'primary', requestBody: { ...event('A'), id } }));
    expect(res.status).toBe(400);
    expect(res.body.error.errors[0].reason).toBe('invalid');
  });

  it('validates times: missing end → required, end before start → timeRangeEmpty', async () => {
    const missing = await failure(
      calendar.events.insert({ calendarId: 'primary', requestBody: { summary: 'x', start: { dateTime: '2030-01-01T10:00:00Z' } } }),
    );
    expect(missing.status).toBe(400);
    expect(missing.body.error.errors[0].reason).toBe('required');
    const empty = await failure(
      calendar.events.insert({
        calendarId: 'primary',
        requestBody: { start: { dateTime: '2030-01-01T10:00:00Z' }, end: { dateTime: '2030-01-01T09:00:00Z' } },
      }),
    );
    expect(empty.status).toBe(400);
    expect(empty.body.error.errors[0].reason).toBe('timeRangeEmpty');
  });

  it('deletes as cancelled: get still returns it, a second delete answers 410 deleted', async () => {
    const e = (await calendar.events.insert({ calendarId: 'primary', requestBody: event('Gone') })).data;
    const del = await calendar.events.delete({ calendarId: 'primary', eventId: e.id! });
    expect(del.status).toBe(204);
    const got = await calendar.events.get({ calendarId: 'primary', eventId: e.id! });
    expect(got.data.status).toBe('cancelled');
    const twice = await failure(calendar.events.delete({ calendarId: 'primary', eventId: e.id! }));
    expect(twice.status).toBe(410);
    expect(twice.body.error.errors[0].reason).toBe('deleted');
    const listed = await listAllEvents(calendar, { calendarId: 'primary' });
    expect(listed.items).toEqual([]);
    const withDeleted = await listAllEvents(calendar, { calendarId: 'primary', showDeleted: true });
    expect(withDeleted.items).toEqual([{ kind: 'calendar#event', etag: got.data.etag, id: e.id, status: 'cancelled' }]);
    expect(server.emulator.readEvents(ALICE).map((x) => x.status)).toEqual(['cancelled']);
  });

  it('answers 404 notFound for unknown events and for another mailbox calendar', async () => {
    const missing = await failure(calendar.events.get({ calendarId: 'primary', eventId: 'nosuchevent1' }));
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: { code: 404, message: 'Not Found', errors: [{ domain: 'global', reason: 'notFound', message: 'Not Found' }] },
    });
    expect((await failure(calendar.events.list({ calendarId: BOB }))).status).toBe(404);
  });

  it('answers 401 authError without a valid bearer token', async () => {
    const anonymous = google.calendar({ version: 'v3', ...googleapisOptions(server.base) });
    const res = await failure(anonymous.events.list({ calendarId: 'primary' }));
    expect(res.status).toBe(401);
    expect(res.body.error.errors[0]).toMatchObject({ reason: 'authError', location: 'Authorization' });
    const raw = await fetch(`${server.base}/calendar/v3/calendars/primary/events`, { headers: { Authorization: 'Bearer nope' } });
    expect(raw.status).toBe(401);
    expect(raw.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('pages short by default: pages never exceed maxResults, may be short or empty before the last, and only the last has nextSyncToken', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 7; i++) {
      ids.push((await calendar.events.insert({ calendarId: 'primary', requestBody: event(`E${i}`, i) })).data.id!);
    }
    const pages: { items: number; next: boolean; sync: boolean }[] = [];
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const res = await calendar.events.list({ calendarId: 'primary', maxResults: 3, pageToken });
      seen.push(...res.data.items!.map((e) => e.id!));
      pages.push({ items: res.data.items!.length, next: Boolean(res.data.nextPageToken), sync: Boolean(res.data.nextSyncToken) });
      pageToken = res.data.nextPageToken ?? undefined;
    } while (pageToken);
    // Seed 1 gives this sequence on every run; a loop stopping at the first short page would lose events.
    expect(pages).toEqual(SEED_1_PAGES);
    expect(pages.every((p) => p.items <= 3)).toBe(true);
    expect(pages.slice(0, -1).every((p) => p.next && !p.sync)).toBe(true);
    expect(pages[pages.length - 1]).toMatchObject({ next: false, sync: true });
    expect(pages.slice(0, -1).some((p) => p.items < 3)).toBe(true);
    expect(seen.sort()).toEqual(ids.sort());
  });

  it('gives another deterministic page sequence for another seed, and full pages when short pages are off', async () => {
    for (let i = 1; i <= 7; i++) await calendar.events.insert({ calendarId: 'primary', requestBody: event(`E${i}`, i) });
    const sizes = async () => (await listAllEvents(calendar, { calendarId: 'primary', maxResults: 3 })).pageSizes;
    const seed1 = await sizes();
    expect(await sizes()).toEqual(seed1);
    server.emulator.setPaging({ seed: 7 });
    const seed7 = await sizes();
    expect(seed7).not.toEqual(seed1);
    expect(seed7.reduce((a, b) => a + b, 0)).toBe(7);
    server.emulator.setPaging({ shortPages: false });
    expect(await sizes()).toEqual([3, 3, 1]);
    // reset() restores the constructor's default: short pages, seed 1.
    server.emulator.reset();
    server.emulator.createMailbox({ email: ALICE, displayName: 'Alice', timeZone: 'Europe/Berlin' });
    calendar = calendarFor(server, ALICE).calendar;
    for (let i = 1; i <= 7; i++) await calendar.events.insert({ calendarId: 'primary', requestBody: event(`E${i}`, i) });
    expect(await sizes()).toEqual(seed1);
  });

  it('pages calendarList.list too (default 100, capped at 250), the sync token only on the last page', async () => {
    for (let i = 0; i < 5; i++) server.emulator.createCalendar(ALICE, { summary: `C${i}` });
    const sizes: number[] = [];
    let pageToken: string | undefined;
    let last: calendar_v3.Schema$CalendarList | undefined;
    do {
      last = (await calendar.calendarList.list({ maxResults: 2, pageToken })).data;
      sizes.push(last.items!.length);
      expect(last.items!.length).toBeLessThanOrEqual(2);
      if (last.nextPageToken) expect(last.nextSyncToken).toBeUndefined();
      pageToken = last.nextPageToken ?? undefined;
    } while (pageToken);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(6);
    expect(last.nextSyncToken).toBeTruthy();
    expect((await listAllCalendars(calendar, { maxResults: 1000 })).length).toBe(6);
    const bad = await failure(calendar.calendarList.list({ maxResults: 0 }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.errors[0]).toMatchObject({ reason: 'invalid', location: 'maxResults', locationType: 'parameter' });
  });

  it('caps maxResults at 2500 and rejects 0', async () => {
    expect((await failure(calendar.events.list({ calendarId: 'primary', maxResults: 0 }))).status).toBe(400);
    const res = await calendar.events.list({ calendarId: 'primary', maxResults: 100000 });
    expect(res.status).toBe(200);
  });

  it('sync token round trip returns exactly the inserted, patched and deleted events', async () => {
    const keep = (await calendar.events.insert({ calendarId: 'primary', requestBody: event('Keep', 1) })).data;
    const change = (await calendar.events.insert({ calendarId: 'primary', requestBody: event('Change', 2) })).data;
    const remove = (await calendar.events.insert({ calendarId: 'primary', requestBody: event('Remove', 3) })).data;
    const full = await listAllEvents(calendar, { calendarId: 'primary' });
    expect(full.items).toHaveLength(3);
    const syncToken = full.nextSyncToken!;
    expect(syncToken).toBeTruthy();

    const added = (await calendar.events.insert({ calendarId: 'primary', requestBody: event('Added', 4) })).data;
    await calendar.events.patch({ calendarId: 'primary', eventId: change.id!, requestBody: { summary: 'Changed' } });
    await calendar.events.delete({ calendarId: 'primary', eventId: remove.id! });

    const delta = await listAllEvents(calendar, { calendarId: 'primary', syncToken });
    const byId = new Map(delta.items.map((e) => [e.id, e]));
    expect([...byId.keys()].sort()).toEqual([added.id, change.id, remove.id].sort());
    expect(byId.has(keep.id)).toBe(false);
    expect(byId.get(change.id)?.summary).toBe('Changed');
    expect(byId.get(added.id)?.status).toBe('confirmed');
    expect(byId.get(remove.id)).toMatchObject({ id: remove.id, status: 'cancelled' });

    const quiet = await listAllEvents(calendar, { calendarId: 'primary', syncToken: delta.nextSyncToken! });
    expect(quiet.items).toEqual([]);
    expect(quiet.nextSyncToken).toBeTruthy();
  });

  it('pages through an incremental sync and gives nextSyncToken only on the last page', async () => {
    const token = (await listAllEvents(calendar, { calendarId: 'primary' })).nextSyncToken!;
    for (let i = 1; i <= 5; i++) await calendar.events.insert({ calendarId: 'primary', requestBody: event(`N${i}`, i) });
    const delta = await listAllEvents(calendar, { calendarId: 'primary', syncToken: token, maxResults: 2 });
    expect(delta.items.map((e) => e.summary).sort()).toEqual(['N1', 'N2', 'N3', 'N4', 'N5']);
    expect(delta.pageSizes.every((n) => n <= 2)).toBe(true);
    expect(delta.pageSizes.length).toBeGreaterThanOrEqual(3);
    expect(delta.nextSyncToken).toBeTruthy();
  });

  it('answers 410 fullSyncRequired for expired and invalid sync tokens', async () => {
    const token = (await listAllEvents(calendar, { calendarId: 'primary' })).nextSyncToken!;
    server.emulator.expireSyncTokens(ALICE);
    const expired = await failure(calendar.events.list({ calendarId: 'primary', syncToken: token }));
    expect(expired.status).toBe(410);
    // The body of the errors guide, https://developers.google.com/calendar/api/guides/errors#410_gone
    expect(expired.body).toEqual({
      error: {
        code: 410,
        message: 'Sync token is no longer valid, a full sync is required.',
        errors: [
          {
            domain: 'calendar',
            reason: 'fullSyncRequired',
            message: 'Sync token is no longer valid, a full sync is required.',
            locationType: 'parameter',
            location: 'syncToken',
          },
        ],
      },
    });
    expect((await failure(calendar.events.list({ calendarId: 'primary', syncToken: 'garbage' }))).status).toBe(410);
    // A fresh full sync works again.
    const fresh = await listAllEvents(calendar, { calendarId: 'primary' });
    expect((await calendar.events.list({ calendarId: 'primary', syncToken: fresh.nextSyncToken! })).status).toBe(200);
  });

  it('expires sync tokens after syncTokenTtlMs', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const timed = await startEmulator({ clock: () => now, syncTokenTtlMs: 60_000, mailboxes: [{ email: ALICE }] });
    try {
      const cal = calendarFor(timed, ALICE).calendar;
      const token = (await cal.events.list({ calendarId: 'primary' })).data.nextSyncToken!;
      now += 30_000;
      expect((await cal.events.list({ calendarId: 'primary', syncToken: token })).status).toBe(200);
      now += 31_000;
      expect((await failure(cal.events.list({ calendarId: 'primary', syncToken: token }))).status).toBe(410);
    } finally {
      await timed.close();
    }
  });

  it.each([
    ['timeMin', { timeMin: '2030-01-01T00:00:00Z' }],
    ['q', { q: 'x' }],
    ['privateExtendedProperty', { privateExtendedProperty: ['a=b'] }],
    ['updatedMin', { updatedMin: '2030-01-01T00:00:00Z' }],
    ['orderBy', { orderBy: 'updated' }],
  ])('refuses syncToken together with %s (400)', async (_name, extra) => {
    const token = (await listAllEvents(calendar, { calendarId: 'primary' })).nextSyncToken!;
    const res = await failure(calendar.events.list({ calendarId: 'primary', syncToken: token, ...extra }));
    expect(res.status).toBe(400);
    expect(res.body.error.errors[0].reason).toBe('invalid');
  });

  // The events.list reference says repeated constraints must all match; the extended-properties
  // guide says they are OR'ed. The emulator takes the stricter reading (AND, fewer matches).
  it('filters by private and shared extended properties (all constraints must match)', async () => {
    await calendar.events.insert({ calendarId: 'primary', requestBody: event('copy', 1, { extendedProperties: { private: { link: 'L1', src: 'a' } } }) });
    await calendar.events.insert({ calendarId: 'primary', requestBody: event('other', 2, { extendedProperties: { private: { link: 'L2' } } }) });
    await calendar.events.insert({ calendarId: 'primary', requestBody: event('shared', 3, { extendedProperties: { shared: { link: 'L1' } } }) });
    const list = async (params: calendar_v3.Params$Resource$Events$List) =>
      (await listAllEvents(calendar, { calendarId: 'primary', ...params })).items.map((e) => e.summary);
    expect(await list({ privateExtendedProperty: ['link=L1'] })).toEqual(['copy']);
    expect(await list({ privateExtendedProperty: ['link=L1', 'src=a'] })).toEqual(['copy']);
    // Under the OR reading this would also return 'other'.
    expect(await list({ privateExtendedProperty: ['link=L1', 'link=L2'] })).toEqual([]);
    expect(await list({ privateExtendedProperty: ['link=L1', 'src=b'] })).toEqual([]);
    expect(await list({ sharedExtendedProperty: ['link=L1'] })).toEqual(['shared']);
  });

  it('filters by time window (timeMin bounds the end, timeMax the start, both exclusive) and q', async () => {
    await calendar.events.insert({ calendarId: 'primary', requestBody: event('early', 1) });
    await calendar.events.insert({ calendarId: 'primary', requestBody: event('middle', 5) });
    await calendar.events.insert({ calendarId: 'primary', requestBody: event('late', 9) });
    const res = await listAllEvents(calendar, {
      calendarId: 'primary',
      timeMin: '2030-01-01T10:00:00Z',
      timeMax: '2030-01-09T09:00:00Z',
    });
    expect(res.items.map((e) => e.summary)).toEqual(['middle']);
    const q = await listAllEvents(calendar, { calendarId: 'primary', q: 'LATE' });
    expect(q.items.map((e) => e.summary)).toEqual(['late']);
    const bad = await failure(calendar.events.list({ calendarId: 'primary', timeMin: '2030-01-01' }));
    expect(bad.status).toBe(400);
    const empty = await failure(
      calendar.events.list({ calendarId: 'primary', timeMin: '2030-01-02T00:00:00Z', timeMax: '2030-01-01T00:00:00Z' }),
    );
    expect(empty.body.error.errors[0].reason).toBe('timeRangeEmpty');
  });

  it('supports updatedMin, which always includes deleted events', async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    const a = (await calendar.events.insert({ calendarId: 'primary', requestBody: event('a', 1) })).data;
    await calendar.events.delete({ calendarId: 'primary', eventId: a.id! });
    const res = await listAllEvents(calendar, { calendarId: 'primary', updatedMin: since });
    expect(res.items).toEqual([expect.objectContaining({ id: a.id, status: 'cancelled' })]);
  });

  it('answers 410 updatedMinTooLongAgo for an updatedMin older than the retention window (28 days by default)', async () => {
    const tooOld = new Date(Date.now() - 29 * 86_400_000).toISOString();
    const res = await failure(calendar.events.list({ calendarId: 'primary', updatedMin: tooOld }));
    expect(res.status).toBe(410);
    expect(res.body).toEqual({
      error: {
        code: 410,
        message: 'The requested minimum modification time lies too far in the past.',
        errors: [
          {
            domain: 'calendar',
            reason: 'updatedMinTooLongAgo',
            message: 'The requested minimum modification time lies too far in the past.',
            locationType: 'parameter',
            location: 'updatedMin',
          },
        ],
      },
    });
    const recent = new Date(Date.now() - 27 * 86_400_000).toISOString();
    expect((await calendar.events.list({ calendarId: 'primary', updatedMin: recent })).status).toBe(200);
  });

  it('creates secondary calendars with calendars.insert', async () => {
    const created = await calendar.calendars.insert({ requestBody: { summary: 'Bridge copies', timeZone: 'UTC' } });
    expect(created.data.id).toMatch(/@group\.calendar\.google\.com$/);
    const inserted = await calendar.events.insert({ calendarId: created.data.id!, requestBody: event('x') });
    expect(server.emulator.readEvents(created.data.id!).map((e) => e.id)).toEqual([inserted.data.id]);
  });
});
