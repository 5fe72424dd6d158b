import type { calendar_v3 } from 'googleapis';
import { calendarFor, failure, listAllEvents, listAllInstances, startEmulator, type TestServer } from './google-test-server';

const ALICE = 'alice@example.com';

describe('Google emulator: recurring series, instances and exceptions', () => {
  let server: TestServer;
  let calendar: calendar_v3.Calendar;
  let master: calendar_v3.Schema$Event;

  beforeAll(async () => {
    server = await startEmulator();
  });
  afterAll(() => server.close());

  beforeEach(async () => {
    server.emulator.reset();
    server.emulator.createMailbox({ email: ALICE, timeZone: 'Europe/Berlin' });
    calendar = calendarFor(server, ALICE).calendar;
    // Weekly on Mondays 09:00 Berlin, 5 times, across the March DST change.
    const [seeded, modified, cancelled] = server.emulator.seedEvents(ALICE, [
      {
        summary: 'Weekly',
        start: { dateTime: '2030-03-11T09:00:00', timeZone: 'Europe/Berlin' },
        end: { dateTime: '2030-03-11T10:00:00', timeZone: 'Europe/Berlin' },
        recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=5'],
        exceptions: [
          {
            originalStartTime: { dateTime: '2030-03-18T09:00:00+01:00', timeZone: 'Europe/Berlin' },
            summary: 'Weekly (moved)',
            start: { dateTime: '2030-03-19T14:00:00+01:00', timeZone: 'Europe/Berlin' },
            end: { dateTime: '2030-03-19T15:00:00+01:00', timeZone: 'Europe/Berlin' },
          },
          { originalStartTime: { dateTime: '2030-03-25T09:00:00+01:00', timeZone: 'Europe/Berlin' }, status: 'cancelled' },
        ],
      },
    ]);
    master = seeded;
    expect(modified.id).toBe(`${master.id}_20300318T080000Z`);
    expect(cancelled.id).toBe(`${master.id}_20300325T080000Z`);
  });

  it('expands singleEvents=true into instances with exceptions applied and cancelled ones left out', async () => {
    const { items } = await listAllEvents(calendar, { calendarId: 'primary', singleEvents: true, orderBy: 'startTime' });
    expect(items.map((e) => e.id)).toEqual([
      `${master.id}_20300311T080000Z`,
      `${master.id}_20300318T080000Z`,
      // 2030-03-31 is after the DST switch: still 09:00 local, now 07:00Z.
      `${master.id}_20300401T070000Z`,
      `${master.id}_20300408T070000Z`,
    ]);
    expect(items[0]).toMatchObject({
      summary: 'Weekly',
      recurringEventId: master.id,
      originalStartTime: { dateTime: '2030-03-11T09:00:00+01:00', timeZone: 'Europe/Berlin' },
      start: { dateTime: '2030-03-11T09:00:00+01:00', timeZone: 'Europe/Berlin' },
      iCalUID: master.iCalUID,
    });
    expect(items[0].recurrence).toBeUndefined();
    expect(items[1]).toMatchObject({ summary: 'Weekly (moved)', start: { dateTime: '2030-03-19T14:00:00+01:00' } });
    expect(items[2].start?.dateTime).toBe('2030-04-01T09:00:00+02:00');
  });

  it('non-expanded view returns the series master, the modified instance and the cancelled instance', async () => {
    const { items } = await listAllEvents(calendar, { calendarId: 'primary' });
    expect(items).toHaveLength(3);
    const [m, modified, cancelled] = items;
    expect(m).toMatchObject({ id: master.id, recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=5'] });
    expect(modified).toMatchObject({
      recurringEventId: master.id,
      originalStartTime: { dateTime: '2030-03-18T09:00:00+01:00', timeZone: 'Europe/Berlin' },
      status: 'confirmed',
    });
    expect(cancelled).toEqual({
      kind: 'calendar#event',
      etag: expect.any(String),
      id: `${master.id}_20300325T080000Z`,
      status: 'cancelled',
      recurringEventId: master.id,
      originalStartTime: { dateTime: '2030-03-25T09:00:00+01:00', timeZone: 'Europe/Berlin' },
    });
  });

  it('honours timeMin/timeMax for expanded instances and for series masters', async () => {
    const window = { timeMin: '2030-03-31T00:00:00Z', timeMax: '2030-04-05T00:00:00Z' };
    const expanded = await listAllEvents(calendar, { calendarId: 'primary', singleEvents: true, ...window });
    expect(expanded.items.map((e) => e.id)).toEqual([`${master.id}_20300401T070000Z`]);
    const series = await listAllEvents(calendar, { calendarId: 'primary', ...window });
    expect(series.items.map((e) => e.id)).toEqual([master.id]);
    const after = await listAllEvents(calendar, { calendarId: 'primary', timeMin: '2030-05-01T00:00:00Z' });
    expect(after.items).toEqual([]);
  });

  it('events.instances lists the series occurrences, cancelled ones only with showDeleted', async () => {
    expect(await listAllInstances(calendar, { calendarId: 'primary', eventId: master.id! })).toHaveLength(4);
    const all = await listAllInstances(calendar, { calendarId: 'primary', eventId: master.id!, showDeleted: true });
    expect(all.map((e) => e.status)).toEqual(['confirmed', 'confirmed', 'cancelled', 'confirmed', 'confirmed']);
    // Pages of at most 3, short ones included, still give every instance once, in order.
    const paged = await listAllInstances(calendar, { calendarId: 'primary', eventId: master.id!, maxResults: 3 });
    expect(paged.map((e) => e.id)).toEqual(all.filter((e) => e.status !== 'cancelled').map((e) => e.id));
    server.emulator.setPaging({ shortPages: false });
    const full = await calendar.events.instances({ calendarId: 'primary', eventId: master.id!, maxResults: 3 });
    expect(full.data.items).toHaveLength(3);
    const rest = await calendar.events.instances({ calendarId: 'primary', eventId: master.id!, maxResults: 3, pageToken: full.data.nextPageToken! });
    expect(rest.data.items).toHaveLength(1);
    expect(rest.data.nextPageToken).toBeUndefined();
  });

  it('patching or deleting an instance id creates an exception that sync reports', async () => {
    const token = (await listAllEvents(calendar, { calendarId: 'primary' })).nextSyncToken!;
    const instanceId = `${master.id}_20300401T070000Z`;
    const got = await calendar.events.get({ calendarId: 'primary', eventId: instanceId });
    expect(got.data.recurringEventId).toBe(master.id);
    const patched = await calendar.events.patch({ calendarId: 'primary', eventId: instanceId, requestBody: { summary: 'Special' } });
    expect(patched.data).toMatchObject({ id: instanceId, summary: 'Special', recurringEventId: master.id });
    await calendar.events.delete({ calendarId: 'primary', eventId: `${master.id}_20300408T070000Z` });
    const delta = await listAllEvents(calendar, { calendarId: 'primary', syncToken: token });
    expect(delta.items.map((e) => [e.id, e.status])).toEqual([
      [instanceId, 'confirmed'],
      [`${master.id}_20300408T070000Z`, 'cancelled'],
    ]);
    expect((await failure(calendar.events.get({ calendarId: 'primary', eventId: `${master.id}_20300402T070000Z` }))).status).toBe(404);
  });

  it('deleting the series cancels the master and its exceptions', async () => {
    await calendar.events.delete({ calendarId: 'primary', eventId: master.id! });
    expect((await listAllEvents(calendar, { calendarId: 'primary' })).items).toEqual([]);
    const stored = server.emulator.readEvents(ALICE);
    expect(stored.every((e) => e.status === 'cancelled')).toBe(true);
    expect((await listAllEvents(calendar, { calendarId: 'primary', singleEvents: true })).items).toEqual([]);
  });

  it('rejects recurring timed events without a time zone', async () => {
    const res = await failure(
      calendar.events.insert({
        calendarId: 'primary',
        requestBody: {
          start: { dateTime: '2030-01-01T09:00:00Z' },
          end: { dateTime: '2030-01-01T10:00:00Z' },
          recurrence: ['RRULE:FREQ=DAILY'],
        },
      }),
    );
    expect(res.status).toBe(400);
  });

  it('expands all-day monthly rules with EXDATE', async () => {
    const [series] = server.emulator.seedEvents(ALICE, [
      {
        summary: 'Rent',
        start: { date: '2030-01-31' },
        end: { date: '2030-02-01' },
        recurrence: ['RRULE:FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=4', 'EXDATE;VALUE=DATE:20300228'],
      },
    ]);
    const items = await listAllInstances(calendar, { calendarId: 'primary', eventId: series.id! });
    expect(items.map((e) => e.start?.date)).toEqual(['2030-01-31', '2030-03-31', '2030-04-30']);
    expect(items[0].id).toBe(`${series.id}_20300131`);
  });
});
