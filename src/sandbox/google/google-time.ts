import { DateTime, IANAZone } from 'luxon';
import type { EventDateTime } from './google-types';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
const LOCAL_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Query parameters such as timeMin must carry an offset (Google answers 400 otherwise). */
export function parseRfc3339(value: string): number | undefined {
  if (!RFC3339.test(value)) return undefined;
  const ms = DateTime.fromISO(value, { setZone: true }).toMillis();
  return Number.isFinite(ms) ? ms : undefined;
}

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

export function isDateOnly(value: string): boolean {
  return DATE_ONLY.test(value) && DateTime.fromISO(value, { zone: 'UTC' }).isValid;
}

export function hasOffset(value: string): boolean {
  return RFC3339.test(value);
}

export function isLocalDateTime(value: string): boolean {
  return LOCAL_DATETIME.test(value);
}

/** Absolute instant of an event boundary; all-day dates start at midnight in the calendar's zone. */
export function eventTimeMs(dt: EventDateTime, calendarTz: string): number {
  if (dt.date) return DateTime.fromISO(dt.date, { zone: calendarTz }).toMillis();
  const value = dt.dateTime ?? '';
  if (hasOffset(value)) return DateTime.fromISO(value, { setZone: true }).toMillis();
  return DateTime.fromISO(value, { zone: dt.timeZone ?? calendarTz }).toMillis();
}

/** RFC 3339 with the zone's offset, the way Google renders dateTime values. */
export function formatInZone(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString();
}

export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}

export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate() ?? date;
}

export function daysBetween(fromDate: string, toDate: string): number {
  return Math.round(
    DateTime.fromISO(toDate, { zone: 'UTC' }).diff(DateTime.fromISO(fromDate, { zone: 'UTC' }), 'days').days,
  );
}

/** RFC 1123 date, used by X-Goog-Channel-Expiration. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}
