import fc from 'fast-check';
import type { CalendarAccess, NormalizedEvent, WriteResult } from '../../../src/providers/calendar-provider';
import { GoogleCalendarProvider } from '../../../src/providers/google/google-calendar.provider';
import { writableEvent, writableFields } from '../normalized-event.arbitrary';
import { delegatedAccess, type DriverHarness, FAST_RETRY, startDriverHarness, virtualClock } from './google-driver-harness';
import { normalizedEvent } from '../../support/normalized-event';

const ALICE = 'alice@example.com';
const WINDOW = { start: '2030-01-01T00:00:00Z', end: '2031-01-01T00:00:00Z' };
const BERLIN = 'Europe/Berlin';

const event = (overrides: Partial<NormalizedEvent>): NormalizedEvent =>
  normalizedEvent({ title: '', start: { allDay: true, date: '2030-01-01' }, end: { allDay: true, date: '2030-01-02' }, ...overrides });

const at = (dateTime: string, timeZone = BERLIN) => ({ allDay: false as const, dateTime, timeZone });

function idOf(result: WriteResult): string {
  if (!result.ok) throw result.error;
  return result.id;
}

describe('Google driver: events round-trip through the emulator without loss', () => {
  let harness: DriverHarness;
  let alice: CalendarAccess;
  let driver: GoogleCalendarProvider;

  beforeAll(async () => {
    harness = await startDriverHarness();
  });
  afterAll(() => harness.close());

  beforeEach(() => {
    harness.emulator.reset();
    harness.emulator.createMailbox({ email: ALICE, timeZone: 'America/New_York' });
    alice = delegatedAccess(harness, 'example.com')(ALICE);
    driver = new GoogleCalendarProvider({ endpoints: harness.endpoints, retry: FAST_RETRY, clock: virtualClock() });
  });

  it('a weekly series with a moved and a cancelled occurrence, an all-day and a zoned event', async () => {
    const series = event({
      title: 'Standup',
      description: 'Daily-ish',
      location: 'Room 1',
      start: at('2030-03-04T09:00:00'),
      end: at('2030-03-04T09:30:00'),
      recurrence: { rule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=10', exdates: [at('2030-03-25T09:00:00')] },
      transparency: 'free',
      visibility: 'private',
      attendees: [
        { email: 'bob@example.com', name: 'Bob', response: 'accepted', optional: false },
        { email: 'carol@example.com', name: null, response: 'needsAction', optional: true },
      ],
      copyMarker: { linkId: 'link-1', sourceEventId: 'src-series' },
    });
    const allDay = event({ title: 'Offsite', start: { allDay: true, date: '2030-04-10' }, end: { allDay: true, date: '2030-04-12' } });
    // A Tokyo meeting in a New York calendar keeps Tokyo wall clock and zone.
    const zoned = event({ title: 'Tokyo sync', start: at('2030-06-01T08:00:00', 'Asia/Tokyo'), end: at('2030-06-01T09:00:00', 'Asia/Tokyo'), status: 'tentative' });
    const [seriesId, allDayId, zonedId] = (
      await driver.writeEvents(alice, 'primary', [
        { op: 'create', key: 'link-1:series', event: series },
        { op: 'create', key: 'link-1:allday', event: allDay },
        { op: 'create', key: 'link-1:zoned', event: zoned },
      ])
    ).map(idOf);

    const moved = event({
      title: 'Standup (moved)',
      start: at('2030-03-12T14:00:00'),
      end: at('2030-03-12T14:30:00'),
      occurrenceOf: { seriesId, originalStart: at('2030-03-11T09:00:00') },
    });
    const cancelledStart = at('2030-03-18T09:00:00');
    const cancelled = event({ start: cancelledStart, end: cancelledStart, status: 'cancelled', occurrenceOf: { seriesId, originalStart: cancelledStart } });
    const [movedId, cancelledId] = (
      await driver.writeEvents(alice, 'primary', [
        { op: 'create', key: 'link-1:moved', event: moved },
        { op: 'create', key: 'link-1:cancelled', event: cancelled },
      ])
    ).map(idOf);
    // Instances are addressed by the series id and the original start in UTC.
    expect([movedId, cancelledId]).toEqual([`${seriesId}_20300311T080000Z`, `${seriesId}_20300318T080000Z`]);

    const listing = await driver.listEvents(alice, 'primary', WINDOW);
    const byId = new Map(listing.events.map((e) => [e.id, e]));
    expect([...byId.keys()].sort()).toEqual([seriesId, allDayId, zonedId, movedId, cancelledId].sort());
    expect(writableFields(byId.get(seriesId)!)).toEqual(series);
    expect(writableFields(byId.get(movedId)!)).toEqual(moved);
    expect(writableFields(byId.get(cancelledId)!)).toEqual(cancelled);
    expect(writableFields(byId.get(allDayId)!)).toEqual(allDay);
    expect(writableFields(byId.get(zonedId)!)).toEqual(zoned);
    // What Google adds on its side.
    expect(byId.get(seriesId)).toMatchObject({ organizer: { email: ALICE, name: null }, iCalUid: `${seriesId}@google.com` });
    // Google stored the zone and the rule as written.
    const stored = harness.emulator.readEvents(ALICE).find((e) => e.id === seriesId);
    expect(stored?.recurrence).toEqual(['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10', 'EXDATE;TZID=Europe/Berlin:20300325T090000']);
    expect(stored?.start).toEqual({ dateTime: '2030-03-04T09:00:00+01:00', timeZone: BERLIN });
  });

  it('reads a series Google already holds (moved and cancelled instances seeded at the provider)', async () => {
    const [master] = harness.emulator.seedEvents(ALICE, [
      {
        summary: 'Seeded weekly',
        start: { dateTime: '2030-10-21T09:00:00+02:00', timeZone: BERLIN },
        end: { dateTime: '2030-10-21T10:00:00+02:00', timeZone: BERLIN },
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
        exceptions: [
          { originalStartTime: { dateTime: '2030-10-28T09:00:00+01:00', timeZone: BERLIN }, start: { dateTime: '2030-10-28T11:00:00+01:00', timeZone: BERLIN }, end: { dateTime: '2030-10-28T12:00:00+01:00', timeZone: BERLIN } },
          { originalStartTime: { dateTime: '2030-11-04T09:00:00+01:00', timeZone: BERLIN }, status: 'cancelled' },
        ],
      },
    ]);
    const listing = await driver.listEvents(alice, 'primary', WINDOW);
    expect(listing.events.map((e) => [e.id, e.title, e.status, e.start, e.occurrenceOf?.originalStart ?? null])).toEqual([
      [master.id, 'Seeded weekly', 'confirmed', at('2030-10-21T09:00:00'), null],
      // Across the DST change the wall clock stays 09:00 Berlin.
      [`${master.id}_20301028T080000Z`, 'Seeded weekly', 'confirmed', at('2030-10-28T11:00:00'), at('2030-10-28T09:00:00')],
      [`${master.id}_20301104T080000Z`, '', 'cancelled', at('2030-11-04T09:00:00'), at('2030-11-04T09:00:00')],
    ]);
  });

  it('property: generated single events and series round-trip through the emulator', async () => {
    const samples = fc.sample(fc.oneof(writableEvent('single'), writableEvent('series')), { seed: 20301, numRuns: 12 });
    const results = await driver.writeEvents(
      alice,
      'primary',
      samples.map((e, i) => ({ op: 'create', key: `gen:${i}`, event: e })),
    );
    const ids = results.map(idOf);
    const listing = await driver.listEvents(alice, 'primary', { start: '2029-12-01T00:00:00Z', end: '2031-02-01T00:00:00Z' });
    const byId = new Map(listing.events.map((e) => [e.id, e]));
    samples.forEach((sample, i) => expect(writableFields(byId.get(ids[i])!)).toEqual(sample));
  });
});
