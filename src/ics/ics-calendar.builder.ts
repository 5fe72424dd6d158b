import { ICalAlarmType, ICalCalendar, ICalEvent } from 'ical-generator';
import { foldLine } from '../common/text/ical-folding';
import { EventTimes } from './event-times';
import { Person } from './person';

/** Everything that goes into the one VEVENT, already validated and resolved. */
export interface IcsEventData {
  uid: string;
  stamp: Date;
  times: EventTimes;
  title: string;
  description: string;
  location: string;
  url?: string;
  organizer?: Person;
  alarmMinutes?: number;
  /** An RRULE value, e.g. `FREQ=WEEKLY;COUNT=5`. */
  rrule?: string;
  attendees: Person[];
}

export const PRODID = '-//Calendar Bridge//ICS API V2//EN';

/**
 * The VEVENT is built by ical-generator; the envelope and the folding are ours.
 * ical-generator's calendar-level toString() folds by encoding every character with a new
 * TextEncoder (~500 µs per calendar, more than the rest of the endpoint together, see
 * docs/ics.md), while ICalEvent#toString() returns the unfolded lines in ~15 µs.
 * Two of its outputs are corrected here: URI values must not be TEXT-escaped, and the
 * file must end with CRLF (RFC 5545 §3.1: every content line ends with CRLF).
 */
export function buildCalendar(event: IcsEventData): string {
  const envelope = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${PRODID}`,
    // iTIP forbids ATTENDEE in a PUBLISH; with attendees the file is a plain iCalendar
    // object (no METHOD) rather than a meeting request that would send replies.
    ...(event.attendees.length === 0 ? ['METHOD:PUBLISH'] : []),
  ];
  const veventLines = buildEvent(event).toString().split('\r\n').filter(Boolean).map((line) => fixUriValue(line, event.url));
  return [...envelope, ...veventLines, 'END:VCALENDAR'].map(foldLine).join('\r\n') + '\r\n';
}

// ICalEvent needs a parent calendar for defaults; a standalone event is never added to it,
// so one shared, empty instance serves every request.
const PARENT_CALENDAR = new ICalCalendar();

/** RFC 5545 timed events in UTC (so no VTIMEZONE is needed); all-day as VALUE=DATE. */
function buildEvent(event: IcsEventData): ICalEvent {
  const vevent = new ICalEvent(
    {
      id: event.uid,
      stamp: event.stamp,
      start: event.times.start,
      end: event.times.end,
      allDay: event.times.allDay,
      summary: event.title,
      location: event.location,
      description: event.description,
      url: event.url ?? null,
      organizer: event.organizer ? { email: event.organizer.email, name: event.organizer.name ?? event.organizer.email } : null,
      repeating: event.rrule ? `RRULE:${event.rrule}` : null,
    },
    PARENT_CALENDAR,
  );
  for (const attendee of event.attendees) vevent.createAttendee({ email: attendee.email, name: attendee.name });
  if (event.alarmMinutes !== undefined) {
    vevent.createAlarm({ type: ICalAlarmType.display, trigger: event.alarmMinutes * 60, description: event.title });
  }
  return vevent;
}

/** ical-generator TEXT-escapes the URL; a URI value (RFC 5545 §3.3.13) is written as is. */
function fixUriValue(line: string, url: string | undefined): string {
  return url && line.startsWith('URL;VALUE=URI:') ? `URL;VALUE=URI:${url}` : line;
}

export { foldLine };
