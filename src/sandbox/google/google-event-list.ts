import { errors } from './google-errors';
import type { EventService } from './google-events';
import { makeEtag } from './google-ids';
import type { GoogleStore } from './google-store';
import { FIRST_PAGE, isPageState, nextPageState, planPage, type PageState, type PagingSettings } from './google-paging';
import { decodePageToken, decodeSyncToken, encodePageToken, encodeSyncToken, type PageCursor } from './google-sync-token';
import { eventTimeMs, formatInZone, isValidZone, parseRfc3339 } from './google-time';
import type { Calendar, EventDateTime, EventResource, StoredEvent } from './google-types';

/** Parameters Google refuses together with syncToken (events.list reference, "syncToken"). */
const NOT_WITH_SYNC_TOKEN = [
  'iCalUID',
  'orderBy',
  'privateExtendedProperty',
  'q',
  'sharedExtendedProperty',
  'timeMin',
  'timeMax',
  'updatedMin',
];

export const DEFAULT_PAGE_SIZE = 250;
export const MAX_PAGE_SIZE = 2500;

interface ListQuery {
  maxResults: number;
  singleEvents: boolean;
  showDeleted: boolean;
  timeMin?: number;
  timeMax?: number;
  updatedMin?: number;
  orderBy?: 'startTime' | 'updated';
  iCalUID?: string;
  q?: string;
  privateProps: [string, string][];
  sharedProps: [string, string][];
  timeZone?: string;
  cursor: PageCursor;
  incremental: boolean;
}

interface Item {
  key: [number, string];
  event: StoredEvent;
}

export interface ListContext {
  store: GoogleStore;
  events: EventService;
  clock: () => number;
  syncTokenTtlMs?: number;
  paging: PagingSettings;
  /** How far back updatedMin may reach before 410 updatedMinTooLongAgo. */
  updatedMinMaxAgeMs: number;
}

/** events.list: https://developers.google.com/calendar/api/v3/reference/events/list */
export function listEvents(ctx: ListContext, calendar: Calendar, params: URLSearchParams): Record<string, unknown> {
  const query = parseListQuery(ctx, calendar, params);
  const items = sortedItems(ctx, calendar, query);
  const remaining = items.slice(firstAfter(items, query.cursor.k));
  const plan = planPage(ctx.paging, `events:${calendar.id}`, query.cursor.page, query.maxResults, remaining.length);
  const page = remaining.slice(0, plan.take);
  const body = envelope(calendar, query.timeZone);
  if (!plan.last) {
    const k = page.length > 0 ? page[page.length - 1].key : query.cursor.k;
    body.nextPageToken = encodePageToken(calendar, { ...query.cursor, k, page: nextPageState(query.cursor.page, plan) });
  } else {
    body.nextSyncToken = encodeSyncToken(calendar, query.cursor.up, ctx.clock());
  }
  body.items = page.map((i) => renderListItem(i.event.resource, query.timeZone));
  return body;
}

/** events.instances: https://developers.google.com/calendar/api/v3/reference/events/instances */
export function listInstances(
  ctx: ListContext,
  calendar: Calendar,
  eventId: string,
  params: URLSearchParams,
): Record<string, unknown> {
  const master = calendar.events.get(eventId)?.resource;
  if (!master) throw errors.notFound();
  if (master.status === 'cancelled') throw errors.deleted();
  const maxResults = parseMaxResults(params.get('maxResults'));
  const { timeMin, timeMax } = parseWindow(params);
  const timeZone = parseZone(params.get('timeZone'));
  const showDeleted = parseBool(params.get('showDeleted'), 'showDeleted');
  let instances = ctx.events.isSeriesMaster(master)
    ? ctx.events.instances(calendar, master, { fromMs: timeMin, toMs: timeMax ?? Infinity, limit: Infinity }, showDeleted)
    : [];
  const originalStart = params.get('originalStart');
  if (originalStart) {
    const ms = parseRfc3339(originalStart);
    if (ms === undefined) throw errors.invalid('Invalid value for: originalStart', 'originalStart');
    instances = instances.filter((i) => eventTimeMs(i.resource.originalStartTime ?? {}, calendar.timeZone) === ms);
  }
  const token = params.get('pageToken');
  const { o: offset, page: state } = token ? decodeOffsetToken(token) : { o: 0, page: FIRST_PAGE };
  const plan = planPage(ctx.paging, `instances:${calendar.id}:${eventId}`, state, maxResults, Math.max(0, instances.length - offset));
  const page = instances.slice(offset, offset + plan.take);
  const body = envelope(calendar, timeZone);
  if (!plan.last) body.nextPageToken = encodeOffsetToken(offset + plan.take, nextPageState(state, plan));
  body.items = page.map((i) => renderListItem(i.resource, timeZone));
  return body;
}

function envelope(calendar: Calendar, timeZone?: string): Record<string, unknown> {
  const latest = Math.max(0, ...[...calendar.events.values()].map((e) => Date.parse(e.resource.updated ?? '') || 0));
  return {
    kind: 'calendar#events',
    etag: makeEtag(calendar.etagVersion),
    summary: calendar.summary,
    description: calendar.description ?? '',
    updated: new Date(latest || Date.parse('2000-01-01T00:00:00Z')).toISOString(),
    timeZone: timeZone ?? calendar.timeZone,
    accessRole: 'owner',
    defaultReminders: [],
  };
}

function parseListQuery(ctx: ListContext, calendar: Calendar, params: URLSearchParams): ListQuery {
  const syncToken = params.get('syncToken');
  const pageToken = params.get('pageToken');
  if (syncToken) {
    const clash = NOT_WITH_SYNC_TOKEN.find((p) => params.has(p));
    if (clash) throw errors.invalid(`The parameter ${clash} cannot be used together with syncToken.`, clash);
    if (params.get('showDeleted') === 'false') {
      throw errors.invalid('showDeleted cannot be false together with syncToken.', 'showDeleted');
    }
  }
  const singleEvents = parseBool(params.get('singleEvents'), 'singleEvents');
  const orderBy = params.get('orderBy') ?? undefined;
  if (orderBy !== undefined && orderBy !== 'startTime' && orderBy !== 'updated') {
    throw errors.invalid(`Invalid value for: orderBy`, 'orderBy');
  }
  if (orderBy === 'startTime' && !singleEvents) {
    throw errors.invalid('The requested ordering is not available for the particular query.', 'orderBy');
  }
  const updatedMinRaw = params.get('updatedMin');
  const updatedMin = updatedMinRaw === null ? undefined : parseRfc3339(updatedMinRaw);
  if (updatedMinRaw !== null && updatedMin === undefined) throw errors.badRequest();
  if (updatedMin !== undefined && updatedMin < ctx.clock() - ctx.updatedMinMaxAgeMs) throw errors.updatedMinTooLongAgo();
  const cursor = pageToken
    ? decodePageToken(pageToken, calendar)
    : {
        up: ctx.store.currentSeq,
        since: syncToken ? decodeSyncToken(syncToken, calendar, ctx.clock(), ctx.syncTokenTtlMs) : undefined,
        k: [-Infinity, ''] as [number, string],
        page: FIRST_PAGE,
      };
  if (cursor.k[0] === null) cursor.k[0] = -Infinity;
  return {
    maxResults: parseMaxResults(params.get('maxResults')),
    singleEvents,
    showDeleted: parseBool(params.get('showDeleted'), 'showDeleted'),
    ...parseWindow(params),
    updatedMin,
    orderBy,
    iCalUID: params.get('iCalUID') ?? undefined,
    q: params.get('q')?.toLowerCase() || undefined,
    privateProps: params.getAll('privateExtendedProperty').map((p) => parseProp(p, 'privateExtendedProperty')),
    sharedProps: params.getAll('sharedExtendedProperty').map((p) => parseProp(p, 'sharedExtendedProperty')),
    timeZone: parseZone(params.get('timeZone')),
    cursor,
    incremental: cursor.since !== undefined,
  };
}

export function parseMaxResults(raw: string | null, defaultSize = DEFAULT_PAGE_SIZE, maxSize = MAX_PAGE_SIZE): number {
  if (raw === null) return defaultSize;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw errors.invalid(`Invalid value '${raw}'. Values must be within the range: [1, ${maxSize}]`, 'maxResults');
  return Math.min(n, maxSize);
}

function parseBool(raw: string | null, name: string): boolean {
  if (raw === null || raw === 'false') return false;
  if (raw === 'true') return true;
  throw errors.invalid(`Invalid value for: ${name}`, name);
}

function parseWindow(params: URLSearchParams): { timeMin?: number; timeMax?: number } {
  const out: { timeMin?: number; timeMax?: number } = {};
  for (const name of ['timeMin', 'timeMax'] as const) {
    const raw = params.get(name);
    if (raw === null) continue;
    const ms = parseRfc3339(raw);
    if (ms === undefined) throw errors.badRequest();
    out[name] = ms;
  }
  if (out.timeMin !== undefined && out.timeMax !== undefined && out.timeMax <= out.timeMin) {
    throw errors.timeRangeEmpty('timeMax');
  }
  return out;
}

function parseZone(raw: string | null): string | undefined {
  if (raw === null) return undefined;
  if (!isValidZone(raw)) throw errors.invalid('Invalid time zone.', 'timeZone');
  return raw;
}

function parseProp(raw: string, name: string): [string, string] {
  const cut = raw.indexOf('=');
  if (cut <= 0) throw errors.invalid(`Invalid value for: ${name}`, name);
  return [raw.slice(0, cut), raw.slice(cut + 1)];
}

/** Page tokens of listings paged by position (events.instances, calendarList.list). */
export function encodeOffsetToken(o: number, page: PageState): string {
  return Buffer.from(JSON.stringify({ o, page })).toString('base64url');
}

export function decodeOffsetToken(token: string): { o: number; page: PageState } {
  try {
    const data = JSON.parse(Buffer.from(token, 'base64url').toString()) as { o?: unknown; page?: unknown };
    if (typeof data.o === 'number' && Number.isInteger(data.o) && data.o >= 0 && isPageState(data.page)) {
      return { o: data.o, page: data.page };
    }
  } catch {
    // fall through to the error below
  }
  throw errors.invalid('Invalid page token value.', 'pageToken');
}

/**
 * The listing's items in key order. Every page of one listing (same query, same `up` and `since`)
 * sees the same items while the store has not changed, so the last listing of each calendar is
 * kept and reused for the next page instead of re-expanding every series on every page (which
 * made paging through a large calendar quadratic). Any write bumps the store's sequence and so
 * misses the cache; a restored store has new Calendar objects.
 */
const listingCache = new WeakMap<Calendar, { key: string; items: Item[] }>();

function sortedItems(ctx: ListContext, calendar: Calendar, query: ListQuery): Item[] {
  const { cursor, ...shape } = query;
  const key = JSON.stringify([shape, cursor.up, cursor.since ?? null, ctx.store.currentSeq, calendar.timeZone, calendar.etagVersion]);
  const cached = listingCache.get(calendar);
  if (cached?.key === key) return cached.items;
  const items = collectItems(ctx, calendar, query).sort((a, b) => compareKeys(a.key, b.key));
  listingCache.set(calendar, { key, items });
  return items;
}

/** Index of the first item whose key is after `k` (items sorted by key). */
function firstAfter(items: Item[], k: [number, string]): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareKeys(items[middle].key, k) > 0) high = middle;
    else low = middle + 1;
  }
  return low;
}

function collectItems(ctx: ListContext, calendar: Calendar, q: ListQuery): Item[] {
  const items: Item[] = [];
  const push = (event: StoredEvent) => {
    if (matchesContent(event.resource, q)) items.push({ key: sortKey(event, q, calendar), event });
  };
  for (const event of calendar.events.values()) {
    if (event.seq > q.cursor.up) continue;
    if (q.cursor.since !== undefined && event.seq <= q.cursor.since) continue;
    const r = event.resource;
    if (q.updatedMin !== undefined && Date.parse(r.updated ?? '') < q.updatedMin) continue;
    if (q.iCalUID && r.iCalUID !== q.iCalUID) continue;
    if (q.singleEvents && ctx.events.isSeriesMaster(r) && r.status !== 'cancelled') {
      expandInto(ctx, calendar, event, q, push);
      continue;
    }
    if (r.status === 'cancelled' && !cancelledVisible(calendar, r, q)) continue;
    if (!inWindow(ctx, calendar, r, q)) continue;
    push(event);
  }
  return items;
}

/** The documented showDeleted/singleEvents matrix (events.list, "showDeleted"). */
function cancelledVisible(calendar: Calendar, r: EventResource, q: ListQuery): boolean {
  if (q.showDeleted || q.incremental || q.updatedMin !== undefined) return true;
  if (!r.recurringEventId || q.singleEvents) return false;
  const master = calendar.events.get(r.recurringEventId)?.resource;
  return master !== undefined && master.status !== 'cancelled';
}

function expandInto(ctx: ListContext, calendar: Calendar, master: StoredEvent, q: ListQuery, push: (e: StoredEvent) => void): void {
  const window = { fromMs: q.timeMin, toMs: q.timeMax ?? Infinity, limit: Infinity };
  for (const inst of ctx.events.instances(calendar, master.resource, window, false)) {
    // Stored exceptions are listed on their own, with their own change sequence.
    if (!calendar.events.has(inst.resource.id)) push(inst);
  }
}

function inWindow(ctx: ListContext, calendar: Calendar, r: EventResource, q: ListQuery): boolean {
  if (q.timeMin === undefined && q.timeMax === undefined) return true;
  if (ctx.events.isSeriesMaster(r)) {
    const hits = ctx.events.occurrences(calendar, r as StoredEvent['resource'], {
      fromMs: q.timeMin,
      toMs: q.timeMax ?? Infinity,
      limit: 1,
    });
    return hits.length > 0;
  }
  if (!r.start || !r.end) return false;
  const start = eventTimeMs(r.start, calendar.timeZone);
  const end = eventTimeMs(r.end, calendar.timeZone);
  // timeMin bounds the end (exclusive), timeMax bounds the start (exclusive).
  return (q.timeMin === undefined || end > q.timeMin) && (q.timeMax === undefined || start < q.timeMax);
}

function matchesContent(r: EventResource, q: ListQuery): boolean {
  for (const [k, v] of q.privateProps) if (r.extendedProperties?.private?.[k] !== v) return false;
  for (const [k, v] of q.sharedProps) if (r.extendedProperties?.shared?.[k] !== v) return false;
  if (q.q) {
    const text = [r.summary, r.description, r.location, ...(r.attendees ?? []).map((a) => `${a.email} ${a.displayName ?? ''}`)]
      .join(' ')
      .toLowerCase();
    if (!q.q.split(/\s+/).every((word) => text.includes(word))) return false;
  }
  return true;
}

function sortKey(event: StoredEvent, q: ListQuery, calendar: Calendar): [number, string] {
  const r = event.resource;
  if (q.orderBy === 'startTime') return [r.start ? eventTimeMs(r.start, calendar.timeZone) : 0, r.id];
  if (q.orderBy === 'updated') return [Date.parse(r.updated ?? '') || 0, r.id];
  return [event.seq, r.id];
}

function compareKeys(a: [number, string], b: [number, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/** Deleted events in lists are only guaranteed their id (Events resource, "status"). */
function renderListItem(r: EventResource, timeZone?: string): EventResource {
  if (r.status === 'cancelled') {
    const minimal: EventResource = { kind: r.kind, etag: r.etag, id: r.id, status: 'cancelled' };
    if (r.recurringEventId) {
      minimal.recurringEventId = r.recurringEventId;
      minimal.originalStartTime = rezone(r.originalStartTime, timeZone);
    }
    return minimal;
  }
  if (!timeZone) return r;
  return { ...r, start: rezone(r.start, timeZone), end: rezone(r.end, timeZone), originalStartTime: rezone(r.originalStartTime, timeZone) };
}

function rezone(dt: EventDateTime | undefined, zone?: string): EventDateTime | undefined {
  if (!dt || !zone || !dt.dateTime) return dt;
  return { ...dt, dateTime: formatInZone(eventTimeMs(dt, 'UTC'), zone) };
}
