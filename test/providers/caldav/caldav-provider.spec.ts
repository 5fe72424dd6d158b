import { CalendarAccess, NormalizedEvent } from '../../../src/providers/calendar-provider';
import { CaldavCalendarProvider, DEFAULT_CALDAV_OPTIONS, uidForKey } from '../../../src/providers/caldav/caldav-calendar.provider';
import { ProviderError } from '../../../src/providers/provider-errors';
import { normalizedEvent } from '../../support/normalized-event';
import { createRadicaleCalendar, isRadicaleAvailable, RadicaleCalendar, RunningRadicale, startRadicale } from '../../support/radicale';

const describeIfRadicale = isRadicaleAvailable() || process.env.CI === 'true' ? describe : describe.skip;

const WINDOW = { start: '2026-11-01T00:00:00Z', end: '2027-03-01T00:00:00Z' };

function vcalendar(...vevents: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...vevents, 'END:VCALENDAR', ''].join('\r\n');
}

const BERLIN_TZ = [
  'BEGIN:VTIMEZONE', 'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT', 'DTSTART:19700329T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'END:DAYLIGHT',
  'BEGIN:STANDARD', 'DTSTART:19701025T030000', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

/** A weekly series with one moved and one cancelled occurrence, as a calendar client writes it. */
const SERIES = vcalendar(
  BERLIN_TZ,
  ['BEGIN:VEVENT', 'UID:series-1', 'DTSTAMP:20261101T000000Z', 'DTSTART;TZID=Europe/Berlin:20261123T100000', 'DTEND;TZID=Europe/Berlin:20261123T103000',
    'SUMMARY:Standup', 'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=8', 'EXDATE;TZID=Europe/Berlin:20261207T100000', 'END:VEVENT'].join('\r\n'),
  ['BEGIN:VEVENT', 'UID:series-1', 'DTSTAMP:20261101T000000Z', 'RECURRENCE-ID;TZID=Europe/Berlin:20261130T100000',
    'DTSTART;TZID=Europe/Berlin:20261130T150000', 'DTEND;TZID=Europe/Berlin:20261130T153000', 'SUMMARY:Standup (moved)', 'END:VEVENT'].join('\r\n'),
);
const ALL_DAY = vcalendar(['BEGIN:VEVENT', 'UID:allday-1', 'DTSTAMP:20261101T000000Z', 'DTSTART;VALUE=DATE:20261225', 'DTEND;VALUE=DATE:20261226', 'SUMMARY:Holiday', 'TRANSP:TRANSPARENT', 'END:VEVENT'].join('\r\n'));
const UTC_EVENT = vcalendar(['BEGIN:VEVENT', 'UID:utc-1', 'DTSTAMP:20261101T000000Z', 'DTSTART:20261124T090000Z', 'DTEND:20261124T100000Z', 'SUMMARY:Review', 'LOCATION:Room 4', 'CLASS:PRIVATE', 'END:VEVENT'].join('\r\n'));
const OUT_OF_WINDOW = vcalendar(['BEGIN:VEVENT', 'UID:old-1', 'DTSTAMP:20261101T000000Z', 'DTSTART:20250101T090000Z', 'DTEND:20250101T100000Z', 'SUMMARY:Old', 'END:VEVENT'].join('\r\n'));

function baseEvent(overrides: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return normalizedEvent({
    title: 'Copy',
    start: { allDay: false, dateTime: '2026-12-01T09:00:00', timeZone: 'America/New_York' },
    end: { allDay: false, dateTime: '2026-12-01T10:00:00', timeZone: 'America/New_York' },
    copyMarker: { linkId: 'link-1', sourceEventId: 'src-1' },
    ...overrides,
  });
}

describeIfRadicale('CalDAV driver against a real Radicale', () => {
  let radicale: RunningRadicale;
  let calendar: RadicaleCalendar;
  let access: CalendarAccess;
  const provider = new CaldavCalendarProvider({ ...DEFAULT_CALDAV_OPTIONS, retry: { maxAttempts: 2, maxTotalMs: 2_000, baseDelayMs: 10, maxDelayMs: 50 } });

  beforeAll(async () => {
    radicale = await startRadicale();
    calendar = await createRadicaleCalendar(radicale, 'Work');
    access = { mailbox: 'tester@example.test', credentials: { kind: 'caldav-basic', serverUrl: radicale.url, username: radicale.username, password: radicale.password } };
  });
  afterAll(async () => radicale?.stop());

  it('resolves the mailbox by discovery and lists its calendars with names', async () => {
    const calendars = await provider.listCalendars(access);
    expect(calendars).toEqual([{ id: calendar.calendar.url, name: 'Work', primary: false, readOnly: false, timeZone: null }]);
    const mailbox = await provider.resolveMailbox(access);
    expect(mailbox).toEqual({ mailbox: 'tester@example.test', primaryCalendarId: calendar.calendar.url, timeZone: null });
  });

  it('maps a wrong password to AUTH_REVOKED, a missing calendar home to MAILBOX_NOT_FOUND, a foreign one to PERMISSION_DENIED', async () => {
    const wrong = { ...access, credentials: { ...access.credentials, password: 'wrong' } } as CalendarAccess;
    await expect(provider.listCalendars(wrong)).rejects.toMatchObject({ kind: 'AUTH_REVOKED', status: 401 });
    const templated = (template: string, mailbox: string): CalendarAccess =>
      ({ ...access, mailbox, credentials: { ...access.credentials, calendarHomeTemplate: template } }) as CalendarAccess;
    const missing = await provider.resolveMailbox(templated('/tester/{user}/', 'nobody@example.test')).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ProviderError);
    expect(missing).toMatchObject({ kind: 'MAILBOX_NOT_FOUND', status: 404 });
    // Radicale's owner_only rights: another user's home is forbidden, not missing.
    await expect(provider.resolveMailbox(templated('/{user}/', 'nobody@example.test'))).rejects.toMatchObject({ kind: 'PERMISSION_DENIED', status: 403 });
    const resolved = await provider.resolveMailbox(templated('/{user}/', 'tester@example.test'));
    expect(resolved.primaryCalendarId).toBe(calendar.calendar.url);
  });

  describe('listing', () => {
    let cursor: string;

    beforeAll(async () => {
      expect(await calendar.put('series-1.ics', SERIES)).toBe(201);
      expect(await calendar.put('allday-1.ics', ALL_DAY)).toBe(201);
      expect(await calendar.put('utc-1.ics', UTC_EVENT)).toBe(201);
      expect(await calendar.put('old-1.ics', OUT_OF_WINDOW)).toBe(201);
    });

    it('lists the window in full: the series as master + moved occurrence (cancelled one as EXDATE), all-day and UTC events', async () => {
      const listing = await provider.listEvents(access, calendar.calendar.url, WINDOW);
      cursor = listing.cursor;
      const byTitle = Object.fromEntries(listing.events.map((event) => [event.title, event]));
      expect(Object.keys(byTitle).sort()).toEqual(['Holiday', 'Review', 'Standup', 'Standup (moved)']);
      const seriesUrl = `${calendar.calendar.url}series-1.ics`;
      expect(byTitle.Standup).toMatchObject({
        id: seriesUrl,
        iCalUid: 'series-1',
        start: { allDay: false, dateTime: '2026-11-23T10:00:00', timeZone: 'Europe/Berlin' },
        recurrence: {
          rule: 'FREQ=WEEKLY;COUNT=8;BYDAY=MO', // ical.js's canonical part order
          exdates: [{ allDay: false, dateTime: '2026-12-07T10:00:00', timeZone: 'Europe/Berlin' }],
        },
        occurrenceOf: null,
      });
      expect(byTitle['Standup (moved)']).toMatchObject({
        id: `${seriesUrl}#2026-11-30T10:00:00`,
        start: { allDay: false, dateTime: '2026-11-30T15:00:00', timeZone: 'Europe/Berlin' },
        occurrenceOf: { seriesId: seriesUrl, originalStart: { allDay: false, dateTime: '2026-11-30T10:00:00', timeZone: 'Europe/Berlin' } },
      });
      expect(byTitle.Holiday).toMatchObject({ start: { allDay: true, date: '2026-12-25' }, end: { allDay: true, date: '2026-12-26' }, transparency: 'free' });
      expect(byTitle.Review).toMatchObject({ start: { allDay: false, dateTime: '2026-11-24T09:00:00', timeZone: 'UTC' }, location: 'Room 4', visibility: 'private' });
    });

    it('lists exactly the changes since the cursor, then nothing', async () => {
      expect(await calendar.put('new-1.ics', UTC_EVENT.replace('UID:utc-1', 'UID:new-1').replace('SUMMARY:Review', 'SUMMARY:Added'))).toBe(201);
      const [allDay] = (await calendar.objects()).filter((object) => object.url.endsWith('allday-1.ics'));
      await calendar.client.deleteCalendarObject({ calendarObject: allDay });
      const changes = await provider.listChanges(access, calendar.calendar.url, cursor, WINDOW);
      expect(changes.changed.map((event) => event.title)).toEqual(['Added']);
      expect(changes.removed).toEqual([`${calendar.calendar.url}allday-1.ics`]);
      const again = await provider.listChanges(access, calendar.calendar.url, changes.cursor, WINDOW);
      expect(again).toEqual({ changed: [], removed: [], cursor: again.cursor });
    });

    it('reports a cursor the server forgot as SYNC_CURSOR_EXPIRED', async () => {
      const forged = Buffer.from(JSON.stringify({ v: 1, t: 'http://radicale.org/ns/sync/0000000000000000000000000000000000000000000000000000000000000000' })).toString('base64url');
      await expect(provider.listChanges(access, calendar.calendar.url, forged, WINDOW)).rejects.toMatchObject({ kind: 'SYNC_CURSOR_EXPIRED' });
      await expect(provider.listChanges(access, calendar.calendar.url, 'garbage', WINDOW)).rejects.toMatchObject({ kind: 'SYNC_CURSOR_EXPIRED' });
    });
  });

  describe('writing', () => {
    let target: RadicaleCalendar;
    beforeAll(async () => {
      target = await createRadicaleCalendar(radicale, 'Copies');
    });

    it('creates at UID-derived URLs; the same create retried leaves one resource', async () => {
      const create = { op: 'create' as const, key: 'link-1:src-1', event: baseEvent() };
      const [first] = await provider.writeEvents(access, target.calendar.url, [create]);
      const [again] = await provider.writeEvents(access, target.calendar.url, [create]);
      const expectedUrl = `${target.calendar.url}${uidForKey('link-1:src-1')}.ics`;
      expect(first).toMatchObject({ ok: true, id: expectedUrl });
      expect(again).toMatchObject({ ok: true, id: expectedUrl });
      const objects = await target.objects();
      expect(objects.map((object) => object.url)).toEqual([expectedUrl]);
      // Read back with a plain REPORT (tsdav's client, not our driver).
      const ics = String(objects[0].data);
      expect(ics).toContain('DTSTART;TZID=America/New_York:20261201T090000');
      expect(ics).toContain('X-CALENDAR-BRIDGE-LINK:link-1');
      expect(ics).toContain('BEGIN:VTIMEZONE');
    });

    it('writes a series, then a moved occurrence into the same resource, then cancels another, then deletes it all', async () => {
      const series = baseEvent({
        title: 'Weekly copy',
        start: { allDay: false, dateTime: '2026-11-23T10:00:00', timeZone: 'Europe/Berlin' },
        end: { allDay: false, dateTime: '2026-11-23T10:30:00', timeZone: 'Europe/Berlin' },
        recurrence: { rule: 'FREQ=WEEKLY;COUNT=8;BYDAY=MO', exdates: [] },
      });
      const [created] = await provider.writeEvents(access, target.calendar.url, [{ op: 'create', key: 'link-1:series', event: series }]);
      if (!created.ok) throw created.error;
      const moved = baseEvent({
        title: 'Weekly copy (moved)',
        start: { allDay: false, dateTime: '2026-11-30T15:00:00', timeZone: 'Europe/Berlin' },
        end: { allDay: false, dateTime: '2026-11-30T15:30:00', timeZone: 'Europe/Berlin' },
        occurrenceOf: { seriesId: created.id, originalStart: { allDay: false, dateTime: '2026-11-30T10:00:00', timeZone: 'Europe/Berlin' } },
      });
      const results = await provider.writeEvents(access, target.calendar.url, [
        { op: 'create', key: 'link-1:series:occ', event: moved },
        { op: 'delete', id: `${created.id}#2026-12-07T10:00:00` },
      ]);
      expect(results.map((result) => result.ok)).toEqual([true, true]);
      const listed = (await provider.listEvents(access, target.calendar.url, WINDOW)).events.filter((event) => event.id?.startsWith(created.id));
      expect(listed.map((event) => [event.id, event.title])).toEqual([
        [created.id, 'Weekly copy'],
        [`${created.id}#2026-11-30T10:00:00`, 'Weekly copy (moved)'],
      ]);
      expect(listed[0].recurrence?.exdates).toEqual([{ allDay: false, dateTime: '2026-12-07T10:00:00', timeZone: 'Europe/Berlin' }]);

      const [deleted, deletedAgain] = await provider.writeEvents(access, target.calendar.url, [
        { op: 'delete', id: created.id },
        { op: 'delete', id: created.id },
      ]);
      expect([deleted.ok, deletedAgain.ok]).toEqual([true, true]);
      expect((await target.objects()).some((object) => object.url === created.id)).toBe(false);
    });

    it('updates a copy in place and reports per-item failures without failing the batch', async () => {
      const [created] = await provider.writeEvents(access, target.calendar.url, [{ op: 'create', key: 'link-1:upd', event: baseEvent({ title: 'Before' }) }]);
      if (!created.ok) throw created.error;
      const results = await provider.writeEvents(access, target.calendar.url, [
        { op: 'update', id: created.id, event: baseEvent({ title: 'After' }) },
        { op: 'update', id: `${target.calendar.url}missing.ics`, event: baseEvent() },
      ]);
      expect(results[0]).toMatchObject({ ok: true, id: created.id });
      expect(results[1]).toMatchObject({ ok: false, error: { kind: 'NOT_FOUND', status: 404 } });
      const object = (await target.objects()).find((candidate) => candidate.url === created.id);
      expect(String(object?.data)).toContain('SUMMARY:After');
    });
  });
});
