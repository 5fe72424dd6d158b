import { createHash, randomBytes } from 'node:crypto';

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/** Google documents event ids as base32hex (a-v, 0-9), 5 to 1024 characters. */
export function isValidEventId(id: string): boolean {
  return /^[a-v0-9]{5,1024}$/.test(id);
}

export function newEventId(): string {
  const bytes = randomBytes(16);
  let out = '';
  for (const b of bytes) out += BASE32HEX[b & 31];
  return out + BASE32HEX[bytes[0] >> 5];
}

export function randomToken(prefix: string, bytes = 24): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/** Etags look like Google's: a quoted decimal number that changes on every write. */
export function makeEtag(seq: number): string {
  return `"${3_000_000_000_000_000 + seq * 1000}"`;
}

export function stableId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 27);
}

/** Same layout as Google's htmlLink: base64 of "eventId calendarId". */
export function htmlLink(eventId: string, calendarId: string): string {
  const eid = Buffer.from(`${eventId} ${calendarId}`).toString('base64').replace(/=+$/, '');
  return `https://www.google.com/calendar/event?eid=${eid}`;
}
