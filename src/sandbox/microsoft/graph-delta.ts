import { badRequest, syncStateNotFound } from './graph-errors';
import type { StoredEvent, ViewItem } from './graph-model';
import { randomToken } from './graph-ids';
import { calendarViewItems, renderEvent } from './graph-event-view';
import { json, type GraphContext, type GraphResponse } from './graph-request';
import { preferenceAppliedHeader, queryParam } from './odata-query';
import { parseQueryInstant } from './graph-time';
import { checkEventSelect } from './graph-event-properties';

type Entry = { removed: false; item: ViewItem } | { removed: true; id: string };

interface Scope {
  mailboxId: string;
  calendarId?: string;
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
}

interface DeltaState extends Scope {
  kind: 'delta';
  snapshot: Map<string, string>;
}

type State = PageState | DeltaState;

const UNSUPPORTED_ON_DELTA = ['$filter', '$orderby', '$search', '$expand', '$top', '$skip'];

/**
 * calendarView/delta. State tokens are opaque keys into server-side state that records
 * the window and what the client has seen (item id → changeKey); a delta round diffs
 * the current view against it, so removals, moves out of the window and series edits
 * come out the way Graph reports them.
 */
export class DeltaTracker {
  private readonly states = new Map<string, State>();
  private readonly tokensByMailbox = new Map<string, string[]>();

  constructor(
    private readonly eventsOf: (mailboxId: string, calendarId?: string) => StoredEvent[],
    private readonly defaultPageSize: number,
    /** Tokens kept per mailbox; older ones expire (410), as unused sync state does in Exchange. */
    private readonly maxStatesPerMailbox = 500,
  ) {}

  handle(ctx: GraphContext, calendarId: string | undefined, path: string): GraphResponse {
    const q = ctx.req.query;
    const deltaToken = queryParam(q, '$deltatoken') ?? queryParam(q, 'deltatoken');
    const skipToken = queryParam(q, '$skiptoken') ?? queryParam(q, 'skiptoken');
    if (deltaToken) return this.followDelta(ctx, deltaToken);
    if (skipToken) return this.followPage(ctx, skipToken);
    return this.start(ctx, calendarId, path);
  }

  /** Control API: every token of this mailbox answers 410 from now on. */
  expireMailbox(mailboxId: string): number {
    const tokens = this.tokensByMailbox.get(mailboxId) ?? [];
    for (const token of tokens) this.states.delete(token);
    this.tokensByMailbox.delete(mailboxId);
    return tokens.length;
  }

  reset(): void {
    this.states.clear();
    this.tokensByMailbox.clear();
  }

  private start(ctx: GraphContext, calendarId: string | undefined, path: string): GraphResponse {
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
    return this.page(ctx, { ...scope, kind: 'page', entries, offset: 0, snapshot: snapshotOf(items) });
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
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(item.id);
      if (state.snapshot.get(item.id) !== item.changeKey) entries.push({ removed: false, item });
    }
    for (const id of state.snapshot.keys()) if (!seen.has(id)) entries.push({ removed: true, id });
    return this.page(ctx, { ...state, kind: 'page', entries, offset: 0, snapshot: snapshotOf(items) });
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
    const tokens = this.tokensByMailbox.get(state.mailboxId) ?? [];
    tokens.push(token);
    // Oldest first: the ones a client has long moved past.
    while (tokens.length > this.maxStatesPerMailbox) this.states.delete(tokens.shift()!);
    this.tokensByMailbox.set(state.mailboxId, tokens);
    return token;
  }
}

function snapshotOf(items: ViewItem[]): Map<string, string> {
  return new Map(items.map((i) => [i.id, i.changeKey]));
}
