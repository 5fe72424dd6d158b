import type { FaultRule } from '../../src/sandbox/shared/fault-injector';
import type { RequestCounter } from '../../src/sandbox/shared/request-counter';
import type { LinkSyncResult } from '../../src/sync/link-sync.types';
import { GOOGLE_MAILBOX, googleWrites, graphWrites, insertInteropLink, interopRequest, InteropWorld, MS_MAILBOX, openInteropWorld } from './support/interop-world';

type Stored = Record<string, any>;

const POLICY = 'subject|description|location|contact';
const BERLIN = 'Europe/Berlin';

/** What the Google source holds: a timed event, a free all-day event, a weekly series with a moved and a cancelled occurrence. */
const GOOGLE_SOURCE = [
  {
    summary: 'Planning',
    description: 'Agenda in the doc',
    location: 'Room 4',
    start: { dateTime: '2026-12-02T09:00:00', timeZone: BERLIN },
    end: { dateTime: '2026-12-02T10:00:00', timeZone: BERLIN },
    attendees: [{ email: 'carol@fabrikam.test', displayName: 'Carol' }],
  },
  { summary: 'Offsite', start: { date: '2026-12-10' }, end: { date: '2026-12-12' }, transparency: 'transparent' },
  {
    summary: 'Weekly',
    start: { dateTime: '2026-12-07T10:00:00', timeZone: BERLIN },
    end: { dateTime: '2026-12-07T10:30:00', timeZone: BERLIN },
    recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=6'],
    exceptions: [
      {
        originalStartTime: { dateTime: '2026-12-14T10:00:00', timeZone: BERLIN },
        summary: 'Weekly (moved)',
        start: { dateTime: '2026-12-15T15:00:00', timeZone: BERLIN },
        end: { dateTime: '2026-12-15T15:30:00', timeZone: BERLIN },
      },
      { originalStartTime: { dateTime: '2026-12-21T10:00:00', timeZone: BERLIN }, status: 'cancelled' },
    ],
  },
  { summary: 'Outside the window', start: { date: '2027-05-01' }, end: { date: '2027-05-02' } },
];

/** The Microsoft source: a series in a Windows zone with a moved and a cancelled occurrence, a private timed event, a free all-day event. */
function seedMicrosoftSource(world: InteropWorld): void {
  const e = world.microsoft.env.emulator;
  e.seedEvent(MS_MAILBOX, {
    subject: 'Review',
    body: { contentType: 'text', content: 'Weekly numbers' },
    start: { dateTime: '2026-12-03T09:00:00', timeZone: 'Pacific Standard Time' },
    end: { dateTime: '2026-12-03T09:30:00', timeZone: 'Pacific Standard Time' },
    recurrence: {
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['thursday'], firstDayOfWeek: 'sunday' },
      range: { type: 'numbered', startDate: '2026-12-03', numberOfOccurrences: 5 },
    },
    exceptions: [{ originalStartDate: '2026-12-10', subject: 'Review (moved)', start: { dateTime: '2026-12-11T14:00:00', timeZone: 'Pacific Standard Time' }, end: { dateTime: '2026-12-11T14:30:00', timeZone: 'Pacific Standard Time' } }],
    cancelledOccurrences: ['2026-12-17'],
  });
  e.seedEvent(MS_MAILBOX, {
    subject: 'Doctor',
    sensitivity: 'private',
    location: { displayName: 'Clinic' },
    start: { dateTime: '2026-12-04T16:00:00', timeZone: 'W. Europe Standard Time' },
    end: { dateTime: '2026-12-04T17:15:00', timeZone: 'W. Europe Standard Time' },
  });
  e.seedEvent(MS_MAILBOX, { subject: 'Holiday', isAllDay: true, showAs: 'free', start: { dateTime: '2026-12-24T00:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-12-26T00:00:00', timeZone: 'UTC' } });
}

describe('sync engine Google ⇄ Microsoft over HTTP against the emulators', () => {
  let world: InteropWorld;

  beforeEach(async () => {
    world = await openInteropWorld();
  });
  afterEach(async () => {
    await world?.close();
  });

  const msStored = (): Stored[] => world.microsoft.env.emulator.listStoredEvents(MS_MAILBOX) as Stored[];
  const googleStored = (): Stored[] => world.google.emulator.readEvents(GOOGLE_MAILBOX) as Stored[];
  /** Copies a link made, read from the store: Graph carries the marker as a single-value extended property. */
  const msCopiesOf = (linkId: string): Stored[] => msStored().filter((e) => JSON.stringify(e.singleValueExtendedProperties ?? []).includes(linkId));
  /** Google carries the marker in extendedProperties.private; stored cancelled instances are left out. */
  const googleCopiesOf = (linkId: string): Stored[] => googleStored().filter((e) => JSON.stringify(e.extendedProperties ?? {}).includes(linkId) && e.status !== 'cancelled');
  function resetCounts(): void {
    world.google.emulator.resetRequestCounts();
    world.microsoft.env.emulator.resetRequestCounts();
  }

  async function sync(linkId: string, from: 'google' | 'microsoft', cursor: string | null, policy = POLICY, tag: string | null = '(from g)'): Promise<LinkSyncResult> {
    return world.engine.syncLink(interopRequest(world, { linkId, from, policy, tag, cursor }));
  }

  const counts = (r: LinkSyncResult) => ({ created: r.created, updated: r.updated, deleted: r.deleted, unchanged: r.unchanged, skipped: r.skipped, failed: r.failed });

  describe('Google → Microsoft', () => {
    it('copies each item once with policy and tag; the series becomes one series with its exception and cancellation (5 writes)', async () => {
      world.google.emulator.seedEvents(GOOGLE_MAILBOX, GOOGLE_SOURCE as never);
      const linkId = await insertInteropLink(world, 'google', POLICY);
      resetCounts();
      const result = await sync(linkId, 'google', null);
      expect(counts(result)).toEqual({ created: 5, updated: 0, deleted: 0, unchanged: 0, skipped: 0, failed: 0 });

      const copies = msCopiesOf(linkId);
      expect(copies.map((e) => e.subject).sort()).toEqual(['Offsite (from g)', 'Planning (from g)', 'Weekly (from g)']);
      expect(msStored()).toHaveLength(3);
      const planning = copies.find((e) => e.subject === 'Planning (from g)')!;
      expect(planning.location.displayName).toBe('Room 4');
      expect(planning.body.content).toBe('Agenda in the doc\n\nOrganizer: gina@example.com\nAttendees: Carol <carol@fabrikam.test>');
      expect(planning.attendees).toEqual([]);
      expect(planning.originalStartTimeZone).toBe('W. Europe Standard Time');
      expect(planning.start).toEqual({ dateTime: '2026-12-02T08:00:00.0000000', timeZone: 'UTC' });
      const offsite = copies.find((e) => e.subject === 'Offsite (from g)')!;
      expect([offsite.isAllDay, offsite.showAs, offsite.start.dateTime, offsite.end.dateTime]).toEqual([true, 'free', '2026-12-10T00:00:00.0000000', '2026-12-12T00:00:00.0000000']);
      const weekly = copies.find((e) => e.subject === 'Weekly (from g)')!;
      expect(weekly.type).toBe('seriesMaster');
      expect(weekly.recurrence.range).toMatchObject({ type: 'numbered', startDate: '2026-12-07', numberOfOccurrences: 6, recurrenceTimeZone: 'W. Europe Standard Time' });
      expect(weekly.cancelledOccurrences).toEqual([`OID.${weekly.id}.2026-12-21`]);
      expect(weekly.exceptionOccurrences.map((x: Stored) => [x.subject, x.start.dateTime])).toEqual([['Weekly (moved) (from g)', '2026-12-15T14:00:00.0000000']]);

      // Writes at the emulator: three creates, one PATCH of the moved occurrence, one DELETE of the cancelled one — none per instance.
      const endpoints = world.microsoft.env.emulator.requestCounts().byEndpoint;
      expect(Object.fromEntries(Object.entries(endpoints).filter(([k]) => /^(POST|PATCH|DELETE) /.test(k) && !k.includes('$batch')))).toEqual({
        'POST /users/{id}/calendars/{id}/events': 3,
        'PATCH /users/{id}/events/{id}': 1,
        'DELETE /users/{id}/events/{id}': 1,
      });
      expect(graphWrites(world)).toBe(5);
    });

    it('edits, moves and deletions reach the copy on the next sync; an unchanged source costs one list request and no write', async () => {
      const seeded = world.google.emulator.seedEvents(GOOGLE_MAILBOX, GOOGLE_SOURCE as never) as Stored[];
      const linkId = await insertInteropLink(world, 'google', POLICY);
      const first = await sync(linkId, 'google', null);

      resetCounts();
      const idle = await sync(linkId, 'google', first.cursor);
      expect(counts(idle)).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 0, failed: 0 });
      expect(world.google.emulator.requestCounts().byEndpoint).toEqual({ 'events.list': 1 });
      expect(graphWrites(world)).toBe(0);
      expect(world.microsoft.env.emulator.requestCounts().total).toBe(0);

      // At the source: rename Planning, move Offsite, delete the series.
      const id = (title: string): string => seeded.find((e) => e.summary === title)!.id;
      const source = world.endpoint('google');
      const planning = (await world.googleDriver.listEvents(source.access, source.calendarId, { start: '2026-12-01T00:00:00Z', end: '2027-03-01T00:00:00Z' })).events;
      const base = (title: string) => planning.find((e) => e.title === title)!;
      await world.googleDriver.writeEvents(source.access, source.calendarId, [
        { op: 'update', id: id('Planning'), event: { ...base('Planning'), title: 'Planning v2' } },
        { op: 'update', id: id('Offsite'), event: { ...base('Offsite'), start: { allDay: true, date: '2027-01-05' }, end: { allDay: true, date: '2027-01-06' } } },
        { op: 'delete', id: id('Weekly') },
      ]);
      resetCounts();
      const changed = await sync(linkId, 'google', idle.cursor);
      expect(counts(changed)).toEqual({ created: 0, updated: 2, deleted: 1, unchanged: 0, skipped: 0, failed: 0 });
      expect(graphWrites(world)).toBe(3);
      const copies = msCopiesOf(linkId);
      expect(copies.map((e) => [e.subject, e.start.dateTime]).sort()).toEqual([
        ['Offsite (from g)', '2027-01-05T00:00:00.0000000'],
        ['Planning v2 (from g)', '2026-12-02T08:00:00.0000000'],
      ]);
      expect(msStored()).toHaveLength(2);
    });

    it('an occurrence cancelled and one moved at the Google source after the first sync reach the series copy: two occurrence writes, nothing else', async () => {
      world.google.emulator.seedEvents(GOOGLE_MAILBOX, GOOGLE_SOURCE as never);
      const linkId = await insertInteropLink(world, 'google', POLICY);
      const first = await sync(linkId, 'google', null);
      const source = world.endpoint('google');
      const weekly = (await world.googleDriver.listEvents(source.access, source.calendarId, { start: '2026-12-01T00:00:00Z', end: '2027-03-01T00:00:00Z' })).events.find((e) => e.title === 'Weekly')!;
      const at = (dateTime: string) => ({ allDay: false as const, dateTime, timeZone: BERLIN });
      const occurrence = { ...weekly, recurrence: null, id: undefined, etag: undefined };
      const written = await world.googleDriver.writeEvents(source.access, source.calendarId, [
        { op: 'create', key: 'user-cancel', event: { ...occurrence, status: 'cancelled', occurrenceOf: { seriesId: weekly.id!, originalStart: at('2026-12-28T10:00:00') } } },
        { op: 'create', key: 'user-move', event: { ...occurrence, title: 'Weekly (late)', start: at('2027-01-04T16:00:00'), end: at('2027-01-04T16:30:00'), occurrenceOf: { seriesId: weekly.id!, originalStart: at('2027-01-04T10:00:00') } } },
      ]);
      expect(written.map((r) => r.ok)).toEqual([true, true]);

      resetCounts();
      const changed = await sync(linkId, 'google', first.cursor);
      expect(counts(changed)).toEqual({ created: 2, updated: 0, deleted: 0, unchanged: 0, skipped: 0, failed: 0 });
      const endpoints = world.microsoft.env.emulator.requestCounts().byEndpoint;
      expect([endpoints['PATCH /users/{id}/events/{id}'], endpoints['DELETE /users/{id}/events/{id}'], endpoints['POST /users/{id}/calendars/{id}/events']]).toEqual([1, 1, undefined]);
      const copy = msCopiesOf(linkId).find((e) => e.subject === 'Weekly (from g)')!;
      expect(copy.cancelledOccurrences).toEqual([`OID.${copy.id}.2026-12-21`, `OID.${copy.id}.2026-12-28`]);
      expect(copy.exceptionOccurrences.map((x: Stored) => [x.subject, x.start.dateTime])).toEqual([
        ['Weekly (moved) (from g)', '2026-12-15T14:00:00.0000000'],
        ['Weekly (late) (from g)', '2027-01-04T15:00:00.0000000'],
      ]);
    });

    it('busyonly|private: free events stay out, copies are private and titled Busy', async () => {
      world.google.emulator.seedEvents(GOOGLE_MAILBOX, GOOGLE_SOURCE as never);
      const linkId = await insertInteropLink(world, 'google', 'busyonly|private');
      const result = await sync(linkId, 'google', null, 'busyonly|private', null);
      expect(counts(result)).toEqual({ created: 4, updated: 0, deleted: 0, unchanged: 0, skipped: 1, failed: 0 });
      const copies = msCopiesOf(linkId);
      expect(copies.map((e) => [e.subject, e.sensitivity, e.showAs, e.body.content, e.location.displayName]).sort()).toEqual([
        ['Busy', 'private', 'busy', '', ''],
        ['Busy', 'private', 'busy', '', ''],
      ]);
      expect(copies.find((e) => e.type === 'seriesMaster')!.cancelledOccurrences).toHaveLength(1);
    });
  });

  describe('Microsoft → Google', () => {
    it('copies each item once, the Windows-zone series as one Google series with EXDATE and one exception; unchanged costs one delta request', async () => {
      seedMicrosoftSource(world);
      const linkId = await insertInteropLink(world, 'microsoft', POLICY);
      resetCounts();
      const result = await sync(linkId, 'microsoft', null, POLICY, '(from m)');
      expect(counts(result)).toEqual({ created: 4, updated: 0, deleted: 0, unchanged: 0, skipped: 0, failed: 0 });
      const copies = googleCopiesOf(linkId);
      const master = copies.find((e) => e.summary === 'Review (from m)')!;
      expect(master.recurrence).toEqual(['RRULE:FREQ=WEEKLY;BYDAY=TH;WKST=SU;COUNT=5', 'EXDATE;TZID=America/Los_Angeles:20261217T090000']);
      expect(master.start).toEqual({ dateTime: '2026-12-03T09:00:00-08:00', timeZone: 'America/Los_Angeles' });
      const moved = copies.find((e) => e.summary === 'Review (moved) (from m)')!;
      expect([moved.recurringEventId, moved.originalStartTime.dateTime, moved.start.dateTime]).toEqual([master.id, '2026-12-10T09:00:00-08:00', '2026-12-11T14:00:00-08:00']);
      const doctor = copies.find((e) => e.summary === 'Doctor (from m)')!;
      expect([doctor.visibility, doctor.location, doctor.start.timeZone]).toEqual(['private', 'Clinic', 'Europe/Berlin']);
      const holiday = copies.find((e) => e.summary === 'Holiday (from m)')!;
      expect([holiday.start, holiday.end, holiday.transparency]).toEqual([{ date: '2026-12-24' }, { date: '2026-12-26' }, 'transparent']);
      expect(copies).toHaveLength(4);
      expect(googleWrites(world)).toBe(4);

      resetCounts();
      const idle = await sync(linkId, 'microsoft', result.cursor, POLICY, '(from m)');
      expect(counts(idle)).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 0, failed: 0 });
      expect(world.microsoft.env.emulator.requestCounts().total).toBe(1);
      expect(world.google.emulator.requestCounts().total).toBe(0);
    });
  });

  describe('Microsoft → Google incremental', () => {
    it('an edit, a move and a newly cancelled occurrence reach the copies on the next sync', async () => {
      seedMicrosoftSource(world);
      const linkId = await insertInteropLink(world, 'microsoft', POLICY);
      const first = await sync(linkId, 'microsoft', null, POLICY, '(from m)');
      const source = world.endpoint('microsoft');
      const listed = (await world.microsoft.provider.listEvents(source.access, source.calendarId, { start: '2026-12-01T00:00:00Z', end: '2027-03-01T00:00:00Z' })).events;
      const find = (title: string) => listed.find((e) => e.title === title)!;
      const review = find('Review');
      const results = await world.microsoft.provider.writeEvents(source.access, source.calendarId, [
        { op: 'update', id: find('Doctor').id!, event: { ...find('Doctor'), title: 'Dentist' } },
        { op: 'update', id: find('Holiday').id!, event: { ...find('Holiday'), start: { allDay: true, date: '2026-12-28' }, end: { allDay: true, date: '2026-12-29' } } },
        { op: 'create', key: 'user-cancels', event: { ...review, recurrence: null, status: 'cancelled', occurrenceOf: { seriesId: review.id!, originalStart: { allDay: false, dateTime: '2026-12-24T09:00:00', timeZone: 'America/Los_Angeles' } } } },
      ]);
      expect(results.map((r) => r.ok)).toEqual([true, true, true]);

      resetCounts();
      const changed = await sync(linkId, 'microsoft', first.cursor, POLICY, '(from m)');
      expect(counts(changed)).toEqual({ created: 0, updated: 3, deleted: 0, unchanged: 0, skipped: 0, failed: 0 });
      expect(googleWrites(world)).toBe(3);
      const copies = googleCopiesOf(linkId);
      expect(copies.map((e) => e.summary).sort()).toEqual(['Dentist (from m)', 'Holiday (from m)', 'Review (from m)', 'Review (moved) (from m)']);
      expect(copies.find((e) => e.summary === 'Holiday (from m)')!.start).toEqual({ date: '2026-12-28' });
      expect(copies.find((e) => e.summary === 'Review (from m)')!.recurrence).toEqual([
        'RRULE:FREQ=WEEKLY;BYDAY=TH;WKST=SU;COUNT=5',
        'EXDATE;TZID=America/Los_Angeles:20261217T090000',
        'EXDATE;TZID=America/Los_Angeles:20261224T090000',
      ]);
    });
  });

  describe('both directions on the same pair', () => {
    it('Google mailbox ⇄ Microsoft mailbox never loops: after the first round, rounds write nothing', async () => {
      world.google.emulator.seedEvents(GOOGLE_MAILBOX, GOOGLE_SOURCE as never);
      seedMicrosoftSource(world);
      const g2m = await insertInteropLink(world, 'google', POLICY);
      const m2g = await insertInteropLink(world, 'microsoft', POLICY);
      let gCursor: string | null = null;
      let mCursor: string | null = null;
      const rounds: { g2m: ReturnType<typeof counts>; m2g: ReturnType<typeof counts>; googleWrites: number; graphWrites: number }[] = [];
      for (let round = 0; round < 4; round++) {
        resetCounts();
        const a = await sync(g2m, 'google', gCursor);
        gCursor = a.cursor;
        const b = await sync(m2g, 'microsoft', mCursor, POLICY, '(from m)');
        mCursor = b.cursor;
        rounds.push({ g2m: counts(a), m2g: counts(b), googleWrites: googleWrites(world), graphWrites: graphWrites(world) });
      }
      const none = { created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 0, failed: 0 };
      expect(rounds[0]).toEqual({ g2m: { ...none, created: 5 }, m2g: { ...none, created: 4, skipped: 4 }, googleWrites: 4, graphWrites: 5 });
      // Round 2 sees the other link's copies once (they changed since the cursor) and skips them as copies.
      expect(rounds[1]).toEqual({ g2m: { ...none, skipped: 4 }, m2g: none, googleWrites: 0, graphWrites: 0 });
      expect(rounds.slice(2)).toEqual([{ g2m: none, m2g: none, googleWrites: 0, graphWrites: 0 }, { g2m: none, m2g: none, googleWrites: 0, graphWrites: 0 }]);
      expect(msCopiesOf(g2m)).toHaveLength(3);
      expect(googleCopiesOf(m2g)).toHaveLength(4);
      expect(msStored()).toHaveLength(6);
      expect(googleStored().filter((e) => e.status !== 'cancelled' && !e.recurringEventId)).toHaveLength(4 + 3);
    });
  });

  describe('removeCopies', () => {
    it('deletes exactly the link\'s copies in the other provider, nothing of the mailbox\'s own', async () => {
      world.google.emulator.seedEvents(GOOGLE_MAILBOX, GOOGLE_SOURCE as never);
      seedMicrosoftSource(world);
      const linkId = await insertInteropLink(world, 'google', POLICY);
      await sync(linkId, 'google', null);
      expect(msStored()).toHaveLength(6);
      resetCounts();
      const removed = await world.engine.removeCopies({ tenantId: world.tenantId, linkId, destination: world.endpoint('microsoft') });
      expect(removed).toEqual({ deleted: 3 });
      expect(world.microsoft.env.emulator.requestCounts().byEndpoint['DELETE /users/{id}/events/{id}']).toBe(3);
      expect(msStored().map((e) => e.subject).sort()).toEqual(['Doctor', 'Holiday', 'Review']);
      expect(await world.mappings.listForLink(world.tenantId, linkId)).toEqual([]);
    });
  });

  describe('faults', () => {
    /**
     * Every 10th API call the emulators receive (batch parts counted one by one, as they count
     * them) is answered 500, 503, 429 or after the client's timeout, through the emulators' own
     * fault injection: the rule is queued when the call is counted, just before the emulator takes it.
     */
    function injectTenPercentFaults(): { injected: number } {
      const stats = { injected: 0 };
      const kinds = [{ status: 500 }, { status: 503 }, { status: 429, headers: { 'Retry-After': '0' } }, { status: 503, latencyMs: 800 }];
      let seen = 0;
      const faultEveryTenth = (counter: RequestCounter, inject: (rule: FaultRule) => void): void => {
        const record = counter.record.bind(counter);
        counter.record = (mailbox, endpoint) => {
          record(mailbox, endpoint);
          if (++seen % 10 === 0) inject({ ...kinds[stats.injected++ % kinds.length], count: 1 });
        };
      };
      const google = world.google.emulator as unknown as { ctx: { counter: RequestCounter } };
      faultEveryTenth(google.ctx.counter, (rule) => world.google.emulator.injectFault(rule));
      faultEveryTenth(world.microsoft.env.emulator.counter, (rule) => world.microsoft.env.emulator.injectFault(rule));
      return stats;
    }

    async function syncUntilClean(linkId: string, from: 'google' | 'microsoft', tag: string): Promise<{ runs: number; cursor: string | null }> {
      let cursor: string | null = null;
      for (let run = 1; run <= 10; run++) {
        try {
          const result = await sync(linkId, from, cursor, POLICY, tag);
          cursor = result.cursor;
          if (result.failed === 0) return { runs: run, cursor };
        } catch {
          // A listing that failed past the driver's retries fails the whole sync: the runner re-runs it.
        }
      }
      throw new Error('never clean');
    }

    it('with 10% injected 500/503/429/timeouts, re-runs end with exactly one copy per source item in each direction', async () => {
      // Few retries in the drivers: faults that hit a request again reach the engine, and re-runs repair them.
      await world.close();
      world = await openInteropWorld({ retry: { maxAttempts: 3, maxTotalMs: 5_000, baseDelayMs: 5, maxDelayMs: 20 }, requestTimeoutMs: 500 });
      const day = (i: number): string => `2027-01-${String(i + 1).padStart(2, '0')}`;
      world.google.emulator.seedEvents(GOOGLE_MAILBOX, [
        ...GOOGLE_SOURCE,
        ...Array.from({ length: 25 }, (_, i) => ({ summary: `G${i}`, start: { date: day(i) }, end: { date: day(i + 1) } })),
      ] as never);
      seedMicrosoftSource(world);
      for (let i = 0; i < 25; i++) world.microsoft.env.emulator.seedEvent(MS_MAILBOX, { subject: `M${i}`, isAllDay: true, start: { dateTime: `${day(i)}T00:00:00`, timeZone: 'UTC' }, end: { dateTime: `${day(i + 1)}T00:00:00`, timeZone: 'UTC' } });
      const g2m = await insertInteropLink(world, 'google', POLICY);
      const m2g = await insertInteropLink(world, 'microsoft', POLICY);
      const stats = injectTenPercentFaults();
      const a = await syncUntilClean(g2m, 'google', '(from g)');
      const b = await syncUntilClean(m2g, 'microsoft', '(from m)');
      expect(stats.injected).toBeGreaterThanOrEqual(10);
      expect(Math.max(a.runs, b.runs)).toBeGreaterThan(1);

      const msCopies = msCopiesOf(g2m);
      const numbered = (prefix: string, tag: string) => Array.from({ length: 25 }, (_, i) => `${prefix}${i} ${tag}`);
      expect(msCopies.map((e) => e.subject).sort()).toEqual([...numbered('G', '(from g)'), 'Offsite (from g)', 'Planning (from g)', 'Weekly (from g)'].sort());
      const weekly = msCopies.find((e) => e.subject === 'Weekly (from g)')!;
      expect([weekly.exceptionOccurrences.length, weekly.cancelledOccurrences.length]).toEqual([1, 1]);
      expect(msStored()).toHaveLength(28 + 28);
      const googleCopies = googleCopiesOf(m2g);
      expect(googleCopies.map((e) => e.summary).sort()).toEqual([...numbered('M', '(from m)'), 'Doctor (from m)', 'Holiday (from m)', 'Review (from m)', 'Review (moved) (from m)'].sort());
      expect(googleStored().filter((e) => e.status !== 'cancelled' && !e.recurringEventId)).toHaveLength(29 + 28);

      // Faults off: the next syncs find nothing to do.
      world.google.emulator.clearFaults();
      world.microsoft.env.emulator.clearFaults();
      resetCounts();
      // Google now also lists the other link's 29 copies (28 events + the moved occurrence): skipped as copies, never recopied.
      expect(counts(await sync(g2m, 'google', a.cursor))).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 29, failed: 0 });
      const mIdle = await sync(m2g, 'microsoft', b.cursor, POLICY, '(from m)');
      expect([mIdle.created, mIdle.updated, mIdle.deleted, mIdle.failed]).toEqual([0, 0, 0, 0]);
      expect([googleWrites(world), graphWrites(world)]).toEqual([0, 0]);
    });
  });
});
