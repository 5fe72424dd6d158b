import { DateTime } from 'luxon';
import { badRequest } from './graph-errors';
import type { DateTimeTimeZone } from './graph-model';
import { resolveTimeZone } from './windows-time-zones';

/** A dateTimeTimeZone resolved to an instant in a concrete IANA zone. */
export function toDateTime(value: DateTimeTimeZone): DateTime {
  const zone = resolveTimeZone(value.timeZone);
  if (!zone) throw badRequest(`A valid TimeZone value must be specified. The following TimeZone value is not supported: '${value.timeZone}'.`, 'TimeZoneNotSupportedException');
  // Graph ignores any offset written inside dateTime and uses timeZone instead.
  const local = value.dateTime.replace(/(Z|[+-]\d{2}:?\d{2})$/, '');
  const parsed = DateTime.fromISO(local, { zone });
  if (!parsed.isValid) throw badRequest(`Cannot convert the literal '${value.dateTime}' to the expected type 'Edm.DateTime'.`, 'RequestBodyRead');
  return parsed;
}

export function toMillis(value: DateTimeTimeZone): number {
  return toDateTime(value).toMillis();
}

/** Graph prints local date-times with seven fractional digits and no offset. */
export function formatGraphDateTime(dt: DateTime): string {
  return `${dt.toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS")}0000`;
}

/** Edm.DateTimeOffset as Graph prints it (originalStart, createdDateTime...). */
export function formatOffsetUtc(ms: number, withMillis = false): string {
  const iso = new Date(ms).toISOString();
  return withMillis ? iso.replace(/\.(\d{3})Z$/, '.$10000Z') : iso.replace(/\.\d{3}Z$/, 'Z');
}

/**
 * startDateTime/endDateTime query parameters. Clients that do not encode "+" in an
 * offset deliver a space; accept it as Graph does. No offset means UTC.
 */
export function parseQueryInstant(raw: string | null, name: string): number {
  if (!raw) throw badRequest(`This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.`, 'ErrorInvalidParameter');
  const fixed = raw.trim().replace(/ (\d{2}:?\d{2})$/, '+$1');
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(fixed);
  const parsed = DateTime.fromISO(fixed, hasZone ? { setZone: true } : { zone: 'UTC' });
  if (!parsed.isValid) throw badRequest(`The value '${raw}' of parameter '${name}' is invalid.`, 'ErrorInvalidParameter');
  return parsed.toMillis();
}

export function dateKeyOf(dt: DateTime): string {
  return dt.toFormat('yyyy-MM-dd');
}
