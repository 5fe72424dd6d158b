import { FaultInjector, sleep, type FaultRule } from '../shared/fault-injector';
import { RequestCounter } from '../shared/request-counter';
import { badRequest, graphErrorBody, GraphHttpError, invalidUser, newRequestId, resourceNotFound, unsupportedSegment, accessDenied } from './graph-errors';
import type { Mailbox, Principal } from './graph-model';
import { endpointTemplate, json, pathSegments, type GraphContext, type GraphRequest, type GraphResponse } from './graph-request';
import type { GraphStore } from './graph-store';
import type { IdentityService } from './identity-service';
import type { GraphEventsRoutes } from './graph-events.routes';
import type { GraphSubscriptions } from './graph-subscriptions';
import type { MailboxThrottle } from './graph-throttle';
import { parsePrefer } from './odata-query';
import { mailboxRule, PERMISSIONS, requirePermission } from './graph-permissions';

const DEFAULT_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'InvalidAuthenticationToken',
  403: 'ErrorAccessDenied',
  404: 'ErrorItemNotFound',
  409: 'ErrorIrresolvableConflict',
  410: 'SyncStateNotFound',
  412: 'ErrorIrresolvableConflict',
  429: 'ApplicationThrottled',
  500: 'ErrorInternalServerError',
  502: 'BadGateway',
  503: 'ServiceNotAvailable',
  504: 'GatewayTimeout',
};

export interface GraphServiceDeps {
  store: GraphStore;
  identity: IdentityService;
  events: GraphEventsRoutes;
  subscriptions: GraphSubscriptions;
  throttle: MailboxThrottle;
  faults: FaultInjector;
  counter: RequestCounter;
  now: () => number;
}

interface Target {
  mailbox?: Mailbox;
  prefix?: string;
  rest: string[];
}

/**
 * One Graph request end to end: authentication, mailbox resolution, request counting,
 * injected faults, per-mailbox throttling, routing, and Graph's error envelope.
 * $batch sub-requests go through here one by one, so each is counted and throttled.
 */
export class GraphService {
  constructor(private readonly deps: GraphServiceDeps) {}

  async handle(req: GraphRequest): Promise<GraphResponse> {
    const requestId = newRequestId();
    const clientRequestId = req.headers['client-request-id'] ?? requestId;
    const endpoint = endpointTemplate(req.method, req.path);
    let response: GraphResponse;
    let mailboxEmail: string | undefined;
    try {
      let principal: Principal;
      try {
        principal = this.deps.identity.authenticate(req.headers.authorization);
      } catch (err) {
        this.deps.counter.record(undefined, endpoint);
        throw err;
      }
      const target = this.resolveTarget(principal, req.path);
      mailboxEmail = target.mailbox?.email;
      this.deps.counter.record(mailboxEmail, endpoint);
      response = await this.withFaultsAndLimits(req, { method: req.method, path: req.path, mailbox: mailboxEmail }, target, async () => {
        const ctx: GraphContext = { req, principal, mailbox: target.mailbox, mailboxPrefix: target.prefix, prefs: parsePrefer(req.headers.prefer) };
        return this.route(ctx, target);
      });
    } catch (err) {
      response = this.errorResponse(err, requestId, clientRequestId);
    }
    response.headers = { ...response.headers, 'request-id': requestId, 'client-request-id': clientRequestId };
    return response;
  }

  /** The $batch envelope itself: authenticated and counted, but not tied to a mailbox. */
  checkBatchEnvelope(req: GraphRequest): GraphResponse | undefined {
    const requestId = newRequestId();
    this.deps.counter.record(undefined, 'POST /$batch');
    try {
      this.deps.identity.authenticate(req.headers.authorization);
      return undefined;
    } catch (err) {
      const res = this.errorResponse(err, requestId, req.headers['client-request-id'] ?? requestId);
      res.headers['request-id'] = requestId;
      return res;
    }
  }

  private async withFaultsAndLimits(req: GraphRequest, faultReq: { method: string; path: string; mailbox?: string }, target: Target, run: () => Promise<GraphResponse>): Promise<GraphResponse> {
    const fault = this.deps.faults.take(faultReq);
    if (fault) {
      await sleep(fault.latencyMs ?? 0);
      return this.faultResponse(fault);
    }
    const key = target.mailbox?.id;
    if (key) this.deps.throttle.enter(key);
    try {
      // Added latency holds the mailbox's concurrency slot, as a slow backend would.
      await sleep(this.deps.faults.latencyMs);
      return await run();
    } finally {
      if (key) this.deps.throttle.leave(key);
    }
  }

  private faultResponse(fault: FaultRule): GraphResponse {
    const headers: Record<string, string> = { ...(fault.headers ?? {}) };
    if ((fault.status === 429 || fault.status === 503) && !Object.keys(headers).some((h) => h.toLowerCase() === 'retry-after')) headers['Retry-After'] = '1';
    const code = DEFAULT_CODES[fault.status] ?? 'UnknownError';
    const body = fault.body ?? graphErrorBody(code, `Injected fault: ${fault.status}`, newRequestId());
    return { status: fault.status, headers, body };
  }

  private errorResponse(err: unknown, requestId: string, clientRequestId: string): GraphResponse {
    if (err instanceof GraphHttpError) {
      const headers = { ...err.headers };
      if (err.status === 401) headers['WWW-Authenticate'] = 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';
      return { status: err.status, headers, body: graphErrorBody(err.code, err.message, requestId, clientRequestId) };
    }
    // Bad input must never crash the emulator; an unexpected error is a 500 like Graph's.
    return { status: 500, headers: {}, body: graphErrorBody('InternalServerError', (err as Error)?.message ?? 'Internal error', requestId, clientRequestId) };
  }

  /** /me → the caller; /users/{id|upn} → that mailbox if the caller may see it. */
  private resolveTarget(principal: Principal, path: string): Target {
    const segments = pathSegments(path);
    const first = segments[0]?.toLowerCase();
    if (first === 'me') {
      if (principal.kind !== 'user') throw badRequest('/me request is only valid with delegated authentication flow.');
      return { mailbox: this.deps.store.mailboxes.get(principal.mailboxId), prefix: `/${segments[0]}`, rest: segments.slice(1) };
    }
    if (first === 'users' && segments.length >= 2) {
      const key = segments[1];
      const mailbox = this.deps.store.findMailbox(key);
      // Another tenant's users do not exist from this token's point of view.
      if (!mailbox || mailbox.tenantId !== principal.tenantId) throw segments.length === 2 ? resourceNotFound(key) : invalidUser(key);
      if (principal.kind === 'user' && principal.mailboxId !== mailbox.id) throw accessDenied();
      return { mailbox, prefix: `/${segments[0]}/${key}`, rest: segments.slice(2) };
    }
    return { rest: segments };
  }

  private async route(ctx: GraphContext, target: Target): Promise<GraphResponse> {
    if (target.mailbox) {
      requirePermission(ctx.principal, mailboxRule(ctx.req.method.toUpperCase(), target.rest));
      return this.deps.events.route(ctx, target.rest);
    }
    const [head, id, action, ...more] = target.rest;
    const lower = head?.toLowerCase();
    if (lower === 'subscriptions' && more.length === 0) return this.deps.subscriptions.route(ctx, id, action);
    if (lower === 'users' && id === undefined && ctx.req.method.toUpperCase() === 'GET') {
      requirePermission(ctx.principal, PERMISSIONS.listUsers);
      return this.listUsers(ctx);
    }
    throw unsupportedSegment(ctx.req.path || '/');
  }

  private listUsers(ctx: GraphContext): GraphResponse {
    const all = [...this.deps.store.mailboxes.values()].filter((m) => m.tenantId === ctx.principal.tenantId);
    return json(200, {
      '@odata.context': `${ctx.req.serviceRoot}/$metadata#users`,
      value: all.map((m) => ({ id: m.id, displayName: m.displayName, mail: m.email, userPrincipalName: m.email })),
    });
  }
}
