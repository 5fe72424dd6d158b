import type { Attendee, Location, PatternedRecurrence, Recipient } from '@microsoft/microsoft-graph-types';

export interface Directory {
  tenantId: string;
  displayName: string;
  /** Verified domains; mailboxes whose address ends in one of them belong here. */
  domains: string[];
}

export interface Mailbox {
  id: string;
  email: string;
  displayName: string;
  /** Windows or IANA zone, reported by mailboxSettings. */
  timeZone: string;
  tenantId: string;
  defaultCalendarId: string;
}

export interface CalendarRecord {
  id: string;
  mailboxId: string;
  name: string;
  isDefault: boolean;
  changeKey: string;
  color: string;
  hexColor: string;
  /**
   * Set on a calendar another user shared into this mailbox: who owns it, and whether the share
   * lets this mailbox edit (Graph's `canEdit`; false for a read-only share). Absent: the mailbox's own.
   */
  sharedBy?: { name: string; address: string; canEdit: boolean };
}

export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

export interface ExtendedProperty {
  id: string;
  value: string;
}

export type ShowAs = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';
export type Sensitivity = 'normal' | 'personal' | 'private' | 'confidential';
export type Importance = 'low' | 'normal' | 'high';

/** The writable part of an event, kept in Graph's JSON names. */
export interface EventFields {
  subject: string;
  body: { contentType: 'text' | 'html'; content: string };
  start: DateTimeTimeZone;
  end: DateTimeTimeZone;
  isAllDay: boolean;
  location: Location;
  locations: Location[];
  showAs: ShowAs;
  sensitivity: Sensitivity;
  importance: Importance;
  isCancelled: boolean;
  categories: string[];
  attendees: Attendee[];
  organizer: Recipient;
  isReminderOn: boolean;
  reminderMinutesBeforeStart: number;
  responseRequested: boolean;
  allowNewTimeProposals: boolean;
  hideAttendees: boolean;
  isOnlineMeeting: boolean;
  onlineMeetingProvider: string;
  recurrence: PatternedRecurrence | null;
}

/** A modified occurrence: only the fields that differ from the master are kept. */
export interface ExceptionRecord {
  dateKey: string;
  overrides: Partial<EventFields>;
  extendedProperties: ExtendedProperty[];
  changeKey: string;
  lastModifiedDateTime: string;
}

export interface StoredEvent {
  id: string;
  mailboxId: string;
  calendarId: string;
  iCalUId: string;
  changeKey: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  transactionId: string | null;
  fields: EventFields;
  extendedProperties: ExtendedProperty[];
  /** Series masters only: modified occurrences by local date (yyyy-MM-dd). */
  exceptions: Map<string, ExceptionRecord>;
  /** Series masters only: deleted occurrences by local date. */
  cancelledDates: Set<string>;
  onlineMeetingJoinUrl: string | null;
}

export type ViewItemKind = 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';

/** One row of a calendar view: a single event or one expanded occurrence of a series. */
export interface ViewItem {
  id: string;
  kind: ViewItemKind;
  event: StoredEvent;
  fields: EventFields;
  extendedProperties: ExtendedProperty[];
  changeKey: string;
  lastModifiedDateTime: string;
  startMs: number;
  endMs: number;
  dateKey?: string;
  originalStartMs?: number;
}

export type Principal =
  | { kind: 'user'; mailboxId: string; tenantId: string; clientId: string; scopes: string[]; grantId: string }
  | { kind: 'app'; tenantId: string; clientId: string; roles: string[] };
