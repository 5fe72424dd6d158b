import { sleep } from '../shared/fault-injector';
import { InvalidJsonError, parseJsonText } from '../shared/raw-body';
import type { ApiRequest, ApiResponse } from './google-api-request';
import type { GoogleEmulatorContext } from './google-context';
import { defaultFaultBody, errors, GoogleApiError, googleErrorBody } from './google-errors';
import { decodeOffsetToken, encodeOffsetToken, listEvents, listInstances, parseMaxResults, type ListContext } from './google-event-list';
import { FIRST_PAGE, nextPageState, planPage } from './google-paging';
import { isPlainObject } from './google-event-fields';
import { makeEtag } from './google-ids';
import type { AccessToken } from './google-oauth-store';
import { limitedToAppCreated, limitedToOwned, rpcMethodName, scopesAllow } from './google-scopes';
import type { AccessRole, Calendar } from './google-types';
import { normalizeEmail } from './google-store';

interface Call {
  ctx: GoogleEmulatorContext;
  req: ApiRequest;
  token: AccessToken;
  params: string[];
  /** Method name, e.g. events.list: decides which scopes reach which calendars. */
  method: string;
}

interface Route {
  method: string;
  pattern: RegExp;
  name: string;
  handle: (call: Call) => ApiResponse | Promise<ApiResponse>;
}

const SEG = '([^/]+)';
const CALENDAR_LIST_PAGE_SIZE = 100;
const CALENDAR_LIST_MAX_PAGE_SIZE = 250;
const CAL = `/calendar/v3/calendars/${SEG}`;

const ROUTES: Route[] = [
  route('GET', '/calendar/v3/users/me/calendarList', 'calendarList.list', calendarListList),
  route('GET', `/calendar/v3/users/me/calendarList/${SEG}`, 'calendarList.get', calendarListGet),
  route('POST', '/calendar/v3/calendars', 'calendars.insert', calendarsInsert),
  route('GET', CAL, 'calendars.get', calendarsGet),
  route('GET', `${CAL}/events`, 'events.list', (c) => ok(listEvents(listCtx(c), calendarOf(c), c.req.query))),
  route('POST', `${CAL}/events`, 'events.insert', (c) => ok(c.ctx.events.insert(writableCalendarOf(c), jsonBody(c)))),
  route('POST', `${CAL}/events/watch`, 'events.watch', eventsWatch),
  route('GET', `${CAL}/events/${SEG}/instances`, 'events.instances', (c) =>
    ok(listInstances(listCtx(c), calendarOf(c), c.params[1], c.req.query)),
  ),
  route('GET', `${CAL}/events/${SEG}`, 'events.get', (c) => ok(c.ctx.events.get(calendarOf(c), c.params[1]))),
  route('PUT', `${CAL}/events/${SEG}`, 'events.update', (c) =>
    ok(c.ctx.events.update(writableCalendarOf(c), c.params[1], jsonBody(c))),
  ),
  route('PATCH', `${CAL}/events/${SEG}`, 'events.patch', (c) =>
    ok(c.ctx.events.patch(writableCalendarOf(c), c.params[1], jsonBody(c))),
  ),
  route('DELETE', `${CAL}/events/${SEG}`, 'events.delete', (c) => {
    c.ctx.events.delete(writableCalendarOf(c), c.params[1]);
    return { status: 204, headers: {} };
  }),
  route('POST', '/calendar/v3/channels/stop', 'channels.stop', (c) => {
    const body = jsonBody(c);
    c.ctx.push.stop(isPlainObject(body) ? body : {}, c.token.subject);
    return { status: 204, headers: {} };
  }),
];

function route(method: string, path: string, name: string, handle: Route['handle']): Route {
  return { method, pattern: new RegExp(`^${path}/?$`), name, handle };
}

/** Name of the endpoint a request targets, for counting and fault matching. */
export function matchRoute(method: string, path: string): { route: Route; params: string[] } | undefined {
  for (const r of ROUTES) {
    if (r.method !== method.toUpperCase()) continue;
    const m = r.pattern.exec(path);
    if (m) return { route: r, params: m.slice(1).map(safeDecode) };
  }
  return undefined;
}

/**
 * One Calendar API call through the emulator's pipeline: count, inject faults and latency,
 * authenticate, apply the per-mailbox quota, then dispatch. Batch parts come through here too.
 */
export async function handleApiRequest(ctx: GoogleEmulatorContext, req: ApiRequest): Promise<ApiResponse> {
  const matched = matchRoute(req.method, req.path);
  const token = bearerToken(ctx, req.headers.authorization);
  const mailbox = token?.subject ?? unverifiedSubject(ctx, req.headers.authorization);
  ctx.counter.record(mailbox, matched?.route.name ?? 'unknown');
  const fault = ctx.faults.take({ method: req.method, path: req.path, mailbox });
  await sleep(ctx.faults.latencyMs + (fault?.latencyMs ?? 0));
  if (fault) return { status: fault.status, headers: fault.headers ?? {}, body: fault.body ?? defaultFaultBody(fault.status) };
  try {
    if (!token) throw errors.authError();
    const limited = quotaError(ctx, token.subject);
    if (limited) return limited;
    if (!matched) throw errors.notFound();
    const method = matched.route.name;
    if (!scopesAllow(method, token.scopes)) return errorResponse(errors.insufficientScopes(rpcMethodName(method)));
    return await matched.route.handle({ ctx, req, token, params: matched.params, method });
  } catch (err) {
    return errorResponse(err);
  }
}

export function errorResponse(err: unknown): ApiResponse {
  if (err instanceof GoogleApiError) return { status: err.status, headers: err.headers, body: err.toBody() };
  if (err instanceof InvalidJsonError) return { status: 400, headers: {}, body: errors.parseError().toBody() };
  // Bad input must never become a 500 without a body; surface it as Google's backendError.
  return { status: 500, headers: {}, body: googleErrorBody(500, 'backendError', 'Backend Error') };
}

function bearerToken(ctx: GoogleEmulatorContext, header: string | undefined): AccessToken | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m ? ctx.oauth.validAccessToken(m[1]) : undefined;
}

/** Expired/revoked tokens still attribute the request to a mailbox for counting and faults. */
function unverifiedSubject(ctx: GoogleEmulatorContext, header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m ? ctx.oauth.accessTokens.get(m[1])?.subject : undefined;
}

function quotaError(ctx: GoogleEmulatorContext, subject: string): ApiResponse | undefined {
  const result = ctx.limiter.tryTake(subject, ctx.clock());
  if (result.ok) return undefined;
  const { status, reason, retryAfterHeader } = ctx.settings.quota;
  const message = reason === 'userRateLimitExceeded' ? 'User Rate Limit Exceeded' : 'Rate Limit Exceeded';
  return {
    status,
    headers: retryAfterHeader ? { 'Retry-After': String(result.retryAfterSeconds) } : {},
    body: googleErrorBody(status, reason, message, { domain: 'usageLimits' }),
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function ok(body: unknown): ApiResponse {
  return { status: 200, headers: {}, body };
}

function jsonBody(call: Call): unknown {
  return parseJsonText(call.req.body);
}

/**
 * A calendar the token may reach: its mailbox's own and those shared with it; only the app's own
 * under calendar.app.created, only the mailbox's own under calendar.events.owned.
 */
function calendarOf(call: Call): Calendar {
  const calendar = call.ctx.store.resolveCalendar(call.token.subject, call.params[0]);
  if (!calendar) throw errors.notFound();
  if (limitedToAppCreated(call.method, call.token.scopes) && calendar.createdByClient !== clientOf(call)) throw errors.notFound();
  if (limitedToOwned(call.method, call.token.scopes) && calendar.owner !== normalizeEmail(call.token.subject)) throw errors.notFound();
  return calendar;
}

/**
 * A calendar the caller may write events into: owner or writer. A calendar shared with reader or
 * freeBusyReader access answers 403 requiredAccessLevel, before the body is looked at
 * (https://developers.google.com/calendar/api/guides/errors ; roles:
 * https://developers.google.com/calendar/api/v3/reference/calendarList).
 */
function writableCalendarOf(call: Call): Calendar {
  const calendar = calendarOf(call);
  const role = call.ctx.store.accessRoleOf(calendar, call.token.subject);
  if (role !== 'owner' && role !== 'writer') throw errors.requiredAccessLevel();
  return calendar;
}

function clientOf(call: Call): string | undefined {
  return call.ctx.oauth.grants.get(call.token.grantId)?.clientId;
}

function listCtx(call: Call): ListContext {
  const { store, events, clock, settings } = call.ctx;
  return {
    store,
    events,
    clock,
    syncTokenTtlMs: settings.syncTokenTtlMs,
    paging: settings.paging,
    updatedMinMaxAgeMs: settings.updatedMinMaxAgeMs,
  };
}

function calendarResource(calendar: Calendar): Record<string, unknown> {
  return {
    kind: 'calendar#calendar',
    etag: makeEtag(calendar.etagVersion),
    id: calendar.id,
    summary: calendar.summary,
    ...(calendar.description ? { description: calendar.description } : {}),
    timeZone: calendar.timeZone,
    conferenceProperties: { allowedConferenceSolutionTypes: ['hangoutsMeet'] },
  };
}

/** `primary` is the caller's own primary calendar only: another mailbox's primary shared with it is not. */
function calendarListEntry(calendar: Calendar, accessRole: AccessRole, caller: string): Record<string, unknown> {
  const primary = calendar.primary && calendar.owner === normalizeEmail(caller);
  return {
    ...calendarResource(calendar),
    kind: 'calendar#calendarListEntry',
    colorId: primary ? '14' : '1',
    backgroundColor: primary ? '#9fe1e7' : '#ac725e',
    foregroundColor: '#000000',
    selected: true,
    accessRole,
    defaultReminders: [],
    ...(primary ? { primary: true } : {}),
  };
}

/** calendarList.list pages like events.list: https://developers.google.com/calendar/api/v3/reference/calendarList/list */
function calendarListList(call: Call): ApiResponse {
  const calendars = call.ctx.store.calendarListOf(call.token.subject);
  const maxResults = parseMaxResults(call.req.query.get('maxResults'), CALENDAR_LIST_PAGE_SIZE, CALENDAR_LIST_MAX_PAGE_SIZE);
  const token = call.req.query.get('pageToken');
  const { o: offset, page: state } = token ? decodeOffsetToken(token) : { o: 0, page: FIRST_PAGE };
  const remaining = Math.max(0, calendars.length - offset);
  const plan = planPage(call.ctx.settings.paging, `calendarList:${call.token.subject}`, state, maxResults, remaining);
  const body: Record<string, unknown> = {
    kind: 'calendar#calendarList',
    etag: makeEtag(Math.max(0, ...calendars.map((c) => c.etagVersion))),
  };
  if (plan.last) body.nextSyncToken = Buffer.from(`cl:${call.ctx.store.currentSeq}`).toString('base64url');
  else body.nextPageToken = encodeOffsetToken(offset + plan.take, nextPageState(state, plan));
  body.items = calendars.slice(offset, offset + plan.take).map((c) => calendarListEntry(c, roleOf(call, c), call.token.subject));
  return ok(body);
}

function calendarListGet(call: Call): ApiResponse {
  const calendar = calendarOf(call);
  return ok(calendarListEntry(calendar, roleOf(call, calendar), call.token.subject));
}

function roleOf(call: Call, calendar: Calendar): AccessRole {
  return call.ctx.store.accessRoleOf(calendar, call.token.subject) ?? 'owner';
}

function calendarsGet(call: Call): ApiResponse {
  return ok(calendarResource(calendarOf(call)));
}

function calendarsInsert(call: Call): ApiResponse {
  const body = jsonBody(call);
  if (!isPlainObject(body) || typeof body.summary !== 'string' || !body.summary) {
    throw errors.required('Missing title.', 'summary');
  }
  try {
    const calendar = call.ctx.store.createCalendar(call.token.subject, {
      summary: body.summary,
      description: typeof body.description === 'string' ? body.description : undefined,
      timeZone: typeof body.timeZone === 'string' ? body.timeZone : undefined,
      createdByClient: clientOf(call),
    });
    return ok(calendarResource(calendar));
  } catch (err) {
    throw errors.invalid((err as Error).message);
  }
}

function eventsWatch(call: Call): ApiResponse {
  const calendar = calendarOf(call);
  const body = jsonBody(call);
  const path = call.req.path.replace(/\/watch\/?$/, '');
  const resourceUri = `${call.req.baseUrl}${path}?alt=json`;
  return ok(call.ctx.push.watch(calendar, isPlainObject(body) ? body : {}, resourceUri));
}
