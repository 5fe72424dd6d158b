import { createHash } from 'node:crypto';
import { calendarMultiGet, createAccount, DAVResponse, fetchCalendarObjects, propfind, syncCollection } from 'tsdav';
import type {
  CalendarAccess,
  CalendarInfo,
  CalendarProvider,
  ChangeListing,
  FullListing,
  MailboxInfo,
  NormalizedEvent,
  SyncCursor,
  TimeWindow,
  WriteOperation,
  WriteResult,
} from '../calendar-provider';
import { isProviderError, ProviderError } from '../provider-errors';
import { MailboxPacer, PacingOptions } from '../shared/mailbox-pacer';
import { DEFAULT_RETRY, RetryOptions } from '../shared/provider-retry';
import { decodeCursor, encodeCursor } from './caldav-cursor';
import { CaldavSession, requireCaldavAccess } from './caldav-session';
import {
  buildCalendarObject,
  cancelOccurrence,
  occurrenceId,
  parseCalendarObject,
  replaceMaster,
  splitOccurrenceId,
  upsertOccurrence,
} from './ical-event.mapper';

export interface CaldavProviderOptions {
  requestTimeoutMs: number;
  retry: RetryOptions;
  pacing: PacingOptions;
  /** Resources written at once (CalDAV has no batch request). */
  writeConcurrency: number;
}

export const DEFAULT_CALDAV_OPTIONS: CaldavProviderOptions = {
  requestTimeoutMs: 30_000,
  retry: DEFAULT_RETRY,
  pacing: { maxConcurrent: 4, requestsPerWindow: 3_000, windowMs: 60_000 },
  writeConcurrency: 4,
};

const CALENDAR_PROPS = {
  'd:resourcetype': {},
  'd:displayname': {},
  'c:supported-calendar-component-set': {},
  'd:current-user-privilege-set': {},
  'c:calendar-timezone': {},
};

/**
 * The CalDAV driver (RFC 4791, RFC 6578) on tsdav and ical.js: iCloud, Nextcloud, Fastmail,
 * Radicale. Full listings are calendar-query REPORTs over the window; incremental listings are
 * sync-collection REPORTs; writes are PUTs of whole resources at UID-derived URLs with
 * If-None-Match / If-Match, so a retried create finds its own resource instead of adding one.
 */
export class CaldavCalendarProvider implements CalendarProvider {
  readonly name = 'caldav' as const;
  private readonly pacer: MailboxPacer;

  constructor(private readonly options: CaldavProviderOptions = DEFAULT_CALDAV_OPTIONS) {
    this.pacer = new MailboxPacer(options.pacing);
  }

  async resolveMailbox(access: CalendarAccess): Promise<MailboxInfo> {
    const session = this.session(access);
    const calendars = await this.calendarsOf(session).catch((error: unknown) => {
      if (isProviderError(error, 'NOT_FOUND')) {
        throw new ProviderError('MAILBOX_NOT_FOUND', `no CalDAV calendar home for ${access.mailbox}`, { provider: 'caldav', status: 404, cause: error });
      }
      throw error;
    });
    const primary = calendars.find((calendar) => !calendar.readOnly) ?? calendars[0];
    if (!primary) throw new ProviderError('MAILBOX_NOT_FOUND', `${access.mailbox} has no calendar`, { provider: 'caldav' });
    return { mailbox: access.mailbox, primaryCalendarId: primary.id, timeZone: primary.timeZone };
  }

  async listCalendars(access: CalendarAccess): Promise<CalendarInfo[]> {
    return this.calendarsOf(this.session(access));
  }

  async listEvents(access: CalendarAccess, calendarId: string, window: TimeWindow): Promise<FullListing> {
    const session = this.session(access);
    // The cursor is read before the listing, so a change made during it shows up next time.
    const syncToken = await this.readSyncToken(session, calendarId);
    const objects = await fetchCalendarObjects({
      calendar: { url: calendarId },
      timeRange: window,
      urlFilter: () => true,
      fetch: session.fetchFor('calendar-query'),
    });
    const events = objects.flatMap((object) => (object.data ? parseCalendarObject(String(object.data), absolute(object.url, calendarId), object.etag, access.mailbox) : []));
    return { events, cursor: encodeCursor({ syncToken }) };
  }

  async listChanges(access: CalendarAccess, calendarId: string, cursor: SyncCursor, window: TimeWindow): Promise<ChangeListing> {
    const session = this.session(access);
    const { syncToken } = decodeCursor(cursor);
    const responses = await syncCollection({
      url: calendarId,
      props: { 'd:getetag': {} },
      syncLevel: 1,
      syncToken,
      fetch: session.fetchFor('sync-collection'),
    });
    const nextToken = readMultistatusSyncToken(responses) ?? syncToken;
    const members = responses.filter((response) => response.href && absolute(response.href, calendarId) !== calendarId);
    const removed = members.filter((response) => response.status === 404).map((response) => absolute(String(response.href), calendarId));
    const changedUrls = members.filter((response) => response.status !== 404).map((response) => absolute(String(response.href), calendarId));
    const changed = await this.fetchObjects(session, calendarId, changedUrls, access.mailbox);
    // A cancelled occurrence is an EXDATE of its changed series: report it removed, as Google and Graph do,
    // so that a copy of it as a modified occurrence is cancelled too (unknown ids are ignored by the engine).
    const cancelled = changed.flatMap((event) => (event.id && event.recurrence ? event.recurrence.exdates.map((exdate) => occurrenceId(event.id as string, exdate)) : []));
    return {
      changed: changed.filter((event) => overlapsWindow(event, window)),
      removed: [...removed, ...cancelled],
      cursor: encodeCursor({ syncToken: nextToken }),
    };
  }

  async writeEvents(access: CalendarAccess, calendarId: string, operations: WriteOperation[]): Promise<WriteResult[]> {
    const session = this.session(access);
    const results: WriteResult[] = new Array(operations.length);
    // Operations on one resource (a series and its occurrences) run in order; resources run in parallel.
    const groups = groupByResource(calendarId, operations);
    await runBounded(groups, this.options.writeConcurrency, async (group) => {
      for (const index of group.indexes) {
        results[index] = await this.writeOne(session, calendarId, operations[index]).catch((error: unknown) => {
          if (isProviderError(error) && error.kind === 'AUTH_REVOKED') throw error;
          return { ok: false as const, error: isProviderError(error) ? error : new ProviderError('TEMPORARY', String(error), { provider: 'caldav', cause: error }) };
        });
      }
    });
    return results;
  }

  // ─── calendars ─────────────────────────────────────────────────────────────────────────

  private async calendarsOf(session: CaldavSession): Promise<CalendarInfo[]> {
    const home = await this.calendarHome(session);
    const responses = await propfind({ url: home, props: CALENDAR_PROPS, depth: '1', fetch: session.fetchFor('list calendars') });
    return responses.filter(isEventCalendar).map((response) => toCalendarInfo(response, home));
  }

  /** The admin template (`{user}`, `{email}`) when the organisation gave one, else RFC 6764 discovery. */
  private async calendarHome(session: CaldavSession): Promise<string> {
    const { credentials, mailbox } = session.access;
    if (credentials.calendarHomeTemplate) {
      const user = mailbox.split('@')[0];
      return new URL(
        credentials.calendarHomeTemplate.replaceAll('{email}', encodeURIComponent(mailbox)).replaceAll('{user}', encodeURIComponent(user)),
        credentials.serverUrl,
      ).toString();
    }
    const account = await createAccount({
      account: { serverUrl: credentials.serverUrl, accountType: 'caldav', credentials: { username: credentials.username, password: credentials.password } },
      fetch: session.fetchFor('discovery'),
    });
    if (!account.homeUrl) throw new ProviderError('MAILBOX_NOT_FOUND', `no calendar home found for ${mailbox}`, { provider: 'caldav' });
    return absolute(account.homeUrl, credentials.serverUrl);
  }

  private async readSyncToken(session: CaldavSession, calendarId: string): Promise<string> {
    const [response] = await propfind({ url: calendarId, props: { 'd:sync-token': {} }, depth: '0', fetch: session.fetchFor('read sync-token') });
    const token = response?.props?.syncToken;
    if (typeof token !== 'string' || token.length === 0) {
      throw new ProviderError('INVALID_REQUEST', `${calendarId} does not support sync-collection (RFC 6578)`, { provider: 'caldav' });
    }
    return token;
  }

  private async fetchObjects(session: CaldavSession, calendarId: string, urls: string[], mailbox: string): Promise<NormalizedEvent[]> {
    if (urls.length === 0) return [];
    const responses = await calendarMultiGet({
      url: calendarId,
      props: { 'd:getetag': {}, 'c:calendar-data': {} },
      objectUrls: urls.map((url) => new URL(url).pathname),
      depth: '1',
      fetch: session.fetchFor('calendar-multiget'),
    });
    return responses.flatMap((response) => {
      const data = response.props?.calendarData;
      const text = typeof data === 'string' ? data : data?._cdata ?? data?._text;
      if (!response.href || typeof text !== 'string') return [];
      return parseCalendarObject(text, absolute(response.href, calendarId), response.props?.getetag, mailbox);
    });
  }

  // ─── writes ────────────────────────────────────────────────────────────────────────────

  private async writeOne(session: CaldavSession, calendarId: string, operation: WriteOperation): Promise<WriteResult> {
    switch (operation.op) {
      case 'create': {
        const { occurrenceOf } = operation.event;
        if (!occurrenceOf) return this.createResource(session, calendarId, operation.key, operation.event);
        // The occurrence's own id (not the series resource's), so that deleting it cancels that occurrence only.
        const written = await this.modifyResource(session, occurrenceOf.seriesId, (ics) => upsertOccurrence(ics, operation.event));
        return written.ok ? { ...written, id: occurrenceId(occurrenceOf.seriesId, occurrenceOf.originalStart) } : written;
      }
      case 'update': {
        const { resourceUrl, occurrenceKey } = splitOccurrenceId(operation.id);
        const { occurrenceOf } = operation.event;
        if (!occurrenceKey && !occurrenceOf) return this.modifyResource(session, resourceUrl, (ics) => replaceMaster(ics, operation.event));
        const written = await this.modifyResource(session, resourceUrl, (ics) => upsertOccurrence(ics, operation.event));
        return written.ok && occurrenceOf ? { ...written, id: occurrenceId(resourceUrl, occurrenceOf.originalStart) } : written;
      }
      case 'delete': {
        const { resourceUrl, occurrenceKey } = splitOccurrenceId(operation.id);
        if (occurrenceKey) return this.modifyResource(session, resourceUrl, (ics) => cancelOccurrence(ics, occurrenceKey));
        await session.request(resourceUrl, { method: 'DELETE' }, 'delete event', [404, 410]);
        return { ok: true, id: operation.id };
      }
    }
  }

  /**
   * PUT at a URL derived from the idempotency key with If-None-Match: *, so a retry after a
   * lost answer gets 412 for the resource it already made and reports that one.
   */
  private async createResource(session: CaldavSession, calendarId: string, key: string, event: NormalizedEvent): Promise<WriteResult> {
    const uid = uidForKey(key);
    const url = new URL(`${uid}.ics`, withSlash(calendarId)).toString();
    const response = await session.request(
      url,
      { method: 'PUT', headers: { 'content-type': 'text/calendar; charset=utf-8', 'if-none-match': '*' }, body: buildCalendarObject(uid, event) },
      'create event',
      [412],
    );
    return { ok: true, id: url, etag: response.headers.get('etag') ?? undefined };
  }

  /** GET, change, PUT with If-Match: a concurrent change makes the PUT fail (412) instead of being overwritten. */
  private async modifyResource(session: CaldavSession, resourceUrl: string, change: (ics: string) => string): Promise<WriteResult> {
    const current = await session.request(resourceUrl, { method: 'GET' }, 'read event', []);
    const etag = current.headers.get('etag');
    const body = change(await current.text());
    const headers: Record<string, string> = { 'content-type': 'text/calendar; charset=utf-8' };
    if (etag) headers['if-match'] = etag;
    const response = await session.request(resourceUrl, { method: 'PUT', headers, body }, 'update event', []);
    return { ok: true, id: resourceUrl, etag: response.headers.get('etag') ?? undefined };
  }

  private session(access: CalendarAccess): CaldavSession {
    return new CaldavSession(requireCaldavAccess(access), this.pacer, { requestTimeoutMs: this.options.requestTimeoutMs, retry: this.options.retry });
  }
}

/** A UID (and file name) from the idempotency key: stable, URL-safe, free of the key's own characters. */
export function uidForKey(key: string): string {
  return `cb-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

function isEventCalendar(response: DAVResponse): boolean {
  const type = response.props?.resourcetype;
  if (!type || typeof type !== 'object' || !('calendar' in type)) return false;
  const components = response.props?.supportedCalendarComponentSet?.comp;
  if (!components) return true; // RFC 4791 §5.2.3: absent means every component type
  const list = Array.isArray(components) ? components : [components];
  return list.some((component: { _attributes?: { name?: string } }) => component?._attributes?.name === 'VEVENT');
}

function toCalendarInfo(response: DAVResponse, home: string): CalendarInfo {
  const privileges = JSON.stringify(response.props?.currentUserPrivilegeSet ?? {});
  const readOnly = response.props?.currentUserPrivilegeSet ? !/"(write|write-content|all|bind)"/.test(privileges) : false;
  const displayName = response.props?.displayname;
  const url = absolute(String(response.href), home);
  return {
    id: url,
    name: typeof displayName === 'string' && displayName.length > 0 ? displayName : decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? url),
    primary: false,
    readOnly,
    timeZone: readCalendarTimeZone(response.props?.calendarTimezone),
  };
}

function readCalendarTimeZone(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const tzid = value.split(/\r?\n/).find((line) => line.startsWith('TZID:'));
  return tzid ? tzid.slice(5).trim() : null;
}

function readMultistatusSyncToken(responses: DAVResponse[]): string | undefined {
  const token = responses[0]?.raw?.multistatus?.syncToken;
  return typeof token === 'string' && token.length > 0 ? token : undefined;
}

function groupByResource(calendarId: string, operations: WriteOperation[]): { key: string; indexes: number[] }[] {
  const groups = new Map<string, number[]>();
  operations.forEach((operation, index) => {
    const key =
      operation.op === 'create'
        ? operation.event.occurrenceOf?.seriesId ?? `new:${operation.key}`
        : splitOccurrenceId(operation.id).resourceUrl;
    groups.set(key, [...(groups.get(key) ?? []), index]);
  });
  return [...groups.entries()].map(([key, indexes]) => ({ key, indexes }));
}

async function runBounded<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(workers);
}

/** A series overlaps the window unless it ends before it or starts after it (RRULE ends are not expanded here). */
function overlapsWindow(event: NormalizedEvent, window: TimeWindow): boolean {
  const start = event.start.allDay ? event.start.date : event.start.dateTime;
  const end = event.end.allDay ? event.end.date : event.end.dateTime;
  if (start.slice(0, 10) > window.end.slice(0, 10)) return false;
  return event.recurrence !== null || end.slice(0, 10) >= window.start.slice(0, 10);
}

function absolute(href: string, base: string): string {
  return new URL(href, base).toString();
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
