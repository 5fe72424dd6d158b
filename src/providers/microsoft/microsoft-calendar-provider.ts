import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type {
  CalendarAccess, CalendarInfo, CalendarProvider, ChangeListing, EventTime, FullListing, MailboxInfo, NormalizedEvent,
  Subscription, SyncCursor, TimeWindow, WriteOperation, WriteResult,
} from '../calendar-provider';
import type { ProviderEndpoints } from '../provider-endpoints';
import { isProviderError, ProviderError } from '../provider-errors';
import { MailboxPacer, type PacingOptions } from '../shared/mailbox-pacer';
import { DEFAULT_RETRY, retryDelayMs, SYSTEM_CLOCK, type RetryClock, type RetryOptions } from '../shared/provider-retry';
import { parseGraphFailure } from './graph-error-parser';
import { DAY_MS, groupOccurrenceLookups, INSTANCES_PAGE } from './graph-occurrence-lookups';
import { EXPAND_COPY_MARKER, MASTER_SELECT, eventFromGraph, eventToGraph, type GraphEventJson } from './graph-event-mapper';
import { decodeCursor, encodeCursor, shortHash, type SeenInstance, type SyncState } from './graph-sync-cursor';
import { GRAPH_BATCH_LIMIT, GraphTransport, type BatchAnswer, type BatchStep } from './graph-transport';
import { ianaZoneOf } from './graph-time-zones';
import { MicrosoftTokenSource, type MicrosoftOAuthClient } from './microsoft-token-source';

export interface MicrosoftProviderOptions {
  endpoints: ProviderEndpoints['microsoft'];
  /** The product's app registration for user OAuth (needed to refresh user grants). */
  oauthClient?: MicrosoftOAuthClient;
  /** Per mailbox; default Graph's Outlook limits: 4 concurrent, 10,000 requests / 10 minutes. */
  pacing?: Partial<PacingOptions>;
  retry?: RetryOptions;
  clock?: RetryClock;
  fetch?: typeof fetch;
  requestTimeoutMs?: number;
  /** Prefer: odata.maxpagesize for calendarView/delta and lists. */
  pageSize?: number;
  /** Lifetime asked for new subscriptions; Graph allows at most 10,080 minutes for events. */
  subscriptionMinutes?: number;
}

export const GRAPH_PACING: PacingOptions = { maxConcurrent: 4, requestsPerWindow: 10_000, windowMs: 10 * 60_000 };
/** Sub-request answers worth sending again (https://learn.microsoft.com/en-us/graph/throttling, json-batching). */
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);
/** A step not run because an earlier step of its dependsOn chain failed: send it again, no wait needed. */
const NOT_RUN = 424;
const READ_HEADERS = { Prefer: 'outlook.body-content-type="text"' };

interface DeltaItem {
  id: string;
  type?: string;
  seriesMasterId?: string | null;
  changeKey?: string;
  '@removed'?: unknown;
}

/**
 * The Microsoft Graph driver (https://learn.microsoft.com/en-us/graph/api/resources/calendar-overview).
 * App access acts on `/users/{upn}` with a client-credentials token; user access on `/me`.
 * Series are listed as masters + exceptions (see docs/decisions.md "Microsoft driver").
 */
export class MicrosoftCalendarProvider implements CalendarProvider {
  readonly name = 'microsoft' as const;
  private readonly tokens: MicrosoftTokenSource;
  private readonly transport: GraphTransport;
  private readonly retry: RetryOptions;
  private readonly clock: RetryClock;
  private readonly pageSize: number;
  private readonly subscriptionMinutes: number;

  constructor(options: MicrosoftProviderOptions) {
    const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.pageSize = options.pageSize ?? 100;
    this.subscriptionMinutes = Math.min(options.subscriptionMinutes ?? 10_000, 10_080);
    this.tokens = new MicrosoftTokenSource(options.endpoints, options.oauthClient, fetchImpl, () => this.clock.now());
    this.transport = new GraphTransport({
      endpoints: options.endpoints,
      tokens: this.tokens,
      pacer: new MailboxPacer({ ...GRAPH_PACING, ...options.pacing }, this.clock),
      retry: this.retry,
      clock: this.clock,
      fetch: fetchImpl,
      requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
    });
  }

  // ─── mailbox and calendars ───────────────────────────────────────────────────────────────

  async resolveMailbox(access: CalendarAccess): Promise<MailboxInfo> {
    const prefix = mailboxPrefix(access);
    let mailbox = access.mailbox;
    if (access.credentials.kind === 'microsoft-app') {
      const user = await this.transport.call<{ mail?: string | null; userPrincipalName?: string }>(access, { method: 'GET', path: `${prefix}?$select=id,mail,userPrincipalName`, addressesUser: true });
      mailbox = user.mail ?? user.userPrincipalName ?? mailbox;
    }
    const calendar = await this.transport.call<{ id: string }>(access, { method: 'GET', path: `${prefix}/calendar?$select=id,name` });
    return { mailbox, primaryCalendarId: calendar.id, timeZone: await this.mailboxTimeZone(access) };
  }

  /** Needs MailboxSettings.Read; without it the zone is simply unknown. */
  private async mailboxTimeZone(access: CalendarAccess): Promise<string | null> {
    try {
      const settings = await this.transport.call<{ timeZone?: string }>(access, { method: 'GET', path: `${mailboxPrefix(access)}/mailboxSettings?$select=timeZone` });
      return ianaZoneOf(settings.timeZone);
    } catch (error) {
      if (isProviderError(error, 'PERMISSION_DENIED') || isProviderError(error, 'INVALID_REQUEST') || isProviderError(error, 'NOT_FOUND')) return null;
      throw error;
    }
  }

  async listCalendars(access: CalendarAccess): Promise<CalendarInfo[]> {
    const calendars: CalendarInfo[] = [];
    let path: string | undefined = `${mailboxPrefix(access)}/calendars?$select=id,name,canEdit,isDefaultCalendar&$top=${this.pageSize}`;
    while (path) {
      const page: { value?: { id: string; name?: string; canEdit?: boolean; isDefaultCalendar?: boolean }[]; '@odata.nextLink'?: string } =
        await this.transport.call(access, { method: 'GET', path });
      for (const c of page.value ?? []) calendars.push({ id: c.id, name: c.name ?? '', primary: c.isDefaultCalendar === true, readOnly: c.canEdit === false, timeZone: null });
      path = page['@odata.nextLink'];
    }
    return calendars;
  }

  // ─── listings ────────────────────────────────────────────────────────────────────────────

  async listEvents(access: CalendarAccess, calendarId: string, window: TimeWindow): Promise<FullListing> {
    const start = `${mailboxPrefix(access)}/calendars/${encodeURIComponent(calendarId)}/calendarView/delta?startDateTime=${encodeURIComponent(window.start)}&endDateTime=${encodeURIComponent(window.end)}`;
    const round = await this.deltaRound(access, start);
    const state: SyncState = { d: round.deltaLink, e: {}, m: {} };
    const { changed } = await this.applyRound(access, round.items, state, window);
    return { events: changed, cursor: encodeCursor(state) };
  }

  async listChanges(access: CalendarAccess, _calendarId: string, cursor: SyncCursor, window: TimeWindow): Promise<ChangeListing> {
    const state = decodeCursor(cursor);
    // The window is the one the deltaLink was started with; a new window needs a full listing.
    const round = await this.deltaRound(access, state.d);
    state.d = round.deltaLink;
    const { changed, removed } = await this.applyRound(access, round.items, state, window);
    return { changed, removed, cursor: encodeCursor(state) };
  }

  /** Follows @odata.nextLink to the end; the last page's @odata.deltaLink is the next cursor. */
  private async deltaRound(access: CalendarAccess, firstLink: string): Promise<{ items: DeltaItem[]; deltaLink: string }> {
    const items: DeltaItem[] = [];
    let link = firstLink;
    for (;;) {
      const page: { value?: DeltaItem[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string } = await this.transport.call(access, {
        method: 'GET',
        path: link,
        headers: { Prefer: `odata.maxpagesize=${this.pageSize}` },
      });
      items.push(...(page.value ?? []));
      if (page['@odata.nextLink']) link = page['@odata.nextLink'];
      else if (page['@odata.deltaLink']) return { items, deltaLink: page['@odata.deltaLink'] };
      else throw new ProviderError('TEMPORARY', 'Graph delta page without nextLink or deltaLink', { provider: 'microsoft' });
    }
  }

  /**
   * Turns one delta round into exactly the model's changes. calendarView/delta lists instances;
   * the model wants singles, series masters and exceptions: singles and exceptions are re-read
   * (with the copy marker, which delta cannot expand) unless their changeKey is the one we already
   * saw; a changed or removed occurrence names its master, which is re-read and reported only when
   * it changed; removals of ids never seen (phantoms) are ignored. See graph-sync-cursor.ts.
   */
  private async applyRound(access: CalendarAccess, raw: DeltaItem[], state: SyncState, window: TimeWindow): Promise<{ changed: NormalizedEvent[]; removed: string[] }> {
    const masterIdOf = new Map(Object.keys(state.m).map((id) => [shortHash(id), id]));
    const removed: string[] = [];
    const items = new Set<string>();
    const masters = new Set<string>();
    /** Ids both changed and removed in this round (replays can put them in any order): Graph decides. */
    const contested = new Set<string>();
    const recheckMasterOf = (seen: SeenInstance) => {
      const masterId = seen[1] === undefined ? undefined : masterIdOf.get(seen[1]);
      if (masterId) masters.add(masterId);
    };
    for (const [id, entry] of entriesById(raw, state)) {
      const key = shortHash(id);
      const known = state.e[key];
      const change = entry.change;
      if (!change) {
        if (known) {
          delete state.e[key];
          recheckMasterOf(known); // a cancelled occurrence or exception changes its master
          if (known[2] !== 1) removed.push(id);
        } else if (state.m[id] !== undefined) masters.add(id);
        // else: never listed (a phantom outside the window): nothing to report.
        continue;
      }
      if (!entry.removed && known && !entry.fresh) continue; // a replay of what we saw
      if (change.type === 'seriesMaster') {
        masters.add(id);
      } else if (change.type === 'occurrence' && change.seriesMasterId) {
        state.e[key] = [shortHash(change.changeKey ?? ''), shortHash(change.seriesMasterId), 1];
        masters.add(change.seriesMasterId);
      } else {
        if (entry.removed) contested.add(id);
        items.add(id);
        if (change.type === 'exception' && change.seriesMasterId && state.m[change.seriesMasterId] === undefined) masters.add(change.seriesMasterId);
      }
    }

    const ids = [...items, ...[...masters].filter((m) => !items.has(m))];
    const answers = await this.runBatched(access, ids.map((id) => ({ method: 'GET' as const, url: `${mailboxPrefix(access)}/events/${encodeURIComponent(id)}?$select=${MASTER_SELECT}&$expand=${encodeURIComponent(EXPAND_COPY_MARKER)}`, headers: READ_HEADERS })));
    const changed: NormalizedEvent[] = [];
    const forget = (id: string, isMaster: boolean) => {
      const table: Record<string, unknown> = isMaster ? state.m : state.e;
      const key = isMaster ? id : shortHash(id);
      if (table[key] === undefined) return;
      removed.push(id);
      delete table[key];
    };
    ids.forEach((id, index) => {
      const answer = answers[index];
      const isMaster = masters.has(id) && !items.has(id);
      if (answer.status === 404) return forget(id, isMaster);
      if (answer.status < 200 || answer.status >= 300) throw failureOf(answer, `GET event`);
      const json = answer.body as GraphEventJson;
      if (json.type === 'seriesMaster') {
        const fingerprint = shortHash(`${json.changeKey ?? ''}|${(json.cancelledOccurrences ?? []).join(',')}`);
        if (state.m[id] === fingerprint) return;
        state.m[id] = fingerprint;
      } else {
        if (contested.has(id) && !overlapsWindow(json, window)) return forget(id, false);
        const key = shortHash(id);
        const changeKey = shortHash(json.changeKey ?? '');
        // A replay of an older version: what Graph holds now is what we already returned.
        if (state.e[key]?.[0] === changeKey) return;
        state.e[key] = json.type === 'exception' && json.seriesMasterId ? [changeKey, shortHash(json.seriesMasterId)] : [changeKey];
      }
      changed.push(eventFromGraph(json));
    });
    return { changed, removed };
  }

  // ─── writes ──────────────────────────────────────────────────────────────────────────────

  async writeEvents(access: CalendarAccess, calendarId: string, operations: WriteOperation[]): Promise<WriteResult[]> {
    const prefix = mailboxPrefix(access);
    const results: (WriteResult | undefined)[] = new Array(operations.length);
    // An exception is written by changing the occurrence Graph already generated for the series.
    const occurrenceOps = operations.map((op, i) => ({ op, i })).filter(({ op }) => op.op === 'create' && op.event.occurrenceOf);
    const occurrenceIds = await this.findOccurrences(access, occurrenceOps.map(({ op }) => (op as { event: NormalizedEvent }).event.occurrenceOf!));
    const occurrenceIdOf = new Map(occurrenceOps.map(({ i }, k) => [i, occurrenceIds[k]]));

    const steps: { index: number; step: Omit<BatchStep, 'id'> }[] = [];
    const cancelledOccurrences = new Map<number, string>();
    operations.forEach((op, index) => {
      try {
        if (op.op === 'delete') steps.push({ index, step: { method: 'DELETE', url: `${prefix}/events/${encodeURIComponent(op.id)}` } });
        else if (op.event.occurrenceOf && op.event.status === 'cancelled') {
          // Graph cancels one occurrence of a series by deleting it (it then lists it in the master's cancelledOccurrences).
          const occurrenceId = op.op === 'update' ? op.id : occurrenceIdOf.get(index)!;
          if (isProviderError(occurrenceId, 'NOT_FOUND')) {
            // No such occurrence any more: it is cancelled already (a retried write whose answer was lost).
            // Graph has no id for it any more; the copy's mapping keeps a stand-in (a later delete of it answers 404: done).
            const { seriesId, originalStart } = op.event.occurrenceOf;
            results[index] = { ok: true, id: `${seriesId}.cancelled.${originalStart.allDay ? originalStart.date : originalStart.dateTime}` };
            return;
          }
          if (isProviderError(occurrenceId)) throw occurrenceId;
          steps.push({ index, step: { method: 'DELETE', url: `${prefix}/events/${encodeURIComponent(occurrenceId)}` } });
          cancelledOccurrences.set(index, occurrenceId);
        } else if (op.op === 'update') steps.push({ index, step: { method: 'PATCH', url: `${prefix}/events/${encodeURIComponent(op.id)}`, body: eventToGraph(op.event, { asOccurrence: op.event.occurrenceOf !== null }) } });
        else if (op.event.occurrenceOf) {
          const occurrenceId = occurrenceIdOf.get(index)!;
          if (isProviderError(occurrenceId)) throw occurrenceId;
          steps.push({ index, step: { method: 'PATCH', url: `${prefix}/events/${encodeURIComponent(occurrenceId)}`, body: eventToGraph(op.event, { asOccurrence: true }) } });
        } else {
          const body = { ...eventToGraph(op.event), transactionId: transactionIdOf(op.key) };
          steps.push({ index, step: { method: 'POST', url: `${prefix}/calendars/${encodeURIComponent(calendarId)}/events`, body } });
        }
      } catch (error) {
        if (!isProviderError(error)) throw error;
        results[index] = { ok: false, error };
      }
    });

    const answers = await this.runBatched(access, steps.map((s) => s.step));
    steps.forEach(({ index }, k) => {
      const answer = answers[k];
      const op = operations[index];
      if (answer.status >= 200 && answer.status < 300) {
        const json = (answer.body ?? {}) as GraphEventJson;
        results[index] = { ok: true, id: json.id ?? cancelledOccurrences.get(index) ?? (op.op === 'create' ? '' : op.id), etag: json['@odata.etag'] };
      } else if (op.op === 'delete' && answer.status === 404) {
        results[index] = { ok: true, id: op.id }; // already gone: the delete's goal holds
      } else if (cancelledOccurrences.has(index) && answer.status === 404) {
        results[index] = { ok: true, id: cancelledOccurrences.get(index)! }; // already cancelled
      } else {
        results[index] = { ok: false, error: failureOf(answer, `${steps[k].step.method} event`) };
      }
    });
    await this.cancelExdates(access, operations, results);
    return results.map((r) => r ?? { ok: false, error: new ProviderError('TEMPORARY', 'not written', { provider: 'microsoft' }) });
  }

  /** EXDATEs of a series written: Graph holds them as deleted occurrences. */
  private async cancelExdates(access: CalendarAccess, operations: WriteOperation[], results: (WriteResult | undefined)[]): Promise<void> {
    const wanted: { index: number; seriesId: string; originalStart: EventTime }[] = [];
    operations.forEach((op, index) => {
      const result = results[index];
      if (op.op === 'delete' || !result?.ok || !op.event.recurrence) return;
      for (const exdate of op.event.recurrence.exdates) wanted.push({ index, seriesId: result.id, originalStart: exdate });
    });
    if (wanted.length === 0) return;
    const ids = await this.findOccurrences(access, wanted);
    const deletions: { w: (typeof wanted)[number]; id: string }[] = [];
    wanted.forEach((w, k) => {
      const found = ids[k];
      // No occurrence at that date (already cancelled, or outside the pattern): the EXDATE holds.
      if (typeof found === 'string') deletions.push({ w, id: found });
      else if (found.kind !== 'NOT_FOUND') results[w.index] = { ok: false, error: found };
    });
    const answers = await this.runBatched(access, deletions.map((d) => ({ method: 'DELETE' as const, url: `${mailboxPrefix(access)}/events/${encodeURIComponent(d.id)}` })));
    deletions.forEach((d, k) => {
      const answer = answers[k];
      if ((answer.status < 200 || answer.status >= 300) && answer.status !== 404) results[d.w.index] = { ok: false, error: failureOf(answer, 'DELETE occurrence') };
    });
  }

  /**
   * The occurrence ids of series at original starts, via /instances around the starts; NOT_FOUND
   * where the series has none. The starts of one series that lie close together (a moved and a
   * cancelled occurrence a few weeks apart) share one /instances request: Graph counts every
   * request against the mailbox's quota, and a request per occurrence spent it on reads.
   */
  private async findOccurrences(access: CalendarAccess, targets: { seriesId: string; originalStart: EventTime }[]): Promise<(string | ProviderError)[]> {
    if (targets.length === 0) return [];
    const prefix = mailboxPrefix(access);
    const lookups = groupOccurrenceLookups(targets.map((target) => ({ seriesId: target.seriesId, ms: instantOf(target.originalStart).toMillis() })));
    const steps = lookups.map(({ seriesId, fromMs, toMs }) => {
      const from = encodeURIComponent(DateTime.fromMillis(fromMs - DAY_MS, { zone: 'UTC' }).toISO()!);
      const to = encodeURIComponent(DateTime.fromMillis(toMs + DAY_MS, { zone: 'UTC' }).toISO()!);
      return { method: 'GET' as const, url: `${prefix}/events/${encodeURIComponent(seriesId)}/instances?startDateTime=${from}&endDateTime=${to}&$select=id,originalStart,type,isAllDay&$top=${INSTANCES_PAGE}` };
    });
    const answers = await this.runBatched(access, steps);
    const lookupOf = new Map<number, number>();
    lookups.forEach((lookup, k) => lookup.targets.forEach((t) => lookupOf.set(t, k)));
    return targets.map((target, t) => {
      const answer = answers[lookupOf.get(t)!];
      if (answer.status < 200 || answer.status >= 300) return failureOf(answer, 'GET instances');
      const value = (answer.body as { value?: { id: string; originalStart?: string }[] })?.value ?? [];
      const found = value.find((o) => o.originalStart && sameOriginalStart(o.originalStart, target.originalStart));
      return found ? found.id : new ProviderError('NOT_FOUND', 'The series has no occurrence at that original start', { provider: 'microsoft', status: 404 });
    });
  }

  /**
   * Sends steps as $batch requests of ≤ 20 (the pacer lets one batch per mailbox run at a time,
   * see GraphTransport.batch) and returns one answer per step in step order, whatever order Graph
   * answered in. Steps answered 429/5xx are sent again — only those, plus the ones their failure
   * kept from running (424) — after their Retry-After or a jittered backoff, within the retry
   * budget; what still fails is returned as it failed.
   */
  private async runBatched(access: CalendarAccess, steps: Omit<BatchStep, 'id'>[]): Promise<BatchAnswer[]> {
    const answers: BatchAnswer[] = new Array(steps.length);
    let pending = steps.map((_, i) => i);
    const startedAt = this.clock.now();
    for (let attempt = 1; pending.length > 0; attempt++) {
      const chunks: number[][] = [];
      for (let i = 0; i < pending.length; i += GRAPH_BATCH_LIMIT) chunks.push(pending.slice(i, i + GRAPH_BATCH_LIMIT));
      await Promise.all(
        chunks.map(async (chunk) => {
          const byId = await this.transport.batch(access, chunk.map((i) => ({ ...steps[i], id: String(i) })));
          for (const i of chunk) answers[i] = byId.get(String(i))!;
        }),
      );
      const throttled = pending.filter((i) => RETRYABLE_STATUSES.has(answers[i].status));
      const retryable = pending.filter((i) => RETRYABLE_STATUSES.has(answers[i].status) || answers[i].status === NOT_RUN);
      if (retryable.length === 0 || attempt >= this.retry.maxAttempts) break;
      const delay = Math.max(0, ...throttled.map((i) => retryDelayMs(failureOf(answers[i], 'batch step'), attempt, this.retry, this.clock)));
      if (this.clock.now() - startedAt + delay > this.retry.maxTotalMs) break;
      await this.clock.sleep(delay);
      pending = retryable;
    }
    return answers;
  }

  // ─── subscriptions ───────────────────────────────────────────────────────────────────────

  async subscribe(access: CalendarAccess, calendarId: string, webhookUrl: string, clientState: string): Promise<Subscription> {
    // A resource path in a JSON body, not a URL: the UPN as is.
    const resource = `${access.credentials.kind === 'microsoft-app' ? `users/${access.mailbox}` : 'me'}/calendars/${calendarId}/events`;
    const answer = await this.transport.call<{ id: string; expirationDateTime: string }>(access, {
      method: 'POST',
      path: '/subscriptions',
      body: { changeType: 'created,updated,deleted', notificationUrl: webhookUrl, resource, expirationDateTime: this.expiry(), clientState },
    });
    return { id: answer.id, expiresAt: answer.expirationDateTime };
  }

  async renewSubscription(access: CalendarAccess, subscription: Subscription): Promise<Subscription> {
    const answer = await this.transport.call<{ id: string; expirationDateTime: string }>(access, {
      method: 'PATCH',
      path: `/subscriptions/${encodeURIComponent(subscription.id)}`,
      body: { expirationDateTime: this.expiry() },
    });
    return { id: answer.id ?? subscription.id, expiresAt: answer.expirationDateTime };
  }

  async unsubscribe(access: CalendarAccess, subscription: Subscription): Promise<void> {
    try {
      await this.transport.call(access, { method: 'DELETE', path: `/subscriptions/${encodeURIComponent(subscription.id)}` });
    } catch (error) {
      if (!isProviderError(error, 'NOT_FOUND')) throw error;
    }
  }

  private expiry(): string {
    return new Date(this.clock.now() + this.subscriptionMinutes * 60_000).toISOString();
  }
}

/** App access addresses the mailbox by UPN; a user's own grant is /me. */
export function mailboxPrefix(access: CalendarAccess): string {
  return access.credentials.kind === 'microsoft-app' ? `/users/${encodeURIComponent(access.mailbox)}` : '/me';
}

/** The create's key as a GUID-shaped transactionId: the same operation retried is recognised by Graph, not duplicated. */
export function transactionIdOf(key: string): string {
  const hex = createHash('sha256').update(`calendar-bridge:${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

interface RoundEntry {
  removed: boolean;
  /** The last non-removal entry. */
  change?: DeltaItem;
  /** Some non-removal entry carries a changeKey other than the one we returned last. */
  fresh: boolean;
}

/** A delta round's entries per id: Graph may repeat an item, removals included, within and across pages. */
function entriesById(raw: DeltaItem[], state: SyncState): Map<string, RoundEntry> {
  const seen = new Map<string, RoundEntry>();
  for (const item of raw) {
    if (!item?.id) continue;
    const entry = seen.get(item.id) ?? { removed: false, fresh: false };
    if (item['@removed'] !== undefined) entry.removed = true;
    else {
      entry.change = item;
      if (!item.changeKey || state.e[shortHash(item.id)]?.[0] !== shortHash(item.changeKey)) entry.fresh = true;
    }
    seen.set(item.id, entry);
  }
  return seen;
}

/** Whether an event read from Graph lies in the listing window (calendarView overlap rule). */
function overlapsWindow(event: GraphEventJson, window: TimeWindow): boolean {
  const instant = (t: GraphEventJson['start']) => DateTime.fromISO(t?.dateTime ?? '', { zone: ianaZoneOf(t?.timeZone) ?? 'UTC' }).toMillis();
  const start = instant(event.start);
  const end = instant(event.end);
  const from = Date.parse(window.start);
  const to = Date.parse(window.end);
  return start === end ? start >= from && start < to : start < to && end > from;
}

function failureOf(answer: BatchAnswer, request: string): ProviderError {
  return parseGraphFailure({ status: answer.status, body: answer.body, retryAfter: answer.headers['retry-after'], request });
}

function instantOf(time: EventTime): DateTime {
  return time.allDay ? DateTime.fromISO(time.date, { zone: 'UTC' }) : DateTime.fromISO(time.dateTime, { zone: time.timeZone ?? 'UTC' });
}

function sameOriginalStart(graphOriginalStart: string, wanted: EventTime): boolean {
  const actual = DateTime.fromISO(graphOriginalStart, { setZone: true });
  if (wanted.allDay) return actual.toUTC().toISODate() === wanted.date;
  return actual.toMillis() === instantOf(wanted).toMillis();
}
