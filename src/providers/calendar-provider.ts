import type { ProviderName } from './provider-errors';

/**
 * The CalendarProvider port and the normalized event model. The sync engine (Links,
 * Connections, destination calendars) only ever sees these types; each driver (google/,
 * microsoft/, caldav/) maps them to and from its provider's wire format and throws
 * ProviderError (provider-errors.ts), never an HTTP exception.
 */

// ─── Normalized event model ────────────────────────────────────────────────────────────────

/**
 * A point in an event's time line. Timed values keep the wall clock and its IANA zone (not an
 * instant), so recurring series keep their local time across DST and Windows zone names from
 * Graph round-trip through IANA. All-day values are dates; an end date is exclusive (RFC 5545).
 */
export type EventTime =
  | { allDay: true; date: string /* YYYY-MM-DD */ }
  | {
      allDay: false;
      /** Wall clock, `YYYY-MM-DDTHH:mm:ss`, no offset. */
      dateTime: string;
      /** IANA zone name; null for a floating time (CalDAV without TZID: the link's sourceTz applies). */
      timeZone: string | null;
    };

export interface Recurrence {
  /** The RRULE value without the `RRULE:` prefix, e.g. `FREQ=WEEKLY;BYDAY=MO;COUNT=10`. */
  rule: string;
  /** Original starts of cancelled occurrences (EXDATE), in the series' own zone. */
  exdates: EventTime[];
}

export interface EventPerson {
  email: string | null;
  name: string | null;
}

export type AttendeeResponse = 'accepted' | 'declined' | 'tentative' | 'needsAction';

export interface EventAttendee extends EventPerson {
  response: AttendeeResponse;
  optional: boolean;
}

/** The mark every copy carries so that it is never copied again (A→B plus B→A never loops). */
export interface CopyMarker {
  /** The link (or connection) that made the copy. */
  linkId: string;
  /** The source event's provider id (for an occurrence: the series id + original start, see occurrenceOf). */
  sourceEventId: string;
}

export interface NormalizedEvent {
  /** Provider id; absent on events we are about to create. */
  id?: string;
  etag?: string;
  /** iCalendar UID as the provider reports it (Graph: per occurrence; Google and CalDAV: per series). */
  iCalUid?: string;
  title: string;
  description: string | null;
  location: string | null;
  start: EventTime;
  end: EventTime;
  /** Present on series masters only. */
  recurrence: Recurrence | null;
  /** A modified occurrence of a series: the series' provider id and the occurrence's original start. */
  occurrenceOf: { seriesId: string; originalStart: EventTime } | null;
  /** Whether the event blocks time (Google transparency, Graph showAs, iCalendar TRANSP). */
  transparency: 'busy' | 'free';
  visibility: 'default' | 'public' | 'private';
  status: 'confirmed' | 'tentative' | 'cancelled';
  organizer: EventPerson | null;
  attendees: EventAttendee[];
  /** The calendar owner's own answer to the invitation, when the owner is an attendee. */
  selfResponse: AttendeeResponse | null;
  /** Online-meeting join link (Meet, Teams, or a URL the provider exposes). */
  onlineMeetingUrl: string | null;
  copyMarker: CopyMarker | null;
  /** Last modification at the provider (ISO 8601 instant), for last-writer-wins in two-way sync. */
  updatedAt?: string;
}

// ─── Access: who we act as ─────────────────────────────────────────────────────────────────

/** Organisation-level (delegated) or user-level credentials, already unsealed. */
export type ProviderCredentials =
  /** Google Workspace domain-wide delegation: JWT-bearer grant with `sub` = the mailbox. */
  | { kind: 'google-service-account'; clientEmail: string; privateKey: string }
  /** A user's own Google OAuth grant. */
  | { kind: 'google-oauth'; refreshToken: string; accessToken?: string; accessTokenExpiresAt?: number }
  /** Microsoft app-only access: client-credentials grant against the organisation's tenant, `/users/{upn}`. */
  | { kind: 'microsoft-app'; tenantId: string; clientId: string; clientSecret: string }
  /** A user's own Microsoft OAuth grant (`/me`). */
  | { kind: 'microsoft-oauth'; refreshToken: string; accessToken?: string; accessTokenExpiresAt?: number }
  /** CalDAV basic auth (admin credentials with a calendar-home template, or a user's app password). */
  | { kind: 'caldav-basic'; serverUrl: string; username: string; password: string; calendarHomeTemplate?: string };

export interface CalendarAccess {
  /** The mailbox acted for: e-mail / UPN, or the CalDAV user. */
  mailbox: string;
  credentials: ProviderCredentials;
  /** Called when a user grant's tokens were refreshed (rotation): the caller seals and stores them. */
  onTokensRefreshed?: (tokens: OAuthTokens) => Promise<void>;
}

// ─── Operations ────────────────────────────────────────────────────────────────────────────

export interface MailboxInfo {
  mailbox: string;
  primaryCalendarId: string;
  /** The mailbox's default zone (IANA) when the provider tells it. */
  timeZone: string | null;
}

export interface CalendarInfo {
  /** Provider calendar id (CalDAV: the collection URL). */
  id: string;
  name: string;
  primary: boolean;
  readOnly: boolean;
  timeZone: string | null;
}

export interface TimeWindow {
  /** ISO 8601 instants. */
  start: string;
  end: string;
}

/** An opaque incremental cursor: Google syncToken, Graph deltaLink, CalDAV sync-token / ctag+etags. */
export type SyncCursor = string;

export interface FullListing {
  events: NormalizedEvent[];
  /** Where the next incremental listing starts. */
  cursor: SyncCursor;
}

export interface ChangeListing {
  /** Created or updated events (series masters, modified occurrences, single events). */
  changed: NormalizedEvent[];
  /** Provider ids of events removed (or cancelled) since the cursor. */
  removed: string[];
  cursor: SyncCursor;
}

export type WriteOperation =
  /** `key` is deterministic (e.g. hash of link + source id): a retried create never makes a second event. */
  | { op: 'create'; key: string; event: NormalizedEvent }
  | { op: 'update'; id: string; event: NormalizedEvent }
  | { op: 'delete'; id: string };

/** One result per operation, in the order of the operations. */
export type WriteResult =
  | { ok: true; id: string; etag?: string }
  | { ok: false; error: import('./provider-errors').ProviderError };

export interface Subscription {
  id: string;
  /** Google: the channel's resourceId (needed to stop it). */
  resourceId?: string;
  expiresAt: string;
}

export interface CalendarProvider {
  readonly name: ProviderName;
  /** The mailbox exists and we may act for it; its primary calendar. MAILBOX_NOT_FOUND otherwise. */
  resolveMailbox(access: CalendarAccess): Promise<MailboxInfo>;
  listCalendars(access: CalendarAccess): Promise<CalendarInfo[]>;
  /** Every event in the window (series as masters + exceptions, never expanded), and a cursor. */
  listEvents(access: CalendarAccess, calendarId: string, window: TimeWindow): Promise<FullListing>;
  /** Changes since `cursor`; SYNC_CURSOR_EXPIRED when the provider forgot it (then list in full). */
  listChanges(access: CalendarAccess, calendarId: string, cursor: SyncCursor, window: TimeWindow): Promise<ChangeListing>;
  /** Batched, paced writes; per-item results. Throws only when the whole batch failed (e.g. AUTH_REVOKED). */
  writeEvents(access: CalendarAccess, calendarId: string, operations: WriteOperation[]): Promise<WriteResult[]>;
  /** Push notifications where the provider has them. */
  subscribe?(access: CalendarAccess, calendarId: string, webhookUrl: string, clientState: string): Promise<Subscription>;
  renewSubscription?(access: CalendarAccess, subscription: Subscription): Promise<Subscription>;
  unsubscribe?(access: CalendarAccess, subscription: Subscription): Promise<void>;
}

// ─── User OAuth (Connections) ──────────────────────────────────────────────────────────────

export interface OAuthTokens {
  accessToken: string;
  /** Providers may rotate it on refresh; absent when the provider kept the old one. */
  refreshToken?: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  scopes: string[];
}

export interface UserOAuthProvider {
  readonly name: Exclude<ProviderName, 'caldav'>;
  /** The consent URL, with `state` and a PKCE S256 challenge. */
  authorizationUrl(input: { state: string; codeChallenge: string; redirectUri: string }): string;
  /** Code + verifier → tokens and the account's e-mail. */
  exchangeCode(input: { code: string; codeVerifier: string; redirectUri: string }): Promise<OAuthTokens & { email: string }>;
  refresh(refreshToken: string): Promise<OAuthTokens>;
  /** Best effort; resolves even when the grant was already gone. */
  revoke(token: string): Promise<void>;
}
