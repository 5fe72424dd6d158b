import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { EventTime } from '../calendar-provider';

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/**
 * The event id a create with this idempotency key always gets. Google accepts client-supplied
 * ids of base32hex characters (a-v, 0-9), 5 to 1024 long, and answers 409 to a second insert
 * with the same id (https://developers.google.com/calendar/api/v3/reference/events/insert), so a
 * retried create can never make a second event. 256 bits of SHA-256 → 52 characters.
 */
export function googleEventIdForKey(key: string): string {
  const bytes = createHash('sha256').update(key, 'utf8').digest();
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32HEX[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32HEX[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * The id of one instance of a series: `<seriesId>_<original start>` with the start as a UTC
 * basic-format date-time (timed) or a basic date (all-day), as Google lists instances
 * (https://developers.google.com/calendar/api/guides/recurringevents). Writing to that id
 * modifies or cancels that occurrence.
 */
export function googleInstanceId(seriesId: string, originalStart: EventTime): string {
  if (originalStart.allDay) return `${seriesId}_${originalStart.date.replace(/-/g, '')}`;
  const zone = originalStart.timeZone ?? 'UTC';
  const utc = DateTime.fromISO(originalStart.dateTime, { zone }).toUTC();
  return `${seriesId}_${utc.toFormat("yyyyMMdd'T'HHmmss'Z'")}`;
}
