import { IANAZone } from 'luxon';
import { DomainException } from '../common/errors/domain.exception';
import { resolveEventTimes, resolveRecurrence } from './event-times';
import { parseWallClock } from './iso-datetime';
import { isEmail, parsePerson } from './person';
import { MAX_RRULE_LENGTH, parseRecurrenceRule } from './rrule';

const clock = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0, hasTime = true) => ({ year, month, day, hour, minute, second, hasTime });
const NEW_YORK = IANAZone.create('America/New_York');

/** Each check at the value where it flips: the last accepted and the first refused. */
describe('ICS parsing at its boundaries', () => {
  it('takes the first and last real month, day and time of day, and nothing past them', () => {
    expect(parseWallClock('2021-01-01T00:00:00')).toEqual(clock(2021, 1, 1));
    expect(parseWallClock('2021-12-31T23:59:59')).toEqual(clock(2021, 12, 31, 23, 59, 59));
    expect(parseWallClock('2021-02-28')).toEqual(clock(2021, 2, 28, 0, 0, 0, false));
    for (const text of ['2021-13-01', '2021-12-00', '2021-12-32', '2021-02-29', '2021-12-17T24:00:01', '2021-12-17T24:01', '2021-12-17T25:00']) {
      expect([text, parseWallClock(text)]).toEqual([text, undefined]);
    }
  });

  it('takes 24:00 as the next midnight, also across a month and a year', () => {
    expect(parseWallClock('2021-01-31T24:00')).toEqual(clock(2021, 2, 1));
    expect(parseWallClock('20211231T240000')).toEqual(clock(2022, 1, 1));
  });

  it('takes years 1000 to 9998 only (the UTC form keeps four digits)', () => {
    expect(parseWallClock('1000-01-01')).toEqual(clock(1000, 1, 1, 0, 0, 0, false));
    expect(parseWallClock('9998-12-31T23:59:59')).toEqual(clock(9998, 12, 31, 23, 59, 59));
    expect(parseWallClock('9998-12-31T24:00')).toBeUndefined();
    expect(parseWallClock('0999-12-31T24:00')).toEqual(clock(1000, 1, 1)); // the year is checked after 24:00 rolls over
    expect(parseWallClock('0999-12-31T23:59:59')).toBeUndefined();
  });

  it('lets an all-day event end on its start date, but a timed event not at its start', () => {
    const day = clock(2021, 12, 17, 0, 0, 0, false);
    expect(resolveEventTimes(day, day, NEW_YORK, true)).toEqual({ allDay: true, start: new Date('2021-12-17T00:00:00Z'), end: new Date('2021-12-18T00:00:00Z') });
    expect(() => resolveEventTimes(day, clock(2021, 12, 16, 0, 0, 0, false), NEW_YORK, true)).toThrow('Event end date must not be before the event start date.');
    const at = clock(2021, 12, 17, 10, 0, 0);
    expect(() => resolveEventTimes(at, at, NEW_YORK, false)).toThrow(DomainException);
    expect(resolveEventTimes(at, clock(2021, 12, 17, 10, 0, 1), NEW_YORK, false)).toEqual({
      allDay: false,
      start: new Date('2021-12-17T15:00:00Z'),
      end: new Date('2021-12-17T15:00:01Z'),
    });
  });

  it('writes UNTIL in the type of DTSTART: a date, a UTC time as given, or the local end of day in UTC', () => {
    const rule = (text: string) => parseRecurrenceRule(text)!;
    expect(resolveRecurrence(rule('FREQ=DAILY;UNTIL=20211231T100000'), NEW_YORK, true)).toBe('FREQ=DAILY;UNTIL=20211231');
    expect(resolveRecurrence(rule('FREQ=DAILY;UNTIL=20211231T100000Z'), NEW_YORK, false)).toBe('FREQ=DAILY;UNTIL=20211231T100000Z');
    expect(resolveRecurrence(rule('FREQ=DAILY;UNTIL=20211231T100000'), NEW_YORK, false)).toBe('FREQ=DAILY;UNTIL=20211231T150000Z');
    expect(resolveRecurrence(rule('FREQ=DAILY;UNTIL=20211231'), NEW_YORK, false)).toBe('FREQ=DAILY;UNTIL=20220101T045959Z');
    expect(resolveRecurrence(rule('FREQ=DAILY;COUNT=3'), NEW_YORK, false)).toBe('FREQ=DAILY;COUNT=3');
  });

  it('takes a rule of exactly the length limit and refuses one character more', () => {
    const exact = `FREQ=DAILY;BYHOUR=${'10,'.repeat(160)}10`;
    const over = `FREQ=DAILY;BYHOUR=${'10,'.repeat(160)}1,1`;
    expect([exact.length, over.length]).toEqual([MAX_RRULE_LENGTH, MAX_RRULE_LENGTH + 1]);
    expect(parseRecurrenceRule(exact)?.freq).toBe('DAILY');
    expect(parseRecurrenceRule(over)).toBeUndefined();
  });

  it('checks numeric rule parts at both ends of their ranges', () => {
    const ok = (text: string) => parseRecurrenceRule(text) !== undefined;
    expect([ok('FREQ=DAILY;BYHOUR=0'), ok('FREQ=DAILY;BYHOUR=23'), ok('FREQ=DAILY;BYHOUR=24')]).toEqual([true, true, false]);
    expect([ok('FREQ=DAILY;BYMINUTE=59'), ok('FREQ=DAILY;BYMINUTE=60'), ok('FREQ=DAILY;BYSECOND=60'), ok('FREQ=DAILY;BYSECOND=61')]).toEqual([true, false, true, false]);
    expect([ok('FREQ=MONTHLY;BYMONTHDAY=1'), ok('FREQ=MONTHLY;BYMONTHDAY=-31'), ok('FREQ=MONTHLY;BYMONTHDAY=0'), ok('FREQ=MONTHLY;BYMONTHDAY=32')]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect([ok('FREQ=YEARLY;BYMONTH=12'), ok('FREQ=YEARLY;BYMONTH=13'), ok('FREQ=YEARLY;BYMONTH=0')]).toEqual([true, false, false]);
    expect([ok('FREQ=YEARLY;BYWEEKNO=53'), ok('FREQ=YEARLY;BYWEEKNO=54'), ok('FREQ=YEARLY;BYYEARDAY=-366'), ok('FREQ=YEARLY;BYYEARDAY=367')]).toEqual([true, false, true, false]);
    expect([ok('FREQ=DAILY;COUNT=1'), ok('FREQ=DAILY;COUNT=0'), ok('FREQ=DAILY;INTERVAL=999999999'), ok('FREQ=DAILY;INTERVAL=1000000000')]).toEqual([true, false, true, false]);
    expect([ok('FREQ=MONTHLY;BYDAY=53MO'), ok('FREQ=MONTHLY;BYDAY=54MO'), ok('FREQ=MONTHLY;BYDAY=-1FR'), ok('FREQ=MONTHLY;BYDAY=0MO')]).toEqual([true, false, true, false]);
  });

  it('applies the cross-part rules of RFC 5545 §3.3.10', () => {
    const ok = (text: string) => parseRecurrenceRule(text) !== undefined;
    expect(ok('FREQ=DAILY;COUNT=2;UNTIL=20211231')).toBe(false);
    expect([ok('FREQ=YEARLY;BYWEEKNO=1'), ok('FREQ=MONTHLY;BYWEEKNO=1')]).toEqual([true, false]);
    expect([ok('FREQ=YEARLY;BYYEARDAY=1'), ok('FREQ=HOURLY;BYYEARDAY=1'), ok('FREQ=DAILY;BYYEARDAY=1'), ok('FREQ=WEEKLY;BYYEARDAY=1'), ok('FREQ=MONTHLY;BYYEARDAY=1')]).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect([ok('FREQ=MONTHLY;BYMONTHDAY=1'), ok('FREQ=WEEKLY;BYMONTHDAY=1')]).toEqual([true, false]);
    expect([ok('FREQ=MONTHLY;BYDAY=1MO'), ok('FREQ=YEARLY;BYDAY=1MO'), ok('FREQ=YEARLY;BYWEEKNO=2;BYDAY=1MO'), ok('FREQ=WEEKLY;BYDAY=1MO'), ok('FREQ=WEEKLY;BYDAY=MO')]).toEqual([
      true,
      true,
      false,
      false,
      true,
    ]);
    expect([ok('FREQ=MONTHLY;BYSETPOS=1'), ok('FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-1'), ok('FREQ=MONTHLY;BYMONTH=1;BYSETPOS=1')]).toEqual([false, true, true]);
    expect([ok('FREQ=DAILY;FREQ=DAILY'), ok('FREQ=DAILY;COUNT=1=2'), ok('FREQ=DAILY;COUNT='), ok('COUNT=2'), ok('FREQ=DAILY;WKST=XX'), ok('rrule:freq=daily;wkst=su')]).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
  });

  it('takes an address of exactly 254 characters and refuses 255; reads mailto: in any case', () => {
    const domain = '@example.com';
    const local = (n: number) => 'a'.repeat(n - domain.length);
    expect(isEmail(`${local(64)}${domain}`)).toBe(true);
    const label = 'b'.repeat(63);
    const long = (n: number) => `a@${label}.${label}.${label}.${'c'.repeat(n - 2 - 3 * 64)}`;
    expect([isEmail(long(254)), isEmail(long(255))]).toEqual([true, false]);
    expect(parsePerson('MAILTO:jo@example.com')).toEqual({ email: 'jo@example.com' });
    expect(parsePerson('"Jo Smith" <mailto:jo@example.com>')).toEqual({ email: 'jo@example.com', name: 'Jo Smith' });
    expect(parsePerson('" <jo@example.com>')).toEqual({ email: 'jo@example.com', name: "'" });
    expect(parsePerson('<jo@example.com>')).toEqual({ email: 'jo@example.com' });
  });
});
