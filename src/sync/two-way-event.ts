import { DateTime } from 'luxon';
import type { EventTime, NormalizedEvent, Recurrence } from '../providers/calendar-provider';
import { contentHash } from './content-hash';

/**
 * The CRM store's side of an event and its translation to and from the normalized event model,
 * for two-way sync. Pure: no I/O. Times in the CRM are ISO 8601 strings in the event's zone
 * (an offset, when given, is honoured and converted to the zone's wall clock); all-day events
 * are dates with an exclusive end; recurrence is RFC 5545 RRULE / EXDATE lines.
 */
export interface CrmEventContent {
  title: string;
  description: string | null;
  location: string | null;
  start: string;
  end: string;
  timeZone: string;
  allDay: boolean;
  recurrence: string[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const WALL_FORMAT = "yyyy-MM-dd'T'HH:mm:ss";

/** A CRM time → the wall clock in `zone` (`YYYY-MM-DDTHH:mm:ss`), null when unreadable. */
export function wallClockIn(value: string, zone: string): string | null {
  const hasOffset = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const parsed = hasOffset ? DateTime.fromISO(value, { setZone: true }).setZone(zone) : DateTime.fromISO(value, { zone });
  return parsed.isValid ? parsed.toFormat(WALL_FORMAT) : null;
}

/** The instant a CRM time stands for (all-day: midnight UTC of the date). */
export function instantOf(value: string, zone: string, allDay: boolean): Date | null {
  const parsed = allDay ? DateTime.fromISO(value, { zone: 'UTC' }) : /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) ? DateTime.fromISO(value, { setZone: true }) : DateTime.fromISO(value, { zone });
  return parsed.isValid ? parsed.toJSDate() : null;
}

/** A CRM time text → the model's time in `zone` (all-day: the date). */
export function timeOf(value: string, zone: string, allDay: boolean): EventTime {
  if (allDay) return { allDay: true, date: value.slice(0, 10) };
  return { allDay: false, dateTime: wallClockIn(value, zone) ?? value.slice(0, 19), timeZone: zone };
}

// ─── Recurrence lines ↔ Recurrence ─────────────────────────────────────────────────────────

/** `20260105T090000` / `20260105` ↔ `2026-01-05T09:00:00` / `2026-01-05`. */
function compactToIso(value: string): string | null {
  const timed = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/.exec(value);
  if (timed) return `${timed[1]}-${timed[2]}-${timed[3]}T${timed[4]}:${timed[5]}:${timed[6]}${timed[7]}`;
  const date = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  return date ? `${date[1]}-${date[2]}-${date[3]}` : null;
}

function isoToCompact(value: string): string {
  return value.replace(/[-:]/g, '');
}

/** RRULE/EXDATE lines → the model's Recurrence (null without an RRULE line). Lines were validated. */
export function parseRecurrenceLines(lines: string[], zone: string, allDay: boolean): Recurrence | null {
  let rule: string | null = null;
  const exdates: EventTime[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const head = line.slice(0, colon).toUpperCase();
    const value = line.slice(colon + 1);
    if (head === 'RRULE') rule = value;
    else if (head.startsWith('EXDATE')) {
      const tzid = /;TZID=([^;:]+)/i.exec(line.slice(0, colon))?.[1] ?? null;
      for (const item of value.split(',')) {
        const iso = compactToIso(item.trim());
        if (!iso) continue;
        if (DATE.test(iso) || allDay) exdates.push({ allDay: true, date: iso.slice(0, 10) });
        else if (iso.endsWith('Z')) exdates.push({ allDay: false, dateTime: wallClockIn(iso, zone) ?? iso.slice(0, 19), timeZone: zone });
        else exdates.push({ allDay: false, dateTime: tzid && tzid !== zone ? (wallClockIn(DateTime.fromISO(iso, { zone: tzid }).toISO() ?? iso, zone) ?? iso) : iso, timeZone: zone });
      }
    }
  }
  return rule === null ? null : { rule, exdates: sortTimes(exdates) };
}

/** The model's Recurrence → RRULE line then one EXDATE line per cancelled start (in the event's zone). */
export function recurrenceLines(recurrence: Recurrence | null, zone: string): string[] {
  if (!recurrence) return [];
  const lines = [`RRULE:${recurrence.rule.replace(/^RRULE:/i, '')}`];
  for (const time of sortTimes(recurrence.exdates)) {
    if (time.allDay) lines.push(`EXDATE;VALUE=DATE:${isoToCompact(time.date)}`);
    else {
      const wall = time.timeZone && time.timeZone !== zone ? (wallClockIn(DateTime.fromISO(time.dateTime, { zone: time.timeZone }).toISO() ?? time.dateTime, zone) ?? time.dateTime) : time.dateTime.slice(0, 19);
      lines.push(`EXDATE;TZID=${zone}:${isoToCompact(wall)}`);
    }
  }
  return lines;
}

function sortTimes(times: EventTime[]): EventTime[] {
  const key = (time: EventTime) => (time.allDay ? time.date : time.dateTime.slice(0, 19));
  return [...times].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

// ─── CRM ↔ normalized ──────────────────────────────────────────────────────────────────────

/** What a CRM event is written to a provider as: a plain busy event in the event's zone. */
export function crmToNormalized(content: CrmEventContent): NormalizedEvent {
  return {
    title: content.title,
    description: content.description,
    location: content.location,
    start: timeOf(content.start, content.timeZone, content.allDay),
    end: timeOf(content.end, content.timeZone, content.allDay),
    recurrence: parseRecurrenceLines(content.recurrence, content.timeZone, content.allDay),
    occurrenceOf: null,
    transparency: 'busy',
    visibility: 'default',
    status: 'confirmed',
    organizer: null,
    attendees: [],
    selfResponse: null,
    onlineMeetingUrl: null,
    copyMarker: null,
  };
}

/** A provider event → CRM content; floating times are read in `fallbackZone`. */
/** The model's time → CRM text in `zone`: a date, or the wall clock there (`YYYY-MM-DDTHH:mm:ss`). */
export function timeText(time: EventTime, zone: string): string {
  if (time.allDay) return time.date;
  const wall = time.dateTime.slice(0, 19);
  if (!time.timeZone || time.timeZone === zone) return wall;
  return wallClockIn(DateTime.fromISO(wall, { zone: time.timeZone }).toISO() ?? wall, zone) ?? wall;
}

export function normalizedToCrm(event: NormalizedEvent, fallbackZone: string): CrmEventContent {
  const zone = (!event.start.allDay && event.start.timeZone) || fallbackZone;
  const allDay = event.start.allDay;
  const text = (time: EventTime): string => timeText(time, zone);
  return {
    title: event.title,
    description: event.description,
    location: event.location,
    start: text(event.start),
    end: allDay && !event.end.allDay ? event.end.dateTime.slice(0, 10) : text(event.end),
    timeZone: zone,
    allDay,
    recurrence: recurrenceLines(event.recurrence, zone),
  };
}

/**
 * The hash both sides are compared by: the fields the CRM holds, in the model's normal form
 * (wall clocks to the second, exdates sorted), so the same event hashes alike whichever side
 * it was read from.
 */
export function syncHash(event: NormalizedEvent): string {
  const time = (value: EventTime) => (value.allDay ? { d: value.date } : { t: value.dateTime.slice(0, 19), z: value.timeZone });
  return contentHash({
    title: event.title,
    description: emptyToNull(event.description),
    location: emptyToNull(event.location),
    start: time(event.start),
    end: time(event.end),
    recurrence: event.recurrence ? { rule: event.recurrence.rule.replace(/^RRULE:/i, ''), exdates: sortTimes(event.recurrence.exdates).map(time) } : null,
  });
}

export function crmHash(content: CrmEventContent): string {
  return syncHash(crmToNormalized(content));
}

function emptyToNull(value: string | null): string | null {
  return value === null || value.trim() === '' ? null : value;
}
