import { DateTime } from 'luxon';
import { isKnownTimeZone } from '../shared/wall-clock';

/**
 * A VTIMEZONE for an IANA zone, built from the system's time-zone tables (via luxon), because
 * RFC 5545 §3.6.5 requires one for every TZID an object uses and several servers (iCloud among
 * them) refuse or misplace events without it. The zone's current rule is written as yearly
 * RRULEs for its two transitions (or one fixed STANDARD block for zones without DST), which is
 * how every mainstream client writes them; past rule changes are not needed for events in the
 * sync window.
 */
export function buildVTimezone(zone: string, referenceYear: number): string {
  const key = `${zone}|${referenceYear}`;
  let built = cache.get(key);
  if (built === undefined) {
    built = computeVTimezone(zone, referenceYear);
    if (cache.size > 2_000) cache.clear();
    cache.set(key, built);
  }
  return built;
}

/** Scanning a year hour by hour costs milliseconds; a zone's block is the same for every event of that year. */
const cache = new Map<string, string>();

function computeVTimezone(zone: string, referenceYear: number): string {
  const transitions = yearTransitions(zone, referenceYear);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  if (transitions.length !== 2) {
    const offset = formatOffset(DateTime.fromObject({ year: referenceYear, month: 1, day: 1 }, { zone }).offset);
    lines.push('BEGIN:STANDARD', 'DTSTART:19700101T000000', `TZOFFSETFROM:${offset}`, `TZOFFSETTO:${offset}`, 'END:STANDARD');
  } else {
    for (const transition of transitions) {
      const kind = transition.toOffset > transition.fromOffset ? 'DAYLIGHT' : 'STANDARD';
      const local = transition.localStart;
      const ordinal = weekdayOrdinal(local);
      const first = sameRuleDayIn1970(local, ordinal);
      lines.push(
        `BEGIN:${kind}`,
        `DTSTART:1970${pad(local.month)}${pad(first)}T${pad(local.hour)}${pad(local.minute)}00`,
        `RRULE:FREQ=YEARLY;BYMONTH=${local.month};BYDAY=${ordinal}${WEEKDAYS[local.weekday - 1]}`,
        `TZOFFSETFROM:${formatOffset(transition.fromOffset)}`,
        `TZOFFSETTO:${formatOffset(transition.toOffset)}`,
        `END:${kind}`,
      );
    }
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}

export function isIanaZone(name: string): boolean {
  return isKnownTimeZone(name);
}

const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

interface Transition {
  /** Wall clock just before the change, in the old offset (how VTIMEZONE's DTSTART is written). */
  localStart: DateTime;
  fromOffset: number;
  toOffset: number;
}

/** The offset changes within `year`, found hour by hour and refined to the minute. */
function yearTransitions(zone: string, year: number): Transition[] {
  const transitions: Transition[] = [];
  let cursor = DateTime.fromObject({ year, month: 1, day: 1 }, { zone: 'UTC' });
  const end = cursor.plus({ years: 1 });
  let previousOffset = cursor.setZone(zone).offset;
  while (cursor < end) {
    const next = cursor.plus({ hours: 1 });
    const offset = next.setZone(zone).offset;
    if (offset !== previousOffset) {
      const instant = refineTransition(zone, cursor, next, previousOffset);
      // The wall clock in the old offset, as a naive UTC-based value (luxon's zone-aware minus would shift the instant).
      transitions.push({ localStart: instant.setZone('UTC').plus({ minutes: previousOffset }), fromOffset: previousOffset, toOffset: offset });
      previousOffset = offset;
    }
    cursor = next;
  }
  return transitions;
}

function refineTransition(zone: string, before: DateTime, after: DateTime, oldOffset: number): DateTime {
  let low = before;
  let high = after;
  while (high.diff(low, 'minutes').minutes > 1) {
    const middle = low.plus({ minutes: Math.floor(high.diff(low, 'minutes').minutes / 2) });
    if (middle.setZone(zone).offset === oldOffset) low = middle;
    else high = middle;
  }
  return high;
}

/** `2` for the second Sunday of the month, `-1` when it is the last one (the usual DST rules). */
function weekdayOrdinal(date: DateTime): string {
  const daysInMonth = date.daysInMonth ?? 31;
  if (date.day + 7 > daysInMonth) return '-1';
  return String(Math.ceil(date.day / 7));
}

/** DTSTART must be the rule's first occurrence: the same ordinal weekday of the month in 1970. */
function sameRuleDayIn1970(date: DateTime, ordinal: string): number {
  const month = DateTime.fromObject({ year: 1970, month: date.month, day: 1 }, { zone: 'UTC' });
  const matching: number[] = [];
  for (let day = 1; day <= (month.daysInMonth ?? 28); day++) {
    if (month.set({ day }).weekday === date.weekday) matching.push(day);
  }
  return ordinal === '-1' ? matching[matching.length - 1] : matching[Number(ordinal) - 1];
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${pad(Math.floor(absolute / 60))}${pad(absolute % 60)}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
