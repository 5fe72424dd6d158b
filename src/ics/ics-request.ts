import { IANAZone } from 'luxon';
import { WallClock } from './iso-datetime';
import { Person } from './person';
import { RecurrenceRule } from './rrule';

/** Wire names of the request fields, in the order they are checked. */
export const ICS_FIELDS = {
  action: 'action',
  title: 'event-title',
  description: 'event-description',
  location: 'event-location',
  start: 'event-start-datetime',
  end: 'event-end-datetime',
  timezone: 'event-timezone',
  allDay: 'all-day-event',
  url: 'event-url',
  organizer: 'event-organizer',
  alarmMinutes: 'event-alarm-minutes',
  rrule: 'event-rrule',
  attendees: 'event-attendees',
} as const;

export const KNOWN_FIELDS: ReadonlySet<string> = new Set(Object.values(ICS_FIELDS));

export const LIMITS = {
  title: 1000,
  description: 20000,
  location: 1000,
  dateTime: 64,
  timezone: 64,
  url: 2000,
  /** One organizer or attendee text, `Name <e-mail>`: checked before it is parsed. */
  person: 1000,
  rrule: 500,
  alarmMinutes: 40320,
  attendees: 100,
} as const;

/** A request that passed validation: times still on the wall clock of `timezone`. */
export interface IcsEventRequest {
  title: string;
  description: string;
  location: string;
  start: WallClock;
  end: WallClock;
  timezone: IANAZone;
  allDay: boolean;
  url?: string;
  organizer?: Person;
  alarmMinutes?: number;
  rrule?: RecurrenceRule;
  attendees: Person[];
}
