import { IANAZone } from 'luxon';
import { icsError } from './ics-error-codes';
import { WallClock } from './iso-datetime';
import { formatRecurrenceRule, RecurrenceRule } from './rrule';
import { wallClockToUtc } from './wall-clock';

const DAY_MS = 86_400_000;

/**
 * When the event happens. Timed events are UTC instants. All-day events are UTC midnights
 * standing for calendar dates: `end` is exclusive (the day after the last day), as
 * RFC 5545 wants for `DTEND;VALUE=DATE`.
 */
export interface EventTimes {
  allDay: boolean;
  start: Date;
  end: Date;
}

/** Reads the wall clocks in the event's zone; refuses an end that is not after the start. */
export function resolveEventTimes(start: WallClock, end: WallClock, zone: IANAZone, allDay: boolean): EventTimes {
  if (allDay) {
    const first = dateOnly(start);
    const last = dateOnly(end);
    if (last < first) throw icsError('endBeforeStart', 'Event end date must not be before the event start date.');
    return { allDay, start: new Date(first), end: new Date(last + DAY_MS) };
  }
  const startMs = wallClockToUtc(start, zone);
  const endMs = wallClockToUtc(end, zone);
  // RFC 5545 §3.8.2.2: DTEND must be later than DTSTART.
  if (endMs <= startMs) throw icsError('endBeforeStart');
  return { allDay, start: new Date(startMs), end: new Date(endMs) };
}

/**
 * The RRULE value to write. UNTIL must have the same value type as DTSTART (RFC 5545
 * §3.3.10): a date for all-day events, a UTC date-time for timed ones. A UNTIL given
 * without `Z` is a wall-clock time in the event's zone like the other times, and a
 * date-only UNTIL on a timed event means the end of that day there.
 */
export function resolveRecurrence(rule: RecurrenceRule, zone: IANAZone, allDay: boolean): string {
  if (!rule.until) return formatRecurrenceRule(rule);
  const { clock, utc } = rule.until;
  if (allDay) return formatRecurrenceRule(rule, formatDate(new Date(dateOnly(clock))));
  if (utc) return formatRecurrenceRule(rule);
  const wall = clock.hasTime ? clock : { ...clock, hour: 23, minute: 59, second: 59 };
  return formatRecurrenceRule(rule, formatUtcDateTime(new Date(wallClockToUtc(wall, zone))));
}

function dateOnly(clock: WallClock): number {
  return Date.UTC(clock.year, clock.month - 1, clock.day);
}

/** `20211217` */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}

/** `20211217T163000Z` */
export function formatUtcDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}
