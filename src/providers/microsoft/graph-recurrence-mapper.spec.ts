import fc from 'fast-check';
import { DateTime } from 'luxon';
import type { EventTime } from '../calendar-provider';
import { isProviderError } from '../provider-errors';
import { recurrenceFromGraph, recurrenceToGraph } from './graph-recurrence-mapper';

const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const ZONES = ['Europe/Berlin', 'America/Los_Angeles', 'America/Vancouver', 'Asia/Kolkata', 'UTC', 'Australia/Sydney'];

const dayList = fc.subarray(DAYS, { minLength: 1 }).map((days) => days.join(','));
const position = fc.constantFrom('1', '2', '3', '4', '-1');
const interval = fc.integer({ min: 1, max: 99 }).map((n) => (n > 1 ? [`INTERVAL=${n}`] : []));

/** Canonical RRULE bodies (without the end) for each Graph pattern. */
const pattern = fc.oneof(
  interval.map((i) => ['FREQ=DAILY', ...i]),
  fc.tuple(interval, dayList, fc.constantFrom(...DAYS)).map(([i, days, wkst]) => ['FREQ=WEEKLY', ...i, `BYDAY=${days}`, ...(wkst === 'MO' ? [] : [`WKST=${wkst}`])]),
  fc.tuple(interval, fc.integer({ min: 1, max: 31 })).map(([i, d]) => ['FREQ=MONTHLY', ...i, `BYMONTHDAY=${d}`]),
  fc.tuple(interval, fc.constantFrom(...DAYS), position).map(([i, day, pos]) => ['FREQ=MONTHLY', ...i, `BYDAY=${pos}${day}`]),
  fc.tuple(interval, fc.subarray(DAYS, { minLength: 2 }), position).map(([i, days, pos]) => ['FREQ=MONTHLY', ...i, `BYDAY=${days.join(',')}`, `BYSETPOS=${pos}`]),
  fc.tuple(interval, fc.integer({ min: 1, max: 28 }), fc.integer({ min: 1, max: 12 })).map(([i, d, m]) => ['FREQ=YEARLY', ...i, `BYMONTHDAY=${d}`, `BYMONTH=${m}`]),
  fc.tuple(interval, fc.constantFrom(...DAYS), position, fc.integer({ min: 1, max: 12 })).map(([i, day, pos, m]) => ['FREQ=YEARLY', ...i, `BYDAY=${pos}${day}`, `BYMONTH=${m}`]),
  fc.tuple(interval, fc.subarray(DAYS, { minLength: 2 }), position, fc.integer({ min: 1, max: 12 })).map(([i, days, pos, m]) => ['FREQ=YEARLY', ...i, `BYDAY=${days.join(',')}`, `BYMONTH=${m}`, `BYSETPOS=${pos}`]),
);

const start: fc.Arbitrary<EventTime> = fc
  .tuple(fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }), fc.boolean(), fc.constantFrom(...ZONES), fc.integer({ min: 0, max: 23 }))
  .map(([date, allDay, zone, hour]) => {
    const day = date.toISOString().slice(0, 10);
    return allDay ? { allDay: true as const, date: day } : { allDay: false as const, dateTime: `${day}T${String(hour).padStart(2, '0')}:30:00`, timeZone: zone };
  });

/** The end as the canonical form writes it: COUNT, or UNTIL as a date / the end of that local day in UTC. */
function ending(s: EventTime): fc.Arbitrary<string[]> {
  const startDate = s.allDay ? s.date : s.dateTime.slice(0, 10);
  const until = fc.integer({ min: 0, max: 800 }).map((days) => {
    const date = DateTime.fromISO(startDate, { zone: 'UTC' }).plus({ days }).toISODate()!;
    if (s.allDay) return [`UNTIL=${date.replace(/-/g, '')}`];
    return [`UNTIL=${DateTime.fromISO(`${date}T23:59:59`, { zone: s.timeZone! }).toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'")}`];
  });
  return fc.oneof(fc.constant([] as string[]), fc.integer({ min: 1, max: 999 }).map((n) => [`COUNT=${n}`]), until);
}

describe('RRULE ↔ Graph patternedRecurrence', () => {
  it('RRULE → patternedRecurrence → RRULE is the identity on canonical rules', () => {
    fc.assert(
      fc.property(start.chain((s) => fc.tuple(fc.constant(s), pattern, ending(s))), ([s, body, end]) => {
        const rule = [...body, ...end].join(';');
        expect(recurrenceFromGraph(recurrenceToGraph(rule, s), s)).toBe(rule);
      }),
      { numRuns: 500 },
    );
  });

  it('writes what Graph documents for each pattern', () => {
    const monday: EventTime = { allDay: false, dateTime: '2030-03-04T09:00:00', timeZone: 'Europe/Berlin' };
    expect(recurrenceToGraph('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;WKST=SU;UNTIL=20300430T215959Z', monday)).toEqual({
      pattern: { type: 'weekly', interval: 2, month: 0, dayOfMonth: 0, daysOfWeek: ['monday', 'wednesday'], firstDayOfWeek: 'sunday', index: 'first' },
      range: { type: 'endDate', startDate: '2030-03-04', endDate: '2030-04-30', recurrenceTimeZone: 'W. Europe Standard Time' },
    });
    expect(recurrenceToGraph('FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=6', monday).pattern).toMatchObject({ type: 'relativeMonthly', daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], index: 'last' });
    // Parts implied by the start are made explicit.
    expect(recurrenceToGraph('FREQ=YEARLY', monday).pattern).toMatchObject({ type: 'absoluteYearly', month: 3, dayOfMonth: 4 });
    expect(recurrenceToGraph('FREQ=WEEKLY', monday).pattern).toMatchObject({ type: 'weekly', daysOfWeek: ['monday'], firstDayOfWeek: 'monday' });
    expect(recurrenceToGraph('RRULE:FREQ=MONTHLY;BYDAY=MO;BYSETPOS=2', monday).pattern).toMatchObject({ type: 'relativeMonthly', daysOfWeek: ['monday'], index: 'second' });
  });

  it.each([
    'FREQ=HOURLY;COUNT=3',
    'FREQ=DAILY;BYHOUR=9',
    'FREQ=DAILY;BYDAY=MO,TU',
    'FREQ=WEEKLY;BYDAY=1MO',
    'FREQ=MONTHLY;BYMONTHDAY=1,15',
    'FREQ=MONTHLY;BYMONTHDAY=-1',
    'FREQ=MONTHLY;BYDAY=5FR',
    'FREQ=MONTHLY;BYDAY=MO;BYSETPOS=3,4',
    'FREQ=MONTHLY;BYDAY=1MO,2TU',
    'FREQ=YEARLY;BYWEEKNO=20',
    'FREQ=YEARLY;BYMONTH=1,7',
    'FREQ=DAILY;COUNT=3;UNTIL=20300101',
    'FREQ=DAILY;INTERVAL=0',
    'FREQ=DAILY;FREQ=WEEKLY',
    'FREQ=DAILY;UNTIL=20200101',
    'FREQ=DAILY;X-NAME=1',
    'garbage',
  ])('refuses %s with INVALID_REQUEST', (rule) => {
    let error: unknown;
    try {
      recurrenceToGraph(rule, { allDay: true, date: '2030-03-04' });
    } catch (e) {
      error = e;
    }
    expect(isProviderError(error, 'INVALID_REQUEST')).toBe(true);
  });
});
