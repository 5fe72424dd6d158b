import { IANAZone } from 'luxon';
import { WallClock } from './iso-datetime';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
// tz names are ASCII words separated by slashes (America/Port-au-Prince, Etc/GMT+5, EST5EDT).
// Intl would also take offsets such as "+05:00", which are not tz database names.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;
const ZONE_CACHE_LIMIT = 1000;
const zones = new Map<string, IANAZone>();

/**
 * The tz database zone with this name (any IANA name Node's ICU knows, links such as
 * Asia/Kolkata or Europe/Kiev included, matched case-insensitively as Intl does), or
 * undefined. Zones are cached: validating a name builds an Intl formatter, which is slow.
 */
export function findTimeZone(name: string): IANAZone | undefined {
  const cached = zones.get(name);
  if (cached) return cached;
  if (!ZONE_NAME.test(name) || !IANAZone.isValidZone(name)) return undefined;
  const zone = IANAZone.create(name);
  if (zones.size < ZONE_CACHE_LIMIT) zones.set(name, zone);
  return zone;
}

/**
 * The UTC instant (ms) at which a wall clock in `zone` shows `clock`.
 *
 * - In a fall-back overlap (the time happens twice) the earlier instant is taken.
 * - In a spring-forward gap (the time never happens) the time is read with the offset in
 *   force before the transition, as RFC 5545 §3.3.5 prescribes for nonexistent local
 *   times: 02:30 on a day New York jumps from 02:00 to 03:00 becomes 03:30 EDT (07:30Z).
 */
export function wallClockToUtc(clock: WallClock, zone: IANAZone): number {
  const local = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
  const steady = steadyOffset(zone, local);
  if (steady !== undefined) return local - steady * MINUTE_MS;
  // Offsets are at most ±14 h, so the instant lies within a day of `local`.
  const before = zone.offset(local - DAY_MS);
  const after = zone.offset(local + DAY_MS);
  const offsets = [before, after];
  const instants = offsets.map((offset) => local - offset * MINUTE_MS).filter((instant) => zone.offset(instant) * MINUTE_MS === local - instant);
  if (instants.length > 0) return Math.min(...instants);
  // A gap only opens when the offset grows, so the smaller offset is the one before it.
  return local - Math.min(...offsets) * MINUTE_MS;
}

const STEADY_CACHE_LIMIT = 10_000;
const steadyDays = new Map<string, number | null>();

/**
 * The zone's offset if it is the same from a day before `local`'s calendar day to a day
 * after it (then no transition can touch any time of that day), else undefined. Each offset
 * lookup costs an Intl formatToParts call, so the answer is remembered per zone and day:
 * events cluster on the same days, and an "add to calendar" link is requested many times.
 * Like the rest of this file it relies on a zone changing offset at most once in two days.
 */
function steadyOffset(zone: IANAZone, local: number): number | undefined {
  const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
  const key = `${zone.name}|${dayStart}`;
  let offset = steadyDays.get(key);
  if (offset === undefined) {
    const before = zone.offset(dayStart - DAY_MS);
    offset = before === zone.offset(dayStart + 2 * DAY_MS) ? before : null;
    if (steadyDays.size >= STEADY_CACHE_LIMIT) steadyDays.delete(steadyDays.keys().next().value as string);
    steadyDays.set(key, offset);
  }
  return offset ?? undefined;
}
