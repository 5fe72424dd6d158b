import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { calendar_v3 } from './googleapis-calendar';
import type {
  AttendeeResponse,
  CopyMarker,
  EventAttendee,
  EventPerson,
  EventTime,
  NormalizedEvent,
  Recurrence,
} from '../calendar-provider';
import { isKnownTimeZone, wallClockAt } from '../shared/wall-clock';
import { ProviderError } from '../provider-errors';

/**
 * Google Event resource ⇄ normalized event
 * (https://developers.google.com/calendar/api/v3/reference/events).
 *
 * Written: title, description, location, start/end, recurrence (RRULE + EXDATE lines),
 * transparency, visibility, status, attendees (email, name, response, optional), the copy
 * marker. Read only at Google (never written): id, etag, iCalUID, organizer, selfResponse,
 * onlineMeetingUrl (hangoutLink / conferenceData), updated.
 */
export type GoogleEvent = calendar_v3.Schema$Event;
type GoogleTime = calendar_v3.Schema$EventDateTime;

/**
 * The one private extended property a copy carries. Google limits keys to 44 characters and
 * values to 1024 (https://developers.google.com/calendar/api/guides/extended-properties).
 */
export const COPY_MARKER_KEY = 'calendarBridgeCopy';
export const MAX_PROPERTY_VALUE_BYTES = 1024;

const WALL_CLOCK = "yyyy-MM-dd'T'HH:mm:ss";

export interface GoogleReadContext {
  /** The calendar's zone (events.list answers it as `timeZone`): used when an event names none. */
  calendarTimeZone: string;
}

// ─── Google → model ───────────────────────────────────────────────────────────────────────

export function fromGoogleEvent(event: GoogleEvent, context: GoogleReadContext): NormalizedEvent {
  const zone = validZone(event.start?.timeZone) ?? validZone(event.originalStartTime?.timeZone) ?? context.calendarTimeZone;
  const occurrenceOf = event.recurringEventId && event.originalStartTime
    ? { seriesId: event.recurringEventId, originalStart: fromGoogleTime(event.originalStartTime, zone) }
    : null;
  // Cancelled instances are listed with only their id and original start: they stand for that start.
  const start = event.start ? fromGoogleTime(event.start, zone) : (occurrenceOf?.originalStart ?? missingTime(event));
  const end = event.end ? fromGoogleTime(event.end, validZone(event.end.timeZone) ?? zone) : start;
  const attendees = (event.attendees ?? []).map(fromGoogleAttendee);
  const self = (event.attendees ?? []).find((a) => a.self);
  return {
    id: event.id ?? undefined,
    etag: event.etag ?? undefined,
    iCalUid: event.iCalUID ?? undefined,
    title: event.summary ?? '',
    // Google leaves an empty description/location out of its answers: empty means none.
    description: event.description || null,
    location: event.location || null,
    start,
    end,
    recurrence: event.recurrence?.length && !event.recurringEventId ? fromGoogleRecurrence(event.recurrence, start) : null,
    occurrenceOf,
    transparency: event.transparency === 'transparent' ? 'free' : 'busy',
    visibility: event.visibility === 'public' ? 'public' : event.visibility === 'private' || event.visibility === 'confidential' ? 'private' : 'default',
    status: event.status === 'cancelled' ? 'cancelled' : event.status === 'tentative' ? 'tentative' : 'confirmed',
    organizer: event.organizer ? person(event.organizer.email, event.organizer.displayName) : null,
    attendees,
    selfResponse: self ? responseOf(self.responseStatus) : null,
    onlineMeetingUrl: event.hangoutLink ?? videoEntryPoint(event.conferenceData) ?? null,
    copyMarker: parseCopyMarker(event.extendedProperties?.private?.[COPY_MARKER_KEY]),
    updatedAt: event.updated ?? undefined,
  };
}

function missingTime(event: GoogleEvent): never {
  throw new ProviderError('INVALID_REQUEST', `Google event ${event.id ?? '?'} has no start`, { provider: 'google' });
}

/** A Google start/end: `date`, or `dateTime` (with an offset, or local + timeZone) kept as wall clock + IANA zone. */
export function fromGoogleTime(time: GoogleTime, fallbackZone: string): EventTime {
  if (time.date) return { allDay: true, date: time.date };
  const zone = validZone(time.timeZone) ?? fallbackZone;
  const raw = time.dateTime ?? '';
  // Google's usual form, an RFC 3339 instant with an offset: the zone's wall clock without Luxon (see wall-clock.ts).
  const fast = RFC3339_INSTANT.test(raw) ? wallClockAt(Date.parse(raw), zone) : null;
  if (fast !== null) return { allDay: false, dateTime: fast, timeZone: zone };
  const parsed = hasOffset(raw) ? DateTime.fromISO(raw, { setZone: true }).setZone(zone) : DateTime.fromISO(raw, { zone });
  if (!parsed.isValid) throw new ProviderError('INVALID_REQUEST', `Google answered an unreadable time: ${raw}`, { provider: 'google' });
  return { allDay: false, dateTime: parsed.toFormat(WALL_CLOCK), timeZone: zone };
}

function fromGoogleRecurrence(lines: string[], start: EventTime): Recurrence | null {
  const rrule = lines.find((l) => /^RRULE:/i.test(l));
  if (!rrule) return null;
  const exdates = lines.filter((l) => /^EXDATE[:;]/i.test(l)).flatMap((l) => parseExdateLine(l, start));
  return { rule: rrule.slice('RRULE:'.length), exdates };
}

/** `EXDATE;TZID=Europe/Berlin:20300311T090000,…`, `EXDATE;VALUE=DATE:20300311`, `EXDATE:20300311T080000Z`. */
export function parseExdateLine(line: string, seriesStart: EventTime): EventTime[] {
  const colon = line.indexOf(':');
  if (colon < 0) return [];
  const params = line.slice(0, colon).toUpperCase();
  const tzid = /TZID=([^;]+)/i.exec(line.slice(0, colon))?.[1];
  const seriesZone = seriesStart.allDay ? 'UTC' : (seriesStart.timeZone ?? 'UTC');
  return line
    .slice(colon + 1)
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean)
    .flatMap((value): EventTime[] => {
      if (/^\d{8}$/.test(value) || params.includes('VALUE=DATE')) {
        const date = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
        return [{ allDay: true, date }];
      }
      const utc = value.endsWith('Z') || value.endsWith('z');
      const sourceZone = utc ? 'UTC' : (validZone(tzid) ?? seriesZone);
      const parsed = DateTime.fromFormat(value.replace(/z$/i, ''), "yyyyMMdd'T'HHmmss", { zone: sourceZone });
      if (!parsed.isValid) return [];
      if (seriesStart.allDay) return [{ allDay: true, date: parsed.toFormat('yyyy-MM-dd') }];
      return [{ allDay: false, dateTime: parsed.setZone(seriesZone).toFormat(WALL_CLOCK), timeZone: seriesStart.timeZone }];
    });
}

function fromGoogleAttendee(attendee: calendar_v3.Schema$EventAttendee): EventAttendee {
  return {
    ...person(attendee.email, attendee.displayName),
    response: responseOf(attendee.responseStatus),
    optional: attendee.optional === true,
  };
}

function person(email: string | null | undefined, name: string | null | undefined): EventPerson {
  return { email: email ?? null, name: name ?? null };
}

function responseOf(status: string | null | undefined): AttendeeResponse {
  return status === 'accepted' || status === 'declined' || status === 'tentative' ? status : 'needsAction';
}

function videoEntryPoint(conference: calendar_v3.Schema$ConferenceData | undefined): string | undefined {
  return conference?.entryPoints?.find((p) => p.entryPointType === 'video' && p.uri)?.uri ?? undefined;
}

// ─── model → Google ───────────────────────────────────────────────────────────────────────

/**
 * The writable body for events.insert (`insert`: null fields left out) or events.update
 * (`replace`). Update "always updates the entire event resource"
 * (https://developers.google.com/calendar/api/v3/reference/events/update): a replace states
 * every field we own, cleared ones as null or empty, so an occurrence never keeps what its
 * series had. Occurrence targeting (occurrenceOf) is the writer's business: it picks the
 * instance id.
 */
export function toGoogleEvent(event: NormalizedEvent, mode: 'insert' | 'replace' = 'insert'): GoogleEvent {
  const body: GoogleEvent = {
    summary: event.title,
    start: toGoogleTime(event.start, 'start'),
    end: toGoogleTime(event.end, 'end'),
    transparency: event.transparency === 'free' ? 'transparent' : 'opaque',
    visibility: event.visibility,
    status: event.status,
  };
  const attendees = event.attendees.filter((a) => a.email).map(toGoogleAttendee);
  if (mode === 'replace') Object.assign(body, { description: null, location: null, attendees: [], extendedProperties: null });
  if (event.description !== null) body.description = event.description;
  if (event.location !== null) body.location = event.location;
  if (event.recurrence && !event.occurrenceOf) body.recurrence = toGoogleRecurrence(event.recurrence, event.start);
  if (attendees.length > 0) body.attendees = attendees;
  if (event.copyMarker) body.extendedProperties = { private: { [COPY_MARKER_KEY]: formatCopyMarker(event.copyMarker) } };
  return body;
}

export function toGoogleTime(time: EventTime, which: 'start' | 'end'): GoogleTime {
  if (time.allDay) return { date: time.date };
  if (!time.timeZone) {
    // Google needs an offset or a zone; guessing one would move the event silently.
    throw new ProviderError('INVALID_REQUEST', `Floating ${which} time ${time.dateTime}: resolve it in the link's zone before writing to Google`, {
      provider: 'google',
    });
  }
  return { dateTime: time.dateTime, timeZone: time.timeZone };
}

function toGoogleRecurrence(recurrence: Recurrence, start: EventTime): string[] {
  const lines = [`RRULE:${recurrence.rule.replace(/^RRULE:/i, '')}`];
  for (const exdate of recurrence.exdates) lines.push(exdateLine(exdate, start));
  return lines;
}

function exdateLine(exdate: EventTime, start: EventTime): string {
  if (exdate.allDay) return `EXDATE;VALUE=DATE:${exdate.date.replace(/-/g, '')}`;
  const zone = exdate.timeZone ?? (start.allDay ? null : start.timeZone) ?? 'UTC';
  const basic = DateTime.fromISO(exdate.dateTime, { zone }).toFormat("yyyyMMdd'T'HHmmss");
  return `EXDATE;TZID=${zone}:${basic}`;
}

function toGoogleAttendee(attendee: EventAttendee): calendar_v3.Schema$EventAttendee {
  const out: calendar_v3.Schema$EventAttendee = { email: attendee.email, responseStatus: attendee.response };
  if (attendee.name !== null) out.displayName = attendee.name;
  if (attendee.optional) out.optional = true;
  return out;
}

// ─── copy marker ──────────────────────────────────────────────────────────────────────────

/**
 * `{"l":linkId,"s":sourceEventId}`. A source id too long for Google's 1024-character value
 * (a long CalDAV href) is replaced by its SHA-256: the marker still says "this is a copy of
 * that link", and the mapping table keeps the real source id.
 */
export function formatCopyMarker(marker: CopyMarker): string {
  const full = JSON.stringify({ l: marker.linkId, s: marker.sourceEventId });
  if (Buffer.byteLength(full, 'utf8') <= MAX_PROPERTY_VALUE_BYTES) return full;
  const hashed = JSON.stringify({ l: marker.linkId, s: `sha256:${createHash('sha256').update(marker.sourceEventId).digest('hex')}` });
  if (Buffer.byteLength(hashed, 'utf8') > MAX_PROPERTY_VALUE_BYTES) {
    throw new ProviderError('INVALID_REQUEST', 'Copy marker link id too long for a Google extended property', { provider: 'google' });
  }
  return hashed;
}

export function parseCopyMarker(value: string | null | undefined): CopyMarker | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as { l?: unknown; s?: unknown };
    return typeof parsed.l === 'string' && typeof parsed.s === 'string' ? { linkId: parsed.l, sourceEventId: parsed.s } : null;
  } catch {
    return null;
  }
}

// ─── time helpers ─────────────────────────────────────────────────────────────────────────

const OFFSET = /(Z|[+-]\d{2}:\d{2})$/i;
const RFC3339_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

function hasOffset(value: string): boolean {
  return OFFSET.test(value);
}

function validZone(zone: string | null | undefined): string | undefined {
  return zone && isKnownTimeZone(zone) ? zone : undefined;
}

/** The instant an event boundary stands for; all-day dates start at midnight in `zone`. */
export function eventTimeMillis(time: EventTime, zone: string): number {
  if (time.allDay) return DateTime.fromISO(time.date, { zone }).toMillis();
  return DateTime.fromISO(time.dateTime, { zone: time.timeZone ?? zone }).toMillis();
}
