import type { calendar_v3 } from 'googleapis';
import { calendarFor, failure, startEmulator, type TestServer } from './google-test-server';

const ALICE = 'alice@example.com';

describe('Google emulator: write rules of extended properties and eventType', () => {
  let server: TestServer;
  let calendar: calendar_v3.Calendar;

  beforeAll(async () => {
    server = await startEmulator();
  });
  afterAll(() => server.close());

  beforeEach(() => {
    server.emulator.reset();
    server.emulator.createMailbox({ email: ALICE });
    calendar = calendarFor(server, ALICE).calendar;
  });

  const timed = (extra: calendar_v3.Schema$Event = {}): calendar_v3.Schema$Event => ({
    start: { dateTime: '2030-01-10T09:00:00Z' },
    end: { dateTime: '2030-01-10T10:00:00Z' },
    ...extra,
  });
  const insert = (requestBody: calendar_v3.Schema$Event, calendarId = 'primary') => calendar.events.insert({ calendarId, requestBody });

  describe('extended properties (https://developers.google.com/calendar/api/guides/extended-properties, "Limits")', () => {
    it('silently drops keys longer than 44 characters and cuts values at 1024 characters', async () => {
      const key44 = 'k'.repeat(44);
      const key45 = 'k'.repeat(45);
      const res = await insert(
        timed({ extendedProperties: { private: { [key44]: 'kept', [key45]: 'dropped', long: 'v'.repeat(1500) }, shared: { [key45]: 'x' } } }),
      );
      expect(res.data.extendedProperties).toEqual({ private: { [key44]: 'kept', long: 'v'.repeat(1024) }, shared: {} });
      const stored = server.emulator.readEvents(ALICE)[0];
      expect(stored.extendedProperties?.private?.long).toHaveLength(1024);
      // A patch goes through the same rules.
      const patched = await calendar.events.patch({
        calendarId: 'primary',
        eventId: res.data.id!,
        requestBody: { extendedProperties: { private: { [key45]: 'dropped again', more: 'w'.repeat(2000) } } },
      });
      expect(patched.data.extendedProperties?.private).toEqual({ [key44]: 'kept', long: 'v'.repeat(1024), more: 'w'.repeat(1024) });
    });

    it('accepts 300 properties per scope and refuses 301 with 400', async () => {
      const props = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, 'v']));
      expect((await insert(timed({ extendedProperties: { private: props(300), shared: props(300) } }))).status).toBe(200);
      const over = await failure(insert(timed({ extendedProperties: { shared: props(301) } })));
      expect(over.status).toBe(400);
      expect(over.body.error.errors[0]).toEqual({
        domain: 'global',
        reason: 'invalid',
        message: 'Too many shared extended properties: at most 300, totalling at most 32 kB.',
      });
      expect(server.emulator.readEvents(ALICE)).toHaveLength(1);
    });

    it('refuses a scope totalling more than 32 kB of keys and values, also when a patch pushes it over', async () => {
      const big = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${String(i).padStart(2, '0')}`, 'x'.repeat(1020)]));
      // 32 × (3 + 1020) = 32 736 bytes ≤ 32 768.
      const ok = await insert(timed({ extendedProperties: { private: big(32) } }));
      expect(ok.status).toBe(200);
      expect((await failure(insert(timed({ extendedProperties: { private: big(33) } })))).status).toBe(400);
      const pushed = await failure(
        calendar.events.patch({ calendarId: 'primary', eventId: ok.data.id!, requestBody: { extendedProperties: { private: { k99: 'x'.repeat(100) } } } }),
      );
      expect(pushed.status).toBe(400);
      expect(Object.keys(server.emulator.readEvents(ALICE)[0].extendedProperties!.private!)).toHaveLength(32);
    });
  });

  describe('eventType (https://developers.google.com/calendar/api/guides/event-types)', () => {
    it.each([
      ['fromGmail', "Events of type 'fromGmail' cannot be created."],
      ['meeting', 'Invalid value for: eventType'],
    ])('refuses to create an event of type %s', async (eventType, message) => {
      const res = await failure(insert(timed({ eventType })));
      expect(res.status).toBe(400);
      expect(res.body.error.errors[0]).toEqual({ domain: 'global', reason: 'invalid', message });
      expect(server.emulator.readEvents(ALICE)).toEqual([]);
    });

    it('creates focusTime, outOfOffice and workingLocation only on the primary calendar', async () => {
      expect((await insert(timed({ eventType: 'focusTime' }))).data.eventType).toBe('focusTime');
      const secondary = server.emulator.createCalendar(ALICE, { summary: 'Team' });
      const res = await failure(insert(timed({ eventType: 'outOfOffice' }), secondary.id));
      expect(res.status).toBe(400);
      expect(res.body.error.errors[0].message).toBe("Events of type 'outOfOffice' can only be created on the primary calendar.");
    });

    it('creates birthdays only as one-day all-day events recurring yearly', async () => {
      const day = { start: { date: '2030-05-04' }, end: { date: '2030-05-05' } };
      expect((await failure(insert({ ...day, eventType: 'birthday' }))).status).toBe(400);
      const ok = await insert({ ...day, eventType: 'birthday', recurrence: ['RRULE:FREQ=YEARLY'] });
      expect(ok.data.eventType).toBe('birthday');
    });

    it('keeps the type immutable: patch or update to another type answers 400, an update that omits it means default', async () => {
      const focus = (await insert(timed({ eventType: 'focusTime', summary: 'Deep work' }))).data;
      const patch = await failure(calendar.events.patch({ calendarId: 'primary', eventId: focus.id!, requestBody: { eventType: 'default' } }));
      expect(patch.status).toBe(400);
      expect(patch.body.error.errors[0].message).toBe("The event type cannot be changed from 'focusTime' to 'default'.");
      const omitted = await failure(calendar.events.update({ calendarId: 'primary', eventId: focus.id!, requestBody: timed({ summary: 'x' }) }));
      expect(omitted.status).toBe(400);
      const same = await calendar.events.update({ calendarId: 'primary', eventId: focus.id!, requestBody: timed({ summary: 'Renamed', eventType: 'focusTime' }) });
      expect(same.data).toMatchObject({ summary: 'Renamed', eventType: 'focusTime' });
      const summaryOnly = await calendar.events.patch({ calendarId: 'primary', eventId: focus.id!, requestBody: { summary: 'Again' } });
      expect(summaryOnly.data.eventType).toBe('focusTime');
      const plain = (await insert(timed())).data;
      expect((await failure(calendar.events.patch({ calendarId: 'primary', eventId: plain.id!, requestBody: { eventType: 'outOfOffice' } }))).status).toBe(400);
    });

    it('lets the control API seed fromGmail events, which a client can read and patch but not retype', async () => {
      const [gmail] = server.emulator.seedEvents(ALICE, [timed({ summary: 'Flight', eventType: 'fromGmail' })]);
      expect((await calendar.events.get({ calendarId: 'primary', eventId: gmail.id! })).data.eventType).toBe('fromGmail');
      const patched = await calendar.events.patch({ calendarId: 'primary', eventId: gmail.id!, requestBody: { colorId: '5' } });
      expect(patched.data).toMatchObject({ eventType: 'fromGmail', colorId: '5' });
      expect((await failure(calendar.events.patch({ calendarId: 'primary', eventId: gmail.id!, requestBody: { eventType: 'default' } }))).status).toBe(400);
    });
  });
});
