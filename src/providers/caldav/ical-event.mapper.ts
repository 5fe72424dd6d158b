import ICAL from 'ical.js';
import { findIana } from 'windows-iana';
import { foldLine, unfoldLines } from '../../common/text/ical-folding';
import type { AttendeeResponse, CopyMarker, EventAttendee, EventPerson, EventTime, NormalizedEvent } from '../calendar-provider';
import { buildVTimezone, isIanaZone } from './vtimezone';

/**
 * NormalizedEvent ↔ iCalendar (RFC 5545) for CalDAV calendar object resources, with ical.js.
 * One resource holds a whole series: the master VEVENT and its modified occurrences
 * (RECURRENCE-ID). In the model those occurrences are events of their own whose id is
 * `<resource URL>#<original start>`, so the sync engine treats all three providers alike.
 */

export const COPY_LINK_PROPERTY = 'x-calendar-bridge-link';
export const COPY_SOURCE_PROPERTY = 'x-calendar-bridge-source';
const PRODID = '-//Calendar Bridge//CalDAV driver//EN';

/** The id of a modified occurrence: the series resource and the occurrence's original start. */
export function occurrenceId(resourceUrl: string, originalStart: EventTime): string {
  return `${resourceUrl}#${timeKey(originalStart)}`;
}

export function splitOccurrenceId(id: string): { resourceUrl: string; occurrenceKey: string | null } {
  const hash = id.indexOf('#');
  return hash < 0 ? { resourceUrl: id, occurrenceKey: null } : { resourceUrl: id.slice(0, hash), occurrenceKey: id.slice(hash + 1) };
}

export function timeKey(time: EventTime): string {
  return time.allDay ? time.date : time.dateTime;
}

// ─── parsing ───────────────────────────────────────────────────────────────────────────────

/**
 * Every event of one calendar object resource: the master (or single event) first, then its
 * modified occurrences. Cancelled occurrences (STATUS:CANCELLED with a RECURRENCE-ID) become
 * EXDATEs of the master, as the model keeps them.
 */
export function parseCalendarObject(ics: string, resourceUrl: string, etag: string | undefined, mailbox: string): NormalizedEvent[] {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const timezoneLocations = readTimezoneLocations(calendar);
  const vevents = calendar.getAllSubcomponents('vevent');
  const master = vevents.find((vevent) => !vevent.hasProperty('recurrence-id'));
  const events: NormalizedEvent[] = [];
  const masterEvent = master ? toEvent(master, resourceUrl, etag, mailbox, timezoneLocations, null) : null;
  if (masterEvent) events.push(masterEvent);
  for (const vevent of vevents) {
    if (vevent === master) continue;
    const originalStart = readTime(vevent.getFirstProperty('recurrence-id'), timezoneLocations);
    if (!originalStart) continue;
    if (String(vevent.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED' && masterEvent?.recurrence) {
      masterEvent.recurrence.exdates.push(originalStart);
      continue;
    }
    events.push(toEvent(vevent, occurrenceId(resourceUrl, originalStart), etag, mailbox, timezoneLocations, { seriesId: resourceUrl, originalStart }));
  }
  return events;
}

function toEvent(
  vevent: ICAL.Component,
  id: string,
  etag: string | undefined,
  mailbox: string,
  timezoneLocations: Map<string, string>,
  occurrenceOf: NormalizedEvent['occurrenceOf'],
): NormalizedEvent {
  const start = readTime(vevent.getFirstProperty('dtstart'), timezoneLocations);
  if (!start) throw new Error('VEVENT without DTSTART');
  const attendees = vevent.getAllProperties('attendee').map(readAttendee);
  const rrule = vevent.getFirstProperty('rrule');
  return {
    id,
    etag,
    iCalUid: stringValue(vevent, 'uid') ?? undefined,
    title: stringValue(vevent, 'summary') ?? '',
    description: stringValue(vevent, 'description'),
    location: stringValue(vevent, 'location'),
    start,
    end: readEnd(vevent, start, timezoneLocations),
    recurrence: rrule && !occurrenceOf ? { rule: canonicalRule(String(rrule.getFirstValue())), exdates: readExdates(vevent, timezoneLocations) } : null,
    occurrenceOf,
    transparency: stringValue(vevent, 'transp')?.toUpperCase() === 'TRANSPARENT' ? 'free' : 'busy',
    visibility: readVisibility(stringValue(vevent, 'class')),
    status: readStatus(stringValue(vevent, 'status')),
    organizer: readPerson(vevent.getFirstProperty('organizer')),
    attendees: attendees.map(({ self: _self, ...attendee }) => attendee),
    selfResponse: attendees.find((attendee) => attendee.email?.toLowerCase() === mailbox.toLowerCase())?.response ?? null,
    onlineMeetingUrl: stringValue(vevent, 'conference') ?? stringValue(vevent, 'x-google-conference') ?? stringValue(vevent, 'x-microsoft-skypeteamsmeetingurl'),
    copyMarker: readCopyMarker(vevent),
    updatedAt: readUpdatedAt(vevent),
  };
}

/** `FREQ=WEEKLY;BYDAY=MO` in ical.js's canonical order, so equal rules compare equal. */
export function canonicalRule(rule: string): string {
  return ICAL.Recur.fromString(rule.replace(/^RRULE:/i, '')).toString();
}

function stringValue(component: ICAL.Component, name: string): string | null {
  const value = component.getFirstPropertyValue(name);
  return value === null || value === undefined ? null : String(value);
}

/** TZID → IANA name for VTIMEZONEs whose TZID is not one (Outlook's "W. Europe Standard Time", Mozilla prefixes). */
function readTimezoneLocations(calendar: ICAL.Component): Map<string, string> {
  const locations = new Map<string, string>();
  for (const vtimezone of calendar.getAllSubcomponents('vtimezone')) {
    const tzid = stringValue(vtimezone, 'tzid');
    const location = stringValue(vtimezone, 'x-lic-location');
    if (tzid && location && isIanaZone(location)) locations.set(tzid, location);
  }
  return locations;
}

export function ianaZoneFor(tzid: string, timezoneLocations: Map<string, string> = new Map()): string | null {
  if (isIanaZone(tzid) && tzid !== 'UTC' && !tzid.startsWith('Etc/')) return tzid;
  if (tzid === 'UTC' || tzid === 'Etc/UTC' || tzid === 'GMT') return 'UTC';
  if (isIanaZone(tzid)) return tzid;
  const located = timezoneLocations.get(tzid);
  if (located) return located;
  const windows = findIana(tzid);
  if (windows && windows.length > 0) return windows[0];
  // "/mozilla.org/20050126_1/Europe/Berlin" and similar: the longest IANA-looking suffix.
  const parts = tzid.split('/');
  for (let index = 1; index < parts.length - 1; index++) {
    const candidate = parts.slice(index).join('/');
    if (isIanaZone(candidate)) return candidate;
  }
  return null;
}

function readTime(property: ICAL.Property | null, timezoneLocations: Map<string, string>): EventTime | null {
  if (!property) return null;
  const value = property.getFirstValue() as ICAL.Time;
  if (!value) return null;
  if (value.isDate) return { allDay: true, date: value.toString() };
  const wallClock = value.toString().replace(/Z$/, '');
  const tzid = property.getParameter('tzid');
  if (typeof tzid === 'string') return { allDay: false, dateTime: wallClock, timeZone: ianaZoneFor(tzid, timezoneLocations) };
  return { allDay: false, dateTime: wallClock, timeZone: value.zone === ICAL.Timezone.utcTimezone ? 'UTC' : null };
}

function readEnd(vevent: ICAL.Component, start: EventTime, timezoneLocations: Map<string, string>): EventTime {
  const end = readTime(vevent.getFirstProperty('dtend'), timezoneLocations);
  if (end) return end;
  const duration = vevent.getFirstPropertyValue('duration') as ICAL.Duration | null;
  const startValue = vevent.getFirstPropertyValue('dtstart') as ICAL.Time;
  const computed = startValue.clone();
  if (duration) computed.addDuration(duration);
  else if (start.allDay) computed.day += 1; // RFC 5545 §3.6.1: an all-day event without DTEND lasts one day
  return start.allDay
    ? { allDay: true, date: computed.toString() }
    : { allDay: false, dateTime: computed.toString().replace(/Z$/, ''), timeZone: start.timeZone };
}

function readExdates(vevent: ICAL.Component, timezoneLocations: Map<string, string>): EventTime[] {
  const exdates: EventTime[] = [];
  for (const property of vevent.getAllProperties('exdate')) {
    const tzid = property.getParameter('tzid');
    for (const value of property.getValues() as ICAL.Time[]) {
      if (value.isDate) exdates.push({ allDay: true, date: value.toString() });
      else {
        const timeZone = typeof tzid === 'string' ? ianaZoneFor(tzid, timezoneLocations) : value.zone === ICAL.Timezone.utcTimezone ? 'UTC' : null;
        exdates.push({ allDay: false, dateTime: value.toString().replace(/Z$/, ''), timeZone });
      }
    }
  }
  return exdates;
}

function readPerson(property: ICAL.Property | null): EventPerson | null {
  if (!property) return null;
  const cn = property.getParameter('cn');
  return { email: mailtoAddress(String(property.getFirstValue() ?? '')), name: typeof cn === 'string' ? cn : null };
}

function readAttendee(property: ICAL.Property): EventAttendee & { self: boolean } {
  const person = readPerson(property) ?? { email: null, name: null };
  const partstat = String(property.getParameter('partstat') ?? 'NEEDS-ACTION').toUpperCase();
  return {
    ...person,
    response: PARTSTAT_TO_RESPONSE[partstat] ?? 'needsAction',
    optional: String(property.getParameter('role') ?? '').toUpperCase() === 'OPT-PARTICIPANT',
    self: false,
  };
}

function mailtoAddress(value: string): string | null {
  const address = value.toLowerCase().startsWith('mailto:') ? value.slice(7) : value;
  return address.length > 0 ? address : null;
}

const PARTSTAT_TO_RESPONSE: Record<string, AttendeeResponse> = {
  ACCEPTED: 'accepted',
  DECLINED: 'declined',
  TENTATIVE: 'tentative',
  'NEEDS-ACTION': 'needsAction',
};
const RESPONSE_TO_PARTSTAT: Record<AttendeeResponse, string> = {
  accepted: 'ACCEPTED',
  declined: 'DECLINED',
  tentative: 'TENTATIVE',
  needsAction: 'NEEDS-ACTION',
};

function readVisibility(value: string | null): NormalizedEvent['visibility'] {
  switch (value?.toUpperCase()) {
    case 'PUBLIC':
      return 'public';
    case 'PRIVATE':
    case 'CONFIDENTIAL':
      return 'private';
    default:
      return 'default';
  }
}

function readStatus(value: string | null): NormalizedEvent['status'] {
  switch (value?.toUpperCase()) {
    case 'TENTATIVE':
      return 'tentative';
    case 'CANCELLED':
      return 'cancelled';
    default:
      return 'confirmed';
  }
}

function readCopyMarker(vevent: ICAL.Component): CopyMarker | null {
  const linkId = stringValue(vevent, COPY_LINK_PROPERTY);
  const sourceEventId = stringValue(vevent, COPY_SOURCE_PROPERTY);
  return linkId && sourceEventId ? { linkId, sourceEventId } : null;
}

function readUpdatedAt(vevent: ICAL.Component): string | undefined {
  const value = (vevent.getFirstPropertyValue('last-modified') ?? vevent.getFirstPropertyValue('dtstamp')) as ICAL.Time | null;
  return value ? value.toJSDate().toISOString() : undefined;
}

// ─── writing ───────────────────────────────────────────────────────────────────────────────

/**
 * A whole calendar object resource: the master (or single event) and its modified occurrences,
 * with a VTIMEZONE for every zone they use.
 */
export function buildCalendarObject(uid: string, master: NormalizedEvent, occurrences: NormalizedEvent[] = []): string {
  const calendar = new ICAL.Component('vcalendar');
  calendar.addPropertyWithValue('prodid', PRODID);
  calendar.addPropertyWithValue('version', '2.0');
  for (const zone of zonesUsed([master, ...occurrences])) {
    calendar.addSubcomponent(new ICAL.Component(ICAL.parse(buildVTimezone(zone, referenceYear(master)))));
  }
  calendar.addSubcomponent(toVevent(uid, master, null));
  for (const occurrence of occurrences) {
    if (occurrence.occurrenceOf) calendar.addSubcomponent(toVevent(uid, occurrence, occurrence.occurrenceOf.originalStart));
  }
  return serialize(calendar);
}

/** Replaces (or adds) one modified occurrence inside an existing resource's text. */
export function upsertOccurrence(ics: string, occurrence: NormalizedEvent): string {
  if (!occurrence.occurrenceOf) throw new Error('not an occurrence');
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const master = calendar.getAllSubcomponents('vevent').find((vevent) => !vevent.hasProperty('recurrence-id'));
  if (!master) throw new Error('series resource without a master VEVENT');
  const uid = String(master.getFirstPropertyValue('uid'));
  removeOccurrenceComponent(calendar, timeKey(occurrence.occurrenceOf.originalStart));
  for (const zone of zonesUsed([occurrence])) addTimezoneIfMissing(calendar, zone, occurrence);
  calendar.addSubcomponent(toVevent(uid, occurrence, occurrence.occurrenceOf.originalStart));
  return serialize(calendar);
}

/** Replaces the master VEVENT of an existing resource, keeping its UID and its occurrences. */
export function replaceMaster(ics: string, master: NormalizedEvent): string {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const existing = calendar.getAllSubcomponents('vevent').find((vevent) => !vevent.hasProperty('recurrence-id'));
  const uid = existing ? String(existing.getFirstPropertyValue('uid')) : undefined;
  if (!existing || !uid) throw new Error('resource without a master VEVENT');
  calendar.removeSubcomponent(existing);
  for (const zone of zonesUsed([master])) addTimezoneIfMissing(calendar, zone, master);
  calendar.addSubcomponent(toVevent(uid, master, null));
  return serialize(calendar);
}

/** Cancels one occurrence: drops its modified VEVENT (if any) and adds an EXDATE to the master. */
export function cancelOccurrence(ics: string, occurrenceKey: string): string {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const removed = removeOccurrenceComponent(calendar, occurrenceKey);
  const master = calendar.getAllSubcomponents('vevent').find((vevent) => !vevent.hasProperty('recurrence-id'));
  if (!master) throw new Error('series resource without a master VEVENT');
  const startProperty = master.getFirstProperty('dtstart');
  const originalStart: EventTime = removed ?? keyToTime(occurrenceKey, startProperty?.getParameter('tzid'));
  // Cancelling twice (the series update already carried the EXDATE) must not list the date twice.
  if (!readExdates(master, new Map()).some((exdate) => timeKey(exdate) === occurrenceKey)) master.addProperty(timeProperty('exdate', originalStart));
  return serialize(calendar);
}

/** ical.js folds at 75 characters plus the continuation space; RFC 5545 wants 75 octets in all. */
function serialize(calendar: ICAL.Component): string {
  return unfoldLines(calendar.toString()).filter((line) => line.length > 0).map(foldLine).join('\r\n') + '\r\n';
}

function keyToTime(key: string, tzid: unknown): EventTime {
  return key.includes('T') ? { allDay: false, dateTime: key, timeZone: typeof tzid === 'string' ? tzid : null } : { allDay: true, date: key };
}

function removeOccurrenceComponent(calendar: ICAL.Component, occurrenceKey: string): EventTime | null {
  for (const vevent of calendar.getAllSubcomponents('vevent')) {
    const property = vevent.getFirstProperty('recurrence-id');
    const time = readTime(property, new Map());
    if (time && timeKey(time) === occurrenceKey) {
      calendar.removeSubcomponent(vevent);
      return time;
    }
  }
  return null;
}

function addTimezoneIfMissing(calendar: ICAL.Component, zone: string, event: NormalizedEvent): void {
  const present = calendar.getAllSubcomponents('vtimezone').some((vtimezone) => stringValue(vtimezone, 'tzid') === zone);
  if (!present) calendar.addSubcomponent(new ICAL.Component(ICAL.parse(buildVTimezone(zone, referenceYear(event)))));
}

function toVevent(uid: string, event: NormalizedEvent, recurrenceId: EventTime | null): ICAL.Component {
  const vevent = new ICAL.Component('vevent');
  vevent.addPropertyWithValue('uid', uid);
  vevent.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(new Date(), true));
  if (event.updatedAt) vevent.addPropertyWithValue('last-modified', ICAL.Time.fromJSDate(new Date(event.updatedAt), true));
  if (recurrenceId) vevent.addProperty(timeProperty('recurrence-id', recurrenceId));
  vevent.addProperty(timeProperty('dtstart', event.start));
  vevent.addProperty(timeProperty('dtend', event.end));
  vevent.addPropertyWithValue('summary', event.title);
  if (event.description !== null) vevent.addPropertyWithValue('description', event.description);
  if (event.location !== null) vevent.addPropertyWithValue('location', event.location);
  if (event.recurrence && !recurrenceId) {
    vevent.addPropertyWithValue('rrule', ICAL.Recur.fromString(event.recurrence.rule.replace(/^RRULE:/i, '')));
    for (const exdate of event.recurrence.exdates) vevent.addProperty(timeProperty('exdate', exdate));
  }
  vevent.addPropertyWithValue('transp', event.transparency === 'free' ? 'TRANSPARENT' : 'OPAQUE');
  if (event.visibility !== 'default') vevent.addPropertyWithValue('class', event.visibility === 'private' ? 'PRIVATE' : 'PUBLIC');
  vevent.addPropertyWithValue('status', event.status.toUpperCase());
  if (event.organizer) vevent.addProperty(personProperty('organizer', event.organizer));
  for (const attendee of event.attendees) {
    const property = personProperty('attendee', attendee);
    property.setParameter('partstat', RESPONSE_TO_PARTSTAT[attendee.response]);
    if (attendee.optional) property.setParameter('role', 'OPT-PARTICIPANT');
    vevent.addProperty(property);
  }
  if (event.onlineMeetingUrl) {
    const conference = new ICAL.Property('conference');
    conference.setParameter('value', 'URI');
    conference.setValue(event.onlineMeetingUrl);
    vevent.addProperty(conference);
  }
  if (event.copyMarker) {
    vevent.addPropertyWithValue(COPY_LINK_PROPERTY, event.copyMarker.linkId);
    vevent.addPropertyWithValue(COPY_SOURCE_PROPERTY, event.copyMarker.sourceEventId);
  }
  return vevent;
}

function timeProperty(name: string, time: EventTime): ICAL.Property {
  const property = new ICAL.Property(name);
  if (time.allDay) {
    property.resetType('date');
    property.setValue(ICAL.Time.fromDateString(time.date));
    return property;
  }
  const value = ICAL.Time.fromDateTimeString(time.dateTime);
  if (time.timeZone === 'UTC') value.zone = ICAL.Timezone.utcTimezone;
  else if (time.timeZone) property.setParameter('tzid', time.timeZone);
  property.setValue(value);
  return property;
}

function personProperty(name: string, person: EventPerson): ICAL.Property {
  const property = new ICAL.Property(name);
  property.setValue(`mailto:${person.email ?? ''}`);
  if (person.name) property.setParameter('cn', person.name);
  return property;
}

function zonesUsed(events: NormalizedEvent[]): string[] {
  const zones = new Set<string>();
  for (const event of events) {
    const times = [event.start, event.end, ...(event.recurrence?.exdates ?? []), ...(event.occurrenceOf ? [event.occurrenceOf.originalStart] : [])];
    for (const time of times) if (!time.allDay && time.timeZone && time.timeZone !== 'UTC') zones.add(time.timeZone);
  }
  return [...zones];
}

function referenceYear(event: NormalizedEvent): number {
  return Number((event.start.allDay ? event.start.date : event.start.dateTime).slice(0, 4));
}
