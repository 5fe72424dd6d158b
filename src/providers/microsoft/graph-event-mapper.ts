import { DateTime } from 'luxon';
import type { Attendee, Event as GraphEvent } from '@microsoft/microsoft-graph-types';
import type { AttendeeResponse, CopyMarker, EventAttendee, EventTime, NormalizedEvent, Recurrence } from '../calendar-provider';
import { ProviderError } from '../provider-errors';
import { graphZoneOf, ianaZoneOf } from './graph-time-zones';
import { recurrenceFromGraph, recurrenceToGraph } from './graph-recurrence-mapper';

/**
 * Graph event JSON ↔ the normalized model (https://learn.microsoft.com/en-us/graph/api/resources/event).
 *
 * Times: Graph answers in UTC (we send no `Prefer: outlook.timezone`) and tells the zone the event
 * was written in through originalStartTimeZone/originalEndTimeZone; the model gets the wall clock in
 * that zone (Windows names become IANA), so a series keeps its local time across DST and an event
 * written in "W. Europe Standard Time" reads back as Europe/Berlin and is written back as the same
 * Windows name. All-day events are dates with an exclusive end.
 *
 * What Graph cannot hold or will not let a client write (see docs/decisions.md): visibility
 * 'public' (sensitivity has no such value: written as normal, read as 'default'); status
 * 'cancelled' and the owner's own response (isCancelled and responseStatus are read-only, they
 * change through cancel/accept actions); the organizer (always the mailbox on create); a join URL
 * (onlineMeeting is created by Teams, not given); attendee responses.
 */

/** The copy marker: one single-value extended property in our own GUID namespace. */
export const COPY_MARKER_PROPERTY_ID = 'String {3d5a8f2e-6b1c-4e79-a0d4-9c2e7f1b5a63} Name CalendarBridgeCopy';

/** Everything the mapper reads, so that list/get ask for exactly this ($select). */
export const EVENT_SELECT = [
  'id', 'iCalUId', 'changeKey', 'lastModifiedDateTime', 'subject', 'body', 'location', 'start', 'end', 'isAllDay',
  'originalStartTimeZone', 'originalEndTimeZone', 'showAs', 'sensitivity', 'isCancelled', 'isOrganizer', 'responseStatus',
  'organizer', 'attendees', 'onlineMeeting', 'onlineMeetingUrl', 'recurrence', 'type', 'seriesMasterId', 'originalStart',
].join(',');

/** Masters also answer cancelledOccurrences, which Graph returns only when $select names it. */
export const MASTER_SELECT = `${EVENT_SELECT},cancelledOccurrences`;

export const EXPAND_COPY_MARKER = `singleValueExtendedProperties($filter=id eq '${COPY_MARKER_PROPERTY_ID}')`;

export type GraphEventJson = GraphEvent & {
  '@odata.etag'?: string;
  cancelledOccurrences?: string[] | null;
  singleValueExtendedProperties?: { id?: string; value?: string }[] | null;
};

const WALL_CLOCK = "yyyy-MM-dd'T'HH:mm:ss";

// ─── Graph → model ─────────────────────────────────────────────────────────────────────────

function instantOf(value: { dateTime?: string | null; timeZone?: string | null } | null | undefined): DateTime {
  const zone = ianaZoneOf(value?.timeZone) ?? 'UTC';
  const parsed = DateTime.fromISO(value?.dateTime ?? '', { zone });
  if (!parsed.isValid) throw new ProviderError('INVALID_REQUEST', `Graph returned an unreadable time ${String(value?.dateTime)}`, { provider: 'microsoft' });
  return parsed;
}

function eventTimeFromGraph(value: GraphEvent['start'], allDay: boolean, originalZone: string | null | undefined): EventTime {
  if (allDay) return { allDay: true, date: (value?.dateTime ?? '').slice(0, 10) };
  const zone = ianaZoneOf(originalZone) ?? ianaZoneOf(value?.timeZone) ?? 'UTC';
  return { allDay: false, dateTime: instantOf(value).setZone(zone).toFormat(WALL_CLOCK), timeZone: zone };
}

/** originalStart is an instant (DateTimeOffset); the model wants it as the series' own start kind. */
function originalStartFromGraph(event: GraphEventJson): EventTime {
  const zone = ianaZoneOf(event.originalStartTimeZone) ?? 'UTC';
  const instant = DateTime.fromISO(event.originalStart ?? '', { setZone: true }).setZone(zone);
  if (event.isAllDay) return { allDay: true, date: instant.toISODate()! };
  return { allDay: false, dateTime: instant.toFormat(WALL_CLOCK), timeZone: zone };
}

function responseFromGraph(response: string | null | undefined): AttendeeResponse {
  switch (response) {
    case 'accepted':
      return 'accepted';
    case 'declined':
      return 'declined';
    case 'tentativelyAccepted':
      return 'tentative';
    default:
      return 'needsAction';
  }
}

function textOf(body: GraphEvent['body']): string | null {
  const content = body?.content ?? '';
  const text = body?.contentType === 'html' ? htmlToText(content) : content;
  return text === '' ? null : text;
}

/** HTML → text for bodies Graph returns as HTML despite Prefer: outlook.body-content-type="text". Linear regexes only. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(?:br|\/p|\/div)\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

function copyMarkerFromGraph(event: GraphEventJson): CopyMarker | null {
  const property = event.singleValueExtendedProperties?.find((p) => p.id?.toLowerCase() === COPY_MARKER_PROPERTY_ID.toLowerCase());
  if (!property?.value) return null;
  try {
    const parsed = JSON.parse(property.value) as Partial<CopyMarker>;
    return typeof parsed.linkId === 'string' && typeof parsed.sourceEventId === 'string' ? { linkId: parsed.linkId, sourceEventId: parsed.sourceEventId } : null;
  } catch {
    return null;
  }
}

/** cancelledOccurrences are "OID.{seriesMasterId}.{yyyy-MM-dd}": the local date of the cancelled start. */
function exdatesFromGraph(event: GraphEventJson, start: EventTime): EventTime[] {
  const dates = (event.cancelledOccurrences ?? []).map((oid) => oid.slice(oid.lastIndexOf('.') + 1)).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
  return [...new Set(dates)].sort().map((date) => (start.allDay ? { allDay: true, date } : { allDay: false, dateTime: `${date}${start.dateTime.slice(10)}`, timeZone: start.timeZone }));
}

export function eventFromGraph(event: GraphEventJson): NormalizedEvent {
  const allDay = event.isAllDay === true;
  const start = eventTimeFromGraph(event.start, allDay, event.originalStartTimeZone);
  const end = eventTimeFromGraph(event.end, allDay, event.originalEndTimeZone ?? event.originalStartTimeZone);
  const recurrence: Recurrence | null =
    event.type === 'seriesMaster' && event.recurrence ? { rule: recurrenceFromGraph(event.recurrence, start), exdates: exdatesFromGraph(event, start) } : null;
  const ownResponse = event.responseStatus?.response;
  return {
    id: event.id ?? undefined,
    etag: event['@odata.etag'],
    iCalUid: event.iCalUId ?? undefined,
    title: event.subject ?? '',
    description: textOf(event.body),
    location: event.location?.displayName || null,
    start,
    end,
    recurrence,
    occurrenceOf: event.type === 'exception' && event.seriesMasterId ? { seriesId: event.seriesMasterId, originalStart: originalStartFromGraph(event) } : null,
    transparency: event.showAs === 'free' ? 'free' : 'busy',
    visibility: event.sensitivity === 'private' || event.sensitivity === 'confidential' || event.sensitivity === 'personal' ? 'private' : 'default',
    status: event.isCancelled ? 'cancelled' : event.showAs === 'tentative' ? 'tentative' : 'confirmed',
    organizer: event.organizer?.emailAddress ? { email: event.organizer.emailAddress.address ?? null, name: event.organizer.emailAddress.name ?? null } : null,
    attendees: (event.attendees ?? []).map(attendeeFromGraph),
    selfResponse: event.isOrganizer || !ownResponse || ownResponse === 'organizer' || ownResponse === 'none' ? null : responseFromGraph(ownResponse),
    onlineMeetingUrl: event.onlineMeeting?.joinUrl ?? event.onlineMeetingUrl ?? null,
    copyMarker: copyMarkerFromGraph(event),
    updatedAt: event.lastModifiedDateTime ?? undefined,
  };
}

function attendeeFromGraph(attendee: Attendee): EventAttendee {
  return {
    email: attendee.emailAddress?.address ?? null,
    name: attendee.emailAddress?.name ?? null,
    response: responseFromGraph(attendee.status?.response),
    optional: attendee.type === 'optional',
  };
}

// ─── model → Graph ─────────────────────────────────────────────────────────────────────────

function eventTimeToGraph(value: EventTime): { dateTime: string; timeZone: string } {
  // Graph wants all-day events as midnight to midnight; the zone does not move a date.
  if (value.allDay) return { dateTime: `${value.date}T00:00:00`, timeZone: 'UTC' };
  return { dateTime: value.dateTime, timeZone: graphZoneOf(value.timeZone ?? 'UTC') };
}

function showAsOf(event: NormalizedEvent): 'free' | 'tentative' | 'busy' {
  if (event.status === 'tentative') return 'tentative';
  return event.transparency === 'free' ? 'free' : 'busy';
}

/** The writable part of an event, for POST (create) and PATCH (update, or an occurrence made an exception). */
export function eventToGraph(event: NormalizedEvent, options: { asOccurrence?: boolean } = {}): Record<string, unknown> {
  if (event.start.allDay !== event.end.allDay) throw new ProviderError('INVALID_REQUEST', 'An event cannot start all-day and end at a time', { provider: 'microsoft' });
  const body: Record<string, unknown> = {
    subject: event.title,
    body: { contentType: 'text', content: event.description ?? '' },
    location: { displayName: event.location ?? '' },
    start: eventTimeToGraph(event.start),
    end: eventTimeToGraph(event.end),
    isAllDay: event.start.allDay,
    showAs: showAsOf(event),
    sensitivity: event.visibility === 'private' ? 'private' : 'normal',
    attendees: event.attendees
      .filter((a) => a.email)
      .map((a) => ({ emailAddress: { address: a.email, ...(a.name ? { name: a.name } : {}) }, type: a.optional ? 'optional' : 'required' })),
  };
  if (!options.asOccurrence && event.recurrence) body.recurrence = recurrenceToGraph(event.recurrence.rule, event.start);
  if (event.copyMarker) {
    body.singleValueExtendedProperties = [{ id: COPY_MARKER_PROPERTY_ID, value: JSON.stringify({ linkId: event.copyMarker.linkId, sourceEventId: event.copyMarker.sourceEventId }) }];
  }
  return body;
}
