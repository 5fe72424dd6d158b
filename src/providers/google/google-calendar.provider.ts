import { randomUUID } from 'node:crypto';
import { google, type calendar_v3 } from './googleapis-calendar';
import type {
  CalendarAccess,
  CalendarInfo,
  CalendarProvider,
  ChangeListing,
  FullListing,
  MailboxInfo,
  NormalizedEvent,
  Subscription,
  SyncCursor,
  TimeWindow,
  WriteOperation,
  WriteResult,
} from '../calendar-provider';
import type { ProviderEndpoints } from '../provider-endpoints';
import { isProviderError, ProviderError } from '../provider-errors';
import { MailboxPacer, type PacingOptions } from '../shared/mailbox-pacer';
import { DEFAULT_RETRY, retryDelayMs, type RetryClock, type RetryOptions, SYSTEM_CLOCK, withProviderRetries } from '../shared/provider-retry';
import { type BatchCall, type BatchReply, buildBatchBody, MAX_CALLS_PER_BATCH, newBoundary, parseBatchResponse } from './google-batch';
import { googleApiError, googleFailure } from './google-error.parser';
import { googleEventIdForKey, googleInstanceId } from './google-event-ids';
import { eventTimeMillis, fromGoogleEvent, type GoogleEvent, toGoogleEvent } from './google-event.mapper';
import { GOOGLE_CALENDAR_SCOPE, type GoogleOAuthClientCredentials, GoogleTokenSource } from './google-token-source';
import { googleapisOptions } from './googleapis-options';

export interface GoogleDriverOptions {
  endpoints: ProviderEndpoints['google'];
  /** The product's OAuth client, for refreshing users' grants. */
  oauthClient?: GoogleOAuthClientCredentials;
  /** Scopes asked for with domain-wide delegation. */
  scopes?: string[];
  /** Per-mailbox budget. Google counts every call inside a batch against the per-user quota. */
  pacing?: PacingOptions;
  retry?: RetryOptions;
  clock?: RetryClock;
  /** Per HTTP request; a request that takes longer is abandoned as TEMPORARY. */
  requestTimeoutMs?: number;
  /** events.list maxResults (Google: default 250, at most 2500). */
  pageSize?: number;
  /** Calls per batch request (Google allows 1000, recommends fewer). */
  batchSize?: number;
}

/** Google's default per-user quota is 600 requests a minute; stay below it. */
export const DEFAULT_GOOGLE_PACING: PacingOptions = { maxConcurrent: 4, requestsPerWindow: 500, windowMs: 60_000 };
const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_PAGES = 10_000;

type MethodOptions = { headers: Record<string, string>; retry: false; timeout: number };

interface PendingWrite {
  index: number;
  mode: 'create' | 'replace' | 'write' | 'delete';
  /** The event id the call addresses or creates. */
  id: string;
  call: BatchCall;
  /** For a create: what to PUT when the id exists already (a retried create, or a deleted copy). */
  replaceBody?: GoogleEvent;
  lastError?: ProviderError;
}

interface Round {
  next: PendingWrite[];
  /** The retryable failure that asks for the longest wait, if any part had one. */
  retryable?: ProviderError;
  unauthorized: boolean;
}

type Settled =
  | { kind: 'done'; result: WriteResult }
  | { kind: 'again'; next: PendingWrite }
  | { kind: 'retry'; error: ProviderError }
  | { kind: 'unauthorized' };

/**
 * The Google Calendar driver: Calendar API v3 through googleapis (listings, calendars,
 * channels) and hand-built batch requests (writes), with domain-wide delegation or a user's
 * own grant. It sees only base URLs and credentials: in sandbox mode those are the emulator's.
 */
export class GoogleCalendarProvider implements CalendarProvider {
  readonly name = 'google' as const;
  private readonly calendar: calendar_v3.Calendar;
  private readonly tokens: GoogleTokenSource;
  private readonly pacer: MailboxPacer;
  private readonly retry: RetryOptions;
  private readonly clock: RetryClock;
  private readonly timeoutMs: number;
  private readonly pageSize: number;
  private readonly batchSize: number;
  private readonly batchUrl: string;

  constructor(options: GoogleDriverOptions) {
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.pageSize = options.pageSize ?? 250;
    this.batchSize = Math.min(Math.max(1, options.batchSize ?? MAX_CALLS_PER_BATCH), MAX_CALLS_PER_BATCH);
    this.pacer = new MailboxPacer(options.pacing ?? DEFAULT_GOOGLE_PACING, this.clock);
    this.tokens = new GoogleTokenSource(options.endpoints, options.oauthClient, options.scopes ?? [GOOGLE_CALENDAR_SCOPE], this.clock);
    this.calendar = google.calendar({ version: 'v3', ...googleapisOptions(options.endpoints.apiBaseUrl) });
    this.batchUrl = `${options.endpoints.apiBaseUrl.replace(/\/$/, '')}/batch/calendar/v3`;
  }

  // ─── mailbox and calendars ────────────────────────────────────────────────────────────

  async resolveMailbox(access: CalendarAccess): Promise<MailboxInfo> {
    try {
      const { data } = await this.request(access, (o) => this.calendar.calendars.get({ calendarId: 'primary' }, o));
      return { mailbox: access.mailbox, primaryCalendarId: data.id ?? access.mailbox, timeZone: data.timeZone ?? null };
    } catch (error) {
      // The token was granted, yet there is no primary calendar: no such mailbox.
      if (isProviderError(error, 'NOT_FOUND')) {
        throw new ProviderError('MAILBOX_NOT_FOUND', `Google has no calendar for ${access.mailbox}`, { provider: 'google', status: error.status, cause: error });
      }
      throw error;
    }
  }

  async listCalendars(access: CalendarAccess): Promise<CalendarInfo[]> {
    const out: CalendarInfo[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { data } = await this.request(access, (o) => this.calendar.calendarList.list({ pageToken, maxResults: 250 }, o));
      for (const entry of data.items ?? []) {
        if (!entry.id) continue;
        out.push({
          id: entry.id,
          name: entry.summaryOverride ?? entry.summary ?? entry.id,
          primary: entry.primary === true,
          readOnly: entry.accessRole !== 'owner' && entry.accessRole !== 'writer',
          timeZone: entry.timeZone ?? null,
        });
      }
      if (!data.nextPageToken) return out;
      pageToken = data.nextPageToken;
    }
    throw tooManyPages();
  }

  // ─── listings ─────────────────────────────────────────────────────────────────────────

  /**
   * Every event in the window as Google stores it: series masters, modified and cancelled
   * occurrences, single events (singleEvents=false). Pages are followed to the end: Google may
   * answer short or even empty pages before the last one, which alone carries nextSyncToken
   * (https://developers.google.com/calendar/api/guides/sync).
   */
  async listEvents(access: CalendarAccess, calendarId: string, window: TimeWindow): Promise<FullListing> {
    const listing = await this.listAllPages(access, {
      calendarId,
      singleEvents: false,
      timeMin: instant(window.start),
      timeMax: instant(window.end),
      maxResults: this.pageSize,
    });
    const zone = listing.timeZone;
    const masters = removedMasters(listing.items);
    const events = listing.items
      .filter((item) => item.status !== 'cancelled' || isCancelledOccurrence(item, masters))
      .map((item) => fromGoogleEvent(item, { calendarTimeZone: zone }));
    return { events, cursor: listing.syncToken };
  }

  /**
   * Changes since the cursor. Google refuses timeMin/timeMax together with a syncToken
   * (events.list reference), so the window is applied here: a single event now outside it is
   * reported removed, as a windowed full listing would no longer show it.
   */
  async listChanges(access: CalendarAccess, calendarId: string, cursor: SyncCursor, window: TimeWindow): Promise<ChangeListing> {
    const listing = await this.listAllPages(access, { calendarId, singleEvents: false, syncToken: cursor, maxResults: this.pageSize });
    const zone = listing.timeZone;
    const masters = removedMasters(listing.items);
    const changed: NormalizedEvent[] = [];
    const removed: string[] = [];
    for (const item of listing.items) {
      if (item.status === 'cancelled' && !isCancelledOccurrence(item, masters)) {
        if (item.id) removed.push(item.id);
        continue;
      }
      const event = fromGoogleEvent(item, { calendarTimeZone: zone });
      if (isSingle(event) && !overlaps(event, window, zone) && event.id) removed.push(event.id);
      else changed.push(event);
    }
    return { changed, removed, cursor: listing.syncToken };
  }

  private async listAllPages(
    access: CalendarAccess,
    params: calendar_v3.Params$Resource$Events$List,
  ): Promise<{ items: GoogleEvent[]; syncToken: string; timeZone: string }> {
    const items: GoogleEvent[] = [];
    let timeZone: string | undefined;
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { data } = await this.request(access, (o) => this.calendar.events.list({ ...params, pageToken }, o));
      items.push(...(data.items ?? []));
      timeZone ??= data.timeZone ?? undefined;
      if (data.nextPageToken) {
        if (data.nextPageToken === pageToken) throw new ProviderError('TEMPORARY', 'Google repeated a page token', { provider: 'google' });
        pageToken = data.nextPageToken;
        continue;
      }
      if (!data.nextSyncToken) throw new ProviderError('TEMPORARY', 'Google ended a listing without nextSyncToken', { provider: 'google' });
      return { items, syncToken: data.nextSyncToken, timeZone: timeZone ?? 'UTC' };
    }
    throw tooManyPages();
  }

  // ─── writes ───────────────────────────────────────────────────────────────────────────

  /**
   * Batched writes, at most `batchSize` calls per HTTP request. Creates carry a deterministic
   * client-supplied id, so a create Google already executed (say, before a timeout) answers
   * 409 on retry; it is then written again with events.update to the same id, which also
   * restores a copy someone deleted. Failed parts that may succeed later (429, 403
   * rateLimitExceeded, 5xx) are retried alone with backoff, within the retry budget.
   */
  async writeEvents(access: CalendarAccess, calendarId: string, operations: WriteOperation[]): Promise<WriteResult[]> {
    const results: (WriteResult | undefined)[] = new Array<WriteResult | undefined>(operations.length).fill(undefined);
    let pending: PendingWrite[] = [];
    operations.forEach((operation, index) => {
      try {
        pending.push(this.plan(calendarId, operation, index));
      } catch (error) {
        results[index] = { ok: false, error: googleFailure(error, 'api') };
      }
    });
    const startedAt = this.clock.now();
    let attempt = 0;
    let reauthorized = false;
    while (pending.length > 0) {
      const round = await this.sendRound(access, pending, results, reauthorized);
      if (round.unauthorized) {
        // Google refused our cached token: one more round with a fresh one.
        reauthorized = true;
        this.tokens.invalidate(access);
      }
      if (round.retryable && round.next.length > 0) {
        attempt++;
        const delay = retryDelayMs(round.retryable, attempt, this.retry, this.clock);
        if (attempt >= this.retry.maxAttempts || this.clock.now() - startedAt + delay > this.retry.maxTotalMs) {
          for (const p of round.next) results[p.index] = { ok: false, error: p.lastError ?? round.retryable };
          break;
        }
        await this.clock.sleep(delay);
      }
      pending = round.next;
    }
    return wholeBatchFailure(results as WriteResult[]);
  }

  /** Sends every pending call once, in batches; records final results, returns what to send again. */
  private async sendRound(access: CalendarAccess, pending: PendingWrite[], results: (WriteResult | undefined)[], reauthorized: boolean): Promise<Round> {
    const round: Round = { next: [], unauthorized: false };
    for (const chunk of chunks(pending, this.batchSize)) {
      let replies: (BatchReply | undefined)[];
      try {
        replies = await this.sendBatch(access, chunk.map((p) => p.call));
      } catch (error) {
        const failure = googleFailure(error, 'api');
        if (failure.status === 401 && !reauthorized) round.unauthorized = true;
        else if (!failure.retryable) throw failure;
        else round.retryable = worse(round.retryable, failure);
        round.next.push(...chunk.map((p) => ({ ...p, lastError: failure })));
        continue;
      }
      chunk.forEach((p, i) => {
        const settled = settle(p, replies[i]);
        if (settled.kind === 'done') results[p.index] = settled.result;
        else if (settled.kind === 'again') round.next.push(settled.next);
        else if (settled.kind === 'unauthorized' && !reauthorized) {
          round.unauthorized = true;
          round.next.push(p);
        } else {
          const error = settled.kind === 'retry' ? settled.error : authRevoked();
          if (!error.retryable) results[p.index] = { ok: false, error };
          else {
            round.retryable = worse(round.retryable, error);
            round.next.push({ ...p, lastError: error });
          }
        }
      });
    }
    return round;
  }

  private plan(calendarId: string, operation: WriteOperation, index: number): PendingWrite {
    if (operation.op === 'delete') return { index, mode: 'delete', id: operation.id, call: { method: 'DELETE', path: eventPath(calendarId, operation.id) } };
    const event = operation.event;
    const target = operation.op === 'update' ? operation.id : event.occurrenceOf ? googleInstanceId(event.occurrenceOf.seriesId, event.occurrenceOf.originalStart) : null;
    // An occurrence is cancelled by deleting its instance (https://developers.google.com/calendar/api/guides/recurringevents).
    if (target && event.occurrenceOf && event.status === 'cancelled') {
      return { index, mode: 'delete', id: target, call: { method: 'DELETE', path: eventPath(calendarId, target) } };
    }
    if (target) return { index, mode: 'write', id: target, call: { method: 'PUT', path: eventPath(calendarId, target), body: toGoogleEvent(event, 'replace') } };
    const id = googleEventIdForKey((operation as { key: string }).key);
    return {
      index,
      mode: 'create',
      id,
      call: { method: 'POST', path: `${calendarPath(calendarId)}/events`, body: { ...toGoogleEvent(event), id } },
      replaceBody: toGoogleEvent(event, 'replace'),
    };
  }

  private async sendBatch(access: CalendarAccess, calls: BatchCall[]): Promise<(BatchReply | undefined)[]> {
    const token = await this.tokens.accessToken(access);
    return this.pacer.run(access.mailbox, calls.length, async () => {
      const boundary = newBoundary();
      const response = await fetch(this.batchUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/mixed; boundary=${boundary}` },
        body: buildBatchBody(calls, boundary),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      if (!response.ok) throw googleApiError(response.status, parseJson(text), response.headers.get('retry-after'));
      try {
        return parseBatchResponse(text, response.headers.get('content-type'), calls.length);
      } catch (error) {
        throw new ProviderError('TEMPORARY', `Google batch answer unreadable: ${(error as Error).message}`, { provider: 'google', cause: error });
      }
    });
  }

  // ─── push ─────────────────────────────────────────────────────────────────────────────

  /**
   * events.watch (https://developers.google.com/calendar/api/guides/push). Google channels
   * cannot be renewed: before `expiresAt` the caller subscribes anew and stops the old one.
   */
  async subscribe(access: CalendarAccess, calendarId: string, webhookUrl: string, clientState: string): Promise<Subscription> {
    const { data } = await this.request(access, (o) =>
      this.calendar.events.watch({ calendarId, requestBody: { id: randomUUID(), type: 'web_hook', address: webhookUrl, token: clientState } }, o),
    );
    if (!data.id || !data.resourceId) throw new ProviderError('TEMPORARY', 'Google answered a channel without id', { provider: 'google' });
    const expiration = Number(data.expiration);
    return { id: data.id, resourceId: data.resourceId, expiresAt: new Date(Number.isFinite(expiration) ? expiration : this.clock.now()).toISOString() };
  }

  async unsubscribe(access: CalendarAccess, subscription: Subscription): Promise<void> {
    try {
      await this.request(access, (o) => this.calendar.channels.stop({ requestBody: { id: subscription.id, resourceId: subscription.resourceId } }, o));
    } catch (error) {
      if (!isProviderError(error, 'NOT_FOUND')) throw error;
    }
  }

  // ─── plumbing ─────────────────────────────────────────────────────────────────────────

  /**
   * One API call, paced per mailbox, retried while Google says "later" (within the retry
   * budget), and once with a fresh token when Google answers 401 to a cached one.
   */
  private request<T>(access: CalendarAccess, call: (options: MethodOptions) => Promise<T>): Promise<T> {
    return withProviderRetries(
      async () => {
        for (let attempt = 0; ; attempt++) {
          const token = await this.tokens.accessToken(access);
          try {
            return await this.pacer.run(access.mailbox, 1, () =>
              call({ headers: { Authorization: `Bearer ${token}` }, retry: false, timeout: this.timeoutMs }),
            );
          } catch (error) {
            const failure = googleFailure(error, 'api');
            if (failure.status === 401 && attempt === 0) {
              this.tokens.invalidate(access);
              continue;
            }
            throw failure;
          }
        }
      },
      this.retry,
      this.clock,
    );
  }
}

/** What one batch part's answer means for its operation. */
function settle(pending: PendingWrite, reply: BatchReply | undefined): Settled {
  if (!reply) return { kind: 'retry', error: new ProviderError('TEMPORARY', 'Google batch answer lacks this part', { provider: 'google' }) };
  const { status, body } = reply;
  if (status >= 200 && status < 300) {
    const resource = (body ?? {}) as GoogleEvent;
    return { kind: 'done', result: { ok: true, id: resource.id ?? pending.id, ...(resource.etag ? { etag: resource.etag } : {}) } };
  }
  // Deleting what is already gone is done (events.delete answers 410 deleted the second time).
  if (pending.mode === 'delete' && (status === 404 || status === 410)) return { kind: 'done', result: { ok: true, id: pending.id } };
  if (pending.mode === 'create' && status === 409) {
    const path = pending.call.path.replace(/\/events$/, `/events/${encodeURIComponent(pending.id)}`);
    return { kind: 'again', next: { index: pending.index, mode: 'replace', id: pending.id, call: { method: 'PUT', path, body: pending.replaceBody } } };
  }
  if (status === 401) return { kind: 'unauthorized' };
  return { kind: 'retry', error: googleApiError(status, body, reply.headers['retry-after']) };
}

/** When every operation failed for the same account-level reason, the whole batch failed: say so. */
function wholeBatchFailure(results: WriteResult[]): WriteResult[] {
  const first = results[0];
  if (!first || first.ok || !['AUTH_REVOKED', 'PERMISSION_DENIED', 'MAILBOX_NOT_FOUND'].includes(first.error.kind)) return results;
  if (results.every((r) => !r.ok && r.error.kind === first.error.kind)) throw first.error;
  return results;
}

function authRevoked(): ProviderError {
  return new ProviderError('AUTH_REVOKED', 'Google refused a freshly issued access token', { provider: 'google', status: 401 });
}

/** Wait for the error that asks for the longest wait. */
function worse(current: ProviderError | undefined, next: ProviderError): ProviderError {
  if (!current) return next;
  return (next.retryAfterMs ?? -1) > (current.retryAfterMs ?? -1) ? next : current;
}

function removedMasters(items: GoogleEvent[]): Set<string> {
  return new Set(items.filter((i) => i.status === 'cancelled' && !i.recurringEventId && i.id).map((i) => i.id as string));
}

/** A cancelled instance of a live series: a change to that series, not a removal. */
function isCancelledOccurrence(item: GoogleEvent, removedSeries: Set<string>): boolean {
  return Boolean(item.recurringEventId && item.originalStartTime && !removedSeries.has(item.recurringEventId));
}

function isSingle(event: NormalizedEvent): boolean {
  return !event.recurrence && !event.occurrenceOf;
}

function overlaps(event: NormalizedEvent, window: TimeWindow, zone: string): boolean {
  const start = eventTimeMillis(event.start, zone);
  const end = eventTimeMillis(event.end, zone);
  return end > Date.parse(window.start) && start < Date.parse(window.end);
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function calendarPath(calendarId: string): string {
  return `/calendar/v3/calendars/${encodeURIComponent(calendarId)}`;
}

function eventPath(calendarId: string, eventId: string): string {
  return `${calendarPath(calendarId)}/events/${encodeURIComponent(eventId)}`;
}

/** Google wants RFC 3339 with an offset for timeMin/timeMax. */
function instant(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ProviderError('INVALID_REQUEST', `Not an instant: ${value}`, { provider: 'google' });
  return new Date(ms).toISOString();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function tooManyPages(): ProviderError {
  return new ProviderError('TEMPORARY', `Google listing did not end within ${MAX_PAGES} pages`, { provider: 'google' });
}
