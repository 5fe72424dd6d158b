import { sleep } from '../shared/fault-injector';
import { InvalidJsonError, parseJsonText } from '../shared/raw-body';
import type { ApiRequest, ApiResponse } from './google-api-request';
import type { GoogleEmulatorContext } from './google-context';
import { defaultFaultBody, errors, GoogleApiError, googleErrorBody } from './google-errors';
import { listEvents, listInstances } from './google-event-list';
import { isPlainObject } from './google-event-fields';
import { makeEtag } from './google-ids';
import type { AccessToken } from './google-oauth-store';
import { CALENDAR_SCOPES, type Calendar } from './google-types';

type Access = 'read' | 'writeEvents' | 'writeCalendars';

interface Call {
  ctx: GoogleEmulatorContext;
  req: ApiRequest;
  token: AccessToken;
  params: string[];
}

interface Route {
  method: string;
  pattern: RegExp;
  name: string;
  access: Access;
  handle: (call: Call) => ApiResponse | Promise<ApiResponse>;
}

const SEG = '([^/]+)';
const CAL = `/calendar/v3/calendars/${SEG}`;

const ROUTES: Route[] = [
  route('GET', '/calendar/v3/users/me/calendarList', 'calendarList.list', 'read', calendarListList),
  route('GET', `/calendar/v3/users/me/calendarList/${SEG}`, 'calendarList.get', 'read', calendarListGet),
  route('POST', '/calendar/v3/calendars', 'calendars.insert', 'writeCalendars', calendarsInsert),
  route('GET', CAL, 'calendars.get', 'read', calendarsGet),
  route('GET', `${CAL}/events`, 'events.list', 'read', (c) => ok(listEvents(listCtx(c), calendarOf(c), c.req.query))),
  route('POST', `${CAL}/events`, 'events.insert', 'writeEvents', (c) => ok(c.ctx.events.insert(calendarOf(c), jsonBody(c)))),
  route('POST', `${CAL}/events/watch`, 'events.watch', 'read', eventsWatch),
  route('GET', `${CAL}/events/${SEG}/instances`, 'events.instances', 'read', (c) =>
    ok(listInstances(listCtx(c), calendarOf(c), c.params[1], c.req.query)),
  ),
  route('GET', `${CAL}/events/${SEG}`, 'events.get', 'read', (c) => ok(c.ctx.events.get(calendarOf(c), c.params[1]))),
  route('PUT', `${CAL}/events/${SEG}`, 'events.update', 'writeEvents', (c) =>
    ok(c.ctx.events.update(calendarOf(c), c.params[1], jsonBody(c))),
  ),
  route('PATCH', `${CAL}/events/${SEG}`, 'events.patch', 'writeEvents', (c) =>
    ok(c.ctx.events.patch(calendarOf(c), c.params[1], jsonBody(c))),
  ),
  route('DELETE', `${CAL}/events/${SEG}`, 'events.delete', 'writeEvents', (c) => {
    c.ctx.events.delete(calendarOf(c), c.params[1]);
    return { status: 204, headers: {} };
  }),
  route('POST', '/calendar/v3/channels/stop', 'channels.stop', 'read', (c) => {
    const body = jsonBody(c);
    c.ctx.push.stop(isPlainObject(body) ? body : {}, c.token.subject);
    return { status: 204, headers: {} };
  }),
];

function route(method: string, path: string, name: string, access: Access, handle: Route['handle']): Route {
  return { method, pattern: new RegExp(`^${path}/?$`), name, access, handle };
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
    if (!hasScope(token.scopes, matched.route.access)) throw errors.insufficientScopes();
    return await matched.route.handle({ ctx, req, token, params: matched.params });
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

function hasScope(scopes: string[], access: Access): boolean {
  const allowed: Record<Access, string[]> = {
    read: Object.values(CALENDAR_SCOPES),
    writeEvents: [CALENDAR_SCOPES.full, CALENDAR_SCOPES.events],
    writeCalendars: [CALENDAR_SCOPES.full],
  };
  return scopes.some((s) => allowed[access].includes(s));
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

function calendarOf(call: Call): Calendar {
  const calendar = call.ctx.store.resolveCalendar(call.token.subject, call.params[0]);
  if (!calendar) throw errors.notFound();
  return calendar;
}

function listCtx(call: Call) {
  const { store, events, clock, settings } = call.ctx;
  return { store, events, clock, syncTokenTtlMs: settings.syncTokenTtlMs };
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

function calendarListEntry(calendar: Calendar): Record<string, unknown> {
  return {
    ...calendarResource(calendar),
    kind: 'calendar#calendarListEntry',
    colorId: calendar.primary ? '14' : '1',
    backgroundColor: calendar.primary ? '#9fe1e7' : '#ac725e',
    foregroundColor: '#000000',
    selected: true,
    accessRole: 'owner',
    defaultReminders: [],
    ...(calendar.primary ? { primary: true } : {}),
  };
}

function calendarListList(call: Call): ApiResponse {
  const calendars = call.ctx.store.calendarsOf(call.token.subject);
  return ok({
    kind: 'calendar#calendarList',
    etag: makeEtag(Math.max(0, ...calendars.map((c) => c.etagVersion))),
    nextSyncToken: Buffer.from(`cl:${call.ctx.store.currentSeq}`).toString('base64url'),
    items: calendars.map(calendarListEntry),
  });
}

function calendarListGet(call: Call): ApiResponse {
  return ok(calendarListEntry(calendarOf(call)));
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
