/** A calendar date and a time of day, with no zone attached: what a wall clock shows. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** False for a date-only value such as `2021-12-17`. */
  hasTime: boolean;
}

/** Years we accept, so that the UTC form always has the four-digit year RFC 5545 requires. */
export const MIN_YEAR = 1000;
export const MAX_YEAR = 9998;

// Extended form: 2021-12-17, 2021-12-17T11:30, 2021-12-17T11:30:00.123Z, 2021-12-17 11:30:00+05:30,
// optionally followed by an RFC 9557 zone tag [Europe/Paris]. The offset and the tag are
// matched only to be ignored: the seed says the event-timezone decides.
const EXTENDED =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?(?:\[[^\]\s]{1,64}\])?)?$/;
// Basic form: 20211217, 20211217T1130, 20211217T113000Z, 20211217T113000.5+0530.
const BASIC = /^(\d{4})(\d{2})(\d{2})(?:[Tt](\d{2})(\d{2})(?:(\d{2})(?:[.,]\d{1,9})?)?(?:[Zz]|[+-]\d{2}(?:\d{2})?)?)?$/;

/**
 * Reads the wall-clock part of an ISO 8601 date or date-time, ignoring any offset or zone.
 * Fractional seconds are dropped (iCalendar has whole seconds); `24:00` is the next midnight.
 * Returns undefined for anything that is not a real calendar date and time.
 */
export function parseWallClock(text: string): WallClock | undefined {
  const match = EXTENDED.exec(text) ?? BASIC.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [match[1], match[2], match[3]].map(Number);
  const hasTime = match[4] !== undefined;
  const [hour, minute, second] = [match[4], match[5], match[6]].map((part) => (part === undefined ? 0 : Number(part)));
  if (!isRealDate(year, month, day) || !isRealTime(hour, minute, second)) return undefined;
  const clock = hour === 24 ? nextMidnight(year, month, day) : { year, month, day, hour, minute, second, hasTime };
  if (clock.year < MIN_YEAR || clock.year > MAX_YEAR) return undefined;
  return clock;
}

function isRealDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function isRealTime(hour: number, minute: number, second: number): boolean {
  if (hour === 24) return minute === 0 && second === 0;
  return hour <= 23 && minute <= 59 && second <= 59;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function nextMidnight(year: number, month: number, day: number): WallClock {
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), hour: 0, minute: 0, second: 0, hasTime: true };
}
