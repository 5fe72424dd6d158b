import { badRequest, syncStateNotFound } from './graph-errors';
import type { StoredEvent, ViewItem } from './graph-model';
import { randomToken } from './graph-ids';
import { calendarViewItems, renderEvent } from './graph-event-view';
import { json, type GraphContext, type GraphResponse } from './graph-request';
import { preferenceAppliedHeader, queryParam } from './odata-query';
import { parseQueryInstant } from './graph-time';
import { checkEventSelect } from './graph-event-properties';
import type { SeededRandom } from './seeded-random';
import { arrayOf } from '../shared/state-shape';

type Entry = { removed: false; item: ViewItem } | { removed: true; id: string };

/**
 * What Graph's delta does that a naive client does not expect, all on by default:
 * items repeated within a round and across rounds, @removed for items the client never
 * saw (events changed or deleted outside the window), and only the newest few delta
 * links of a calendar staying valid.
 */
export interface DeltaBehaviour {
  /** Repeat items (seeded): across pages of a round and unchanged items in the next round. Default true. */
  replays: boolean;
  /** @removed for events that changed, appeared or were deleted outside the window. Default true. */
  phantomRemovals: boolean;
  /** Delta links kept valid per mailbox and calendar; older ones answer 410. Default 3. */
  deltaLinksKept: number;
}

export const STRICT_DELTA: DeltaBehaviour = { replays: true, phantomRemovals: true, deltaLinksKept: 3 };

const REPLAY_CHANCE = 0.2;
const MAX_REPLAYS_PER_ROUND = 5;

interface Scope {
  mailboxId: string;
  calendarId: string;
  startMs: number;
  endMs: number;
  /** Path the round started on (e.g. "/users/x/calendarView/delta"); links keep it. */
  path: string;
  select?: string[];
}

interface PageState extends Scope {
  kind: 'page';
  entries: Entry[];
  offset: number;
  /** What the client will know once it has read the last page of this round. */
  snapshot: Map<string, string>;
  outside: Map<string, string>;
}

interface DeltaState extends Scope {
  kind: 'delta';
  snapshot: Map<string, string>;
  /** Stored events with nothing in the window, by id → changeKey: the base for phantom removals. */
  outside: Map<string, string>;
}

type State = PageState | DeltaState;

/** Delta links survive a restart (a client keeps its deltaLink for days); page tokens do not. */
export interface DeltaTrackerState {
  deltaStates: (Omit<DeltaState, 'snapshot' | 'outside'> & { token: string; snapshot: [string, string][]; outside: [string, string][] })[];
  deltaTokensByCalendar: [string, string[]][];
}

const UNSUPPORTED_ON_DELTA = ['$filter', '$orderby', '$search', '$expand', '$top', '$skip'];

/**
 * calendarView/delta. State tokens are opaque keys into server-side state that records
 * the window and what the client has seen (item id → changeKey); a delta round diffs
 * the current view against it, so removals, moves out of the window and series edits
 * come out the way Graph reports them.
 */
export class DeltaTracker {
  private readonly states = new Map<string, State>();
  /** Page ($skiptoken) states per mailbox, oldest first. */
  private readonly pageTokensByMailbox = new Map<string, string[]>();
  /** Delta ($deltatoken) states per mailbox and calendar, oldest first. */
  private readonly deltaTokensByCalendar = new Map<string, string[]>();

  constructor(
    private readonly eventsOf: (mailboxId: string, calendarId?: string) => StoredEvent[],
    private readonly defaultPageSize: number,
    private readonly random: SeededRandom,
    private readonly behaviour: DeltaBehaviour = STRICT_DELTA,
    /** Page tokens kept per mailbox; older ones expire (410). */
    private readonly maxPageStatesPerMailbox = 500,
  ) {}

  handle(ctx: GraphContext, calendarId: string, path: string): GraphResponse {
    const q = ctx.req.query;
    const deltaToken = queryParam(q, '$deltatoken') ?? queryParam(q, 'deltatoken');
    const skipToken = queryParam(q, '$skiptoken') ?? queryParam(q, 'skiptoken');
    if (deltaToken) return this.followDelta(ctx, deltaToken);
    if (skipToken) return this.followPage(ctx, skipToken);
    return this.start(ctx, calendarId, path);
  }

  /** Control API: every token of this mailbox answers 410 from now on. */
  expireMailbox(mailboxId: string): number {
    let expired = 0;
    for (const [key, tokens] of [...this.pageTokensByMailbox, ...this.deltaTokensByCalendar]) {
      if (key !== mailboxId && !key.startsWith(`${mailboxId}|`)) continue;
      for (const token of tokens) this.states.delete(token);
      expired += tokens.length;
      this.pageTokensByMailbox.delete(key);
      this.deltaTokensByCalendar.delete(key);
    }
    return expired;
  }

  exportState(): DeltaTrackerState {
    const deltaStates: DeltaTrackerState['deltaStates'] = [];
    for (const [token, state] of this.states) {
      if (state.kind === 'delta') deltaStates.push({ ...state, token, snapshot: [...state.snapshot], outside: [...state.outside] });
    }
    return { deltaStates, deltaTokensByCalendar: [...this.deltaTokensByCalendar] };
  }

  importState(state: DeltaTrackerState): void {
    this.reset();
    for (const { token, snapshot, outside, ...scope } of arrayOf<DeltaTrackerState['deltaStates'][number]>(state.deltaStates, 'microsoft.delta.deltaStates')) {
      this.states.set(token, { ...scope, kind: 'delta', snapshot: new Map(arrayOf(snapshot, 'snapshot')), outside: new Map(arrayOf(outside, 'outside')) });
    }
    for (const [key, tokens] of arrayOf<[string, string[]]>(state.deltaTokensByCalendar, 'microsoft.delta.deltaTokensByCalendar')) {
      this.deltaTokensByCalendar.set(key, arrayOf<string>(tokens, 'tokens').filter((t) => this.states.has(t)));
    }
  }

  reset(): void {
    this.states.clear();
    this.pageTokensByMailbox.clear();
    this.deltaTokensByCalendar.clear();
  }

  private start(ctx: GraphContext, calendarId: string, path: string): GraphResponse {
    for (const [k] of ctx.req.query) {
      if (UNSUPPORTED_ON_DELTA.includes(k.toLowerCase())) {
        throw badRequest(`The query parameter '${k}' is not supported with change tracking over the 'CalendarView' resource.`, 'ErrorInvalidUrlQuery');
      }
    }
    const startMs = parseQueryInstant(queryParam(ctx.req.query, 'startDateTime'), 'startDateTime');
    const endMs = parseQueryInstant(queryParam(ctx.req.query, 'endDateTime'), 'endDateTime');
    if (endMs <= startMs) throw badRequest('The end of the time window must be after its start.', 'ErrorInvalidParameter');
    const select = queryParam(ctx.req.query, '$select')?.split(',').map((s: string) => s.trim()).filter(Boolean);
    if (select) checkEventSelect(select);
    const scope: Scope = { mailboxId: ctx.mailbox!.id, calendarId, startMs, endMs, path, select };
    const items = this.currentItems(scope);
    const entries: Entry[] = items.map((item) => ({ removed: false, item }));
    return this.page(ctx, { ...scope, kind: 'page', entries: this.withRepeats(entries), offset: 0, snapshot: snapshotOf(items), outside: this.outsideOf(scope, items) });
  }

  private followPage(ctx: GraphContext, token: string): GraphResponse {
    const state = this.states.get(token);
    if (!state || state.kind !== 'page' || state.mailboxId !== ctx.mailbox?.id) throw syncStateNotFound();
    return this.page(ctx, state);
  }

  private followDelta(ctx: GraphContext, token: string): GraphResponse {
    const state = this.states.get(token);
    if (!state || state.kind !== 'delta' || state.mailboxId !== ctx.mailbox?.id) throw syncStateNotFound();
    const items = this.currentItems(state);
    const entries: Entry[] = [];
    const unchanged: ViewItem[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(item.id);
      if (state.snapshot.get(item.id) !== item.changeKey) entries.push({ removed: false, item });
      else unchanged.push(item);
    }
    for (const id of state.snapshot.keys()) if (!seen.has(id)) entries.push({ removed: true, id });
    const outside = this.outsideOf(state, items);
    if (this.behaviour.phantomRemovals) entries.push(...phantomRemovals(state.outside, outside, entries, new Set(items.map((i) => i.event.id))));
    if (this.behaviour.replays) entries.push(...this.replaysOf(unchanged));
    return this.page(ctx, { ...state, kind: 'page', entries: this.withRepeats(entries), offset: 0, snapshot: snapshotOf(items), outside });
  }

  /** Stored events of the calendar with no item in the window. */
  private outsideOf(scope: Scope, inWindow: ViewItem[]): Map<string, string> {
    const present = new Set(inWindow.map((i) => i.event.id));
    const out = new Map<string, string>();
    for (const event of this.eventsOf(scope.mailboxId, scope.calendarId)) if (!present.has(event.id)) out.set(event.id, event.changeKey);
    return out;
  }

  /** Unchanged items sent again in a later round (Graph: the same item may come more than once). */
  private replaysOf(unchanged: ViewItem[]): Entry[] {
    const picked = unchanged.filter(() => this.random.chance(REPLAY_CHANCE)).slice(0, MAX_REPLAYS_PER_ROUND);
    return picked.map((item) => ({ removed: false, item }));
  }

  /** Some entries of a round come again on a later position (a later page, when there is one). */
  private withRepeats(entries: Entry[]): Entry[] {
    if (!this.behaviour.replays || entries.length < 2) return entries;
    const out = [...entries];
    let repeats = 0;
    for (let i = 0; i < entries.length - 1 && repeats < MAX_REPLAYS_PER_ROUND; i++) {
      if (!this.random.chance(REPLAY_CHANCE)) continue;
      const at = i + 1 + Math.floor(this.random.next() * (out.length - i));
      out.splice(at, 0, entries[i]);
      repeats++;
    }
    return out;
  }

  private currentItems(scope: Scope): ViewItem[] {
    return calendarViewItems(this.eventsOf(scope.mailboxId, scope.calendarId), scope.startMs, scope.endMs);
  }

  private page(ctx: GraphContext, state: PageState): GraphResponse {
    const size = ctx.prefs.maxPageSize ?? this.defaultPageSize;
    const slice = state.entries.slice(state.offset, state.offset + size);
    const value = slice.map((e) =>
      e.removed
        ? { '@odata.type': '#microsoft.graph.event', id: e.id, '@removed': { reason: 'deleted' } }
        : renderEvent(e.item, { outputZone: ctx.prefs.timeZone, bodyContentType: ctx.prefs.bodyContentType, select: state.select }),
    );
    const body: Record<string, unknown> = { '@odata.context': `${ctx.req.serviceRoot}/$metadata#Collection(event)`, value };
    const base = `${ctx.req.serviceRoot}${state.path}`;
    const nextOffset = state.offset + slice.length;
    if (nextOffset < state.entries.length) {
      body['@odata.nextLink'] = `${base}?$skiptoken=${this.save({ ...state, offset: nextOffset })}`;
    } else {
      const { entries: _entries, offset: _offset, ...scope } = state;
      body['@odata.deltaLink'] = `${base}?$deltatoken=${this.save({ ...scope, kind: 'delta' })}`;
    }
    const headers: Record<string, string> = {};
    const applied = preferenceAppliedHeader(ctx.prefs, ctx.prefs.maxPageSize !== undefined);
    if (applied) headers['Preference-Applied'] = applied;
    return json(200, body, headers);
  }

  private save(state: State): string {
    const token = randomToken(24);
    this.states.set(token, state);
    // Exchange keeps little sync state per folder: only the newest delta links of a calendar
    // stay valid (older ones 410), and page tokens are capped per mailbox.
    const [index, key, limit] =
      state.kind === 'delta'
        ? [this.deltaTokensByCalendar, `${state.mailboxId}|${state.calendarId}`, this.behaviour.deltaLinksKept]
        : [this.pageTokensByMailbox, state.mailboxId, this.maxPageStatesPerMailbox];
    const tokens = index.get(key) ?? [];
    tokens.push(token);
    while (tokens.length > limit) this.states.delete(tokens.shift()!);
    index.set(key, tokens);
    return token;
  }
}

/** @removed for ids the client never saw: events outside the window that appeared, changed or went away. */
function phantomRemovals(before: Map<string, string>, now: Map<string, string>, already: Entry[], inWindow: Set<string>): Entry[] {
  // An event that moved into the window is reported as itself, never also as removed.
  const reported = new Set([...inWindow, ...already.filter((e) => e.removed).map((e) => (e as { id: string }).id)]);
  const ids = new Set<string>();
  for (const [id, key] of now) if (before.get(id) !== key) ids.add(id);
  for (const id of before.keys()) if (!now.has(id)) ids.add(id);
  return [...ids].filter((id) => !reported.has(id)).map((id) => ({ removed: true, id }));
}

function snapshotOf(items: ViewItem[]): Map<string, string> {
  return new Map(items.map((i) => [i.id, i.changeKey]));
}
