import type { calendar_v3 } from 'googleapis';

/** The public Event resource; reusing googleapis' own types keeps shapes honest. */
export type EventResource = calendar_v3.Schema$Event;
export type EventDateTime = calendar_v3.Schema$EventDateTime;

export interface Mailbox {
  email: string;
  displayName: string;
  timeZone: string;
  createdAt: string;
}

export interface StoredEvent {
  calendarId: string;
  /** Global change sequence of the last modification; drives sync tokens and paging. */
  seq: number;
  /** The full resource as Google would return it from events.get. */
  resource: EventResource & { id: string };
}

/** calendarList accessRole: https://developers.google.com/calendar/api/v3/reference/calendarList */
export const ACCESS_ROLES = ['owner', 'writer', 'reader', 'freeBusyReader'] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];

export interface Calendar {
  id: string;
  owner: string;
  /** Other mailboxes this calendar is shared with (ACL rules of scope type user), by email. */
  sharedWith?: Record<string, AccessRole>;
  summary: string;
  description?: string;
  timeZone: string;
  primary: boolean;
  /** Random per creation, so tokens never survive a reset that recreates the same id. */
  uid: string;
  /** Bumped to invalidate every sync token issued for this calendar. */
  syncEpoch: number;
  etagVersion: number;
  events: Map<string, StoredEvent>;
  /** OAuth client that created it through calendars.insert (what calendar.app.created reaches). */
  createdByClient?: string;
}

export interface MailboxInput {
  email: string;
  displayName?: string;
  timeZone?: string;
}

export interface CalendarInput {
  id?: string;
  createdByClient?: string;
  summary?: string;
  description?: string;
  timeZone?: string;
}

/** A seeded event may carry instance overrides for its series. */
export type SeedEvent = EventResource & {
  exceptions?: (EventResource & { originalStartTime: EventDateTime })[];
};

export interface QuotaConfig {
  /** Requests per window per mailbox; 0 disables throttling. */
  requestsPerMinute?: number;
  windowMs?: number;
  /** 403 (usageLimits/rateLimitExceeded, the classic Calendar answer) or 429. */
  status?: 403 | 429;
  reason?: 'rateLimitExceeded' | 'userRateLimitExceeded';
  /** Google does not document Retry-After for Calendar; opt in to send one. */
  retryAfterHeader?: boolean;
}

export const CALENDAR_SCOPES = {
  full: 'https://www.googleapis.com/auth/calendar',
  readonly: 'https://www.googleapis.com/auth/calendar.readonly',
  events: 'https://www.googleapis.com/auth/calendar.events',
  eventsReadonly: 'https://www.googleapis.com/auth/calendar.events.readonly',
} as const;
