import { randomBytes, randomUUID } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function alnum(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

/** Exchange item ids are long base64 strings starting with "AAMk"; the shape is kept, the content is random. */
export const newEventId = (): string => `AAMkA${alnum(60)}AAA=`;
export const newCalendarId = (): string => `AAMkC${alnum(40)}AAA=`;
export const newChangeKey = (): string => `DwAAABYAAAA${alnum(28)}`;
export const newSubscriptionId = (): string => randomUUID();
export const newGuid = (): string => randomUUID();

/** iCalUId format used by Exchange: a fixed Outlook prefix plus hex. */
export const newICalUId = (): string => `040000008200E00074C5B7101A82E00800000000${randomBytes(28).toString('hex').toUpperCase()}`;

/**
 * An occurrence's iCalUId: Exchange's GlobalObjectId carries the instance date in bytes
 * 16–19 (year high/low, month, day; zero on the series master), so every occurrence of
 * a series has its own iCalUId. (MS-OXOCAL 2.2.1.27 PidLidGlobalObjectId.)
 */
export function occurrenceICalUId(masterICalUId: string, dateKey: string): string {
  const [y, m, d] = dateKey.split('-').map(Number);
  const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');
  return `${masterICalUId.slice(0, 32)}${hex(y, 4)}${hex(m, 2)}${hex(d, 2)}${masterICalUId.slice(40)}`;
}

const OCCURRENCE_PREFIX = 'AAMkO';

/**
 * Occurrence and exception ids must be stable (the same occurrence keeps its id across
 * reads and deltas) and resolvable back to the series, so they encode master id + date.
 */
export function occurrenceId(masterId: string, dateKey: string): string {
  return OCCURRENCE_PREFIX + Buffer.from(`${masterId}|${dateKey}`, 'utf8').toString('base64url');
}

export function parseOccurrenceId(id: string): { masterId: string; dateKey: string } | undefined {
  if (!id.startsWith(OCCURRENCE_PREFIX)) return undefined;
  const decoded = Buffer.from(id.slice(OCCURRENCE_PREFIX.length), 'base64url').toString('utf8');
  const sep = decoded.lastIndexOf('|');
  if (sep <= 0 || !/^\d{4}-\d{2}-\d{2}$/.test(decoded.slice(sep + 1))) return undefined;
  return { masterId: decoded.slice(0, sep), dateKey: decoded.slice(sep + 1) };
}

/** The documented occurrenceId form used in cancelledOccurrences: OID.{seriesMasterId}.{date}. */
export const cancelledOccurrenceKey = (masterId: string, dateKey: string): string => `OID.${masterId}.${dateKey}`;

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
