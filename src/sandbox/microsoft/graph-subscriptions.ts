import { arrayOf } from '../shared/state-shape';
import { postNotification } from '../shared/webhook-notifier';
import { PERMISSIONS, requirePermission } from './graph-permissions';
import { badRequest, GraphHttpError, methodNotAllowed } from './graph-errors';
import type { Mailbox, Principal } from './graph-model';
import { newSubscriptionId, randomToken } from './graph-ids';
import { json, noContent, pathSegments, type GraphContext, type GraphResponse } from './graph-request';
import type { EventChange, GraphStore } from './graph-store';

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';
export const LIFECYCLE_EVENTS: LifecycleEvent[] = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'];

export interface SubscriptionRecord {
  id: string;
  resource: string;
  changeType: string;
  clientState: string | null;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  expirationDateTime: string;
  applicationId: string;
  creatorId: string;
  tenantId: string;
  mailboxId: string;
  calendarId?: string;
}

export interface SubscriptionOptions {
  /** Longest lifetime for Outlook event subscriptions, in minutes (docs: 10,080). */
  maxLifetimeMinutes: number;
  /** How long the notification endpoint has to echo validationToken (docs: 10 s). */
  validationTimeoutMs: number;
  now: () => number;
}

const subscriptionError = (message: string) => badRequest(message, 'InvalidRequest');
const notFound = () => new GraphHttpError(404, 'ResourceNotFound', 'The object was not found.');

/**
 * Graph change notifications for Outlook events: validation handshake on create (and on
 * notificationUrl change), change notifications on every event write, renewal by
 * PATCH, lifecycle notifications on demand.
 */
export class GraphSubscriptions {
  private readonly subscriptions = new Map<string, SubscriptionRecord>();
  private readonly pending = new Set<Promise<unknown>>();
  /** Every delivery attempt, newest last, for the control API. */
  readonly deliveries: { url: string; status: number; body: unknown }[] = [];

  constructor(
    private readonly store: GraphStore,
    private readonly options: SubscriptionOptions,
  ) {
    store.onChange((change) => this.onEventChange(change));
  }

  route(ctx: GraphContext, id: string | undefined, action: string | undefined): Promise<GraphResponse> | GraphResponse {
    const method = ctx.req.method.toUpperCase();
    if (id === undefined) {
      if (method === 'POST') return this.create(ctx);
      if (method === 'GET') return this.list(ctx);
      throw methodNotAllowed();
    }
    const sub = this.visible(ctx.principal, id);
    if (action !== undefined) {
      if (action.toLowerCase() === 'reauthorize' && method === 'POST') return noContent();
      throw methodNotAllowed();
    }
    if (method === 'GET') return json(200, this.render(ctx, sub));
    if (method === 'PATCH') return this.update(ctx, sub);
    if (method === 'DELETE') {
      this.subscriptions.delete(sub.id);
      return noContent();
    }
    throw methodNotAllowed();
  }

  all(): SubscriptionRecord[] {
    this.dropExpired();
    return [...this.subscriptions.values()].map((s) => ({ ...s }));
  }

  /** Waits for notifications already on their way (tests and control API). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Live subscriptions survive a restart, as Graph keeps them until they expire. */
  exportState(): SubscriptionRecord[] {
    return this.all();
  }

  importState(records: SubscriptionRecord[]): void {
    this.reset();
    for (const record of arrayOf<SubscriptionRecord>(records, 'microsoft.subscriptions')) this.subscriptions.set(record.id, record);
  }

  reset(): void {
    this.subscriptions.clear();
    this.deliveries.length = 0;
  }

  /** Sends a lifecycle notification; subscriptionRemoved also deletes the subscription. Returns the receiver's status. */
  async triggerLifecycle(id: string, lifecycleEvent: LifecycleEvent): Promise<number> {
    const sub = this.subscriptions.get(id);
    if (!sub) throw new Error(`unknown subscription ${id}`);
    if (!LIFECYCLE_EVENTS.includes(lifecycleEvent)) throw new Error(`unknown lifecycle event ${lifecycleEvent}`);
    if (!sub.lifecycleNotificationUrl) throw new Error(`subscription ${id} has no lifecycleNotificationUrl`);
    const body = {
      value: [
        {
          subscriptionId: sub.id,
          subscriptionExpirationDateTime: sub.expirationDateTime,
          tenantId: sub.tenantId,
          clientState: sub.clientState,
          lifecycleEvent,
        },
      ],
    };
    if (lifecycleEvent === 'subscriptionRemoved') this.subscriptions.delete(id);
    return this.deliver(sub.lifecycleNotificationUrl, body);
  }

  private visible(principal: Principal, id: string): SubscriptionRecord {
    this.dropExpired();
    const sub = this.subscriptions.get(id);
    if (!sub || sub.applicationId !== principal.clientId) throw notFound();
    return sub;
  }

  private dropExpired(): void {
    const now = this.options.now();
    for (const [id, sub] of this.subscriptions) if (Date.parse(sub.expirationDateTime) <= now) this.subscriptions.delete(id);
  }

  private list(ctx: GraphContext): GraphResponse {
    this.dropExpired();
    const value = [...this.subscriptions.values()].filter((s) => s.applicationId === ctx.principal.clientId).map((s) => this.render(ctx, s, false));
    return json(200, { '@odata.context': `${ctx.req.serviceRoot}/$metadata#subscriptions`, value });
  }

  private render(ctx: GraphContext, s: SubscriptionRecord, withContext = true): Record<string, unknown> {
    return {
      ...(withContext ? { '@odata.context': `${ctx.req.serviceRoot}/$metadata#subscriptions/$entity` } : {}),
      id: s.id,
      resource: s.resource,
      applicationId: s.applicationId,
      changeType: s.changeType,
      clientState: s.clientState,
      notificationUrl: s.notificationUrl,
      notificationQueryOptions: null,
      lifecycleNotificationUrl: s.lifecycleNotificationUrl,
      expirationDateTime: s.expirationDateTime,
      creatorId: s.creatorId,
      includeResourceData: null,
      latestSupportedTlsVersion: 'v1_2',
      encryptionCertificate: null,
      encryptionCertificateId: null,
      notificationUrlAppId: null,
    };
  }

  private async create(ctx: GraphContext): Promise<GraphResponse> {
    const body = (ctx.req.body ?? {}) as Record<string, unknown>;
    const changeType = this.parseChangeType(body.changeType);
    const notificationUrl = this.parseUrl(body.notificationUrl, 'notificationUrl');
    const lifecycleNotificationUrl = body.lifecycleNotificationUrl == null ? null : this.parseUrl(body.lifecycleNotificationUrl, 'lifecycleNotificationUrl');
    if (typeof body.resource !== 'string' || !body.resource) throw subscriptionError("The 'resource' property is required.");
    const target = this.resolveResource(ctx, body.resource);
    requirePermission(ctx.principal, PERMISSIONS.subscribeEvents);
    const expirationDateTime = this.parseExpiration(body.expirationDateTime);
    const clientState = body.clientState == null ? null : String(body.clientState);
    if (clientState && clientState.length > 128) throw subscriptionError('clientState must be at most 128 characters.');
    await this.validateEndpoint(notificationUrl);
    if (lifecycleNotificationUrl) await this.validateEndpoint(lifecycleNotificationUrl);
    const sub: SubscriptionRecord = {
      id: newSubscriptionId(),
      resource: body.resource,
      changeType,
      clientState,
      notificationUrl,
      lifecycleNotificationUrl,
      expirationDateTime,
      applicationId: ctx.principal.clientId,
      creatorId: ctx.principal.kind === 'user' ? ctx.principal.mailboxId : ctx.principal.clientId,
      tenantId: target.mailbox.tenantId,
      mailboxId: target.mailbox.id,
      calendarId: target.calendarId,
    };
    this.subscriptions.set(sub.id, sub);
    return json(201, this.render(ctx, sub));
  }

  private async update(ctx: GraphContext, sub: SubscriptionRecord): Promise<GraphResponse> {
    const body = (ctx.req.body ?? {}) as Record<string, unknown>;
    const expiration = body.expirationDateTime === undefined ? sub.expirationDateTime : this.parseExpiration(body.expirationDateTime);
    if (body.notificationUrl !== undefined) {
      const url = this.parseUrl(body.notificationUrl, 'notificationUrl');
      if (url !== sub.notificationUrl) await this.validateEndpoint(url);
      sub.notificationUrl = url;
    }
    sub.expirationDateTime = expiration;
    return json(200, this.render(ctx, sub));
  }

  private parseChangeType(value: unknown): string {
    const parts = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
    if (parts.length === 0 || parts.some((p) => !['created', 'updated', 'deleted'].includes(p))) {
      throw subscriptionError(`Invalid changeType '${String(value)}'. Allowed values are created, updated, deleted.`);
    }
    return parts.join(',');
  }

  private parseUrl(value: unknown, name: string): string {
    try {
      const url = new URL(String(value));
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
      return url.toString();
    } catch {
      throw subscriptionError(`Invalid ${name} '${String(value)}'.`);
    }
  }

  private parseExpiration(value: unknown): string {
    const ms = typeof value === 'string' ? Date.parse(value) : NaN;
    if (Number.isNaN(ms)) throw subscriptionError("The 'expirationDateTime' property is required and must be a valid date.");
    const now = this.options.now();
    if (ms <= now) throw subscriptionError('Subscription expiration must be in the future.');
    if (ms > now + this.options.maxLifetimeMinutes * 60_000) {
      throw subscriptionError(`Subscription expiration can only be ${this.options.maxLifetimeMinutes} minutes in the future.`);
    }
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** me/events, users/{id}/events, .../calendar/events, .../calendars/{id}/events (a $filter suffix is ignored). */
  private resolveResource(ctx: GraphContext, resource: string): { mailbox: Mailbox; calendarId?: string } {
    const segments = pathSegments(resource.split('?')[0]);
    const lower = segments.map((s) => s.toLowerCase());
    let mailbox: Mailbox | undefined;
    let rest: string[];
    if (lower[0] === 'me') {
      if (ctx.principal.kind !== 'user') throw badRequest('/me request is only valid with delegated authentication flow.');
      mailbox = this.store.mailboxes.get(ctx.principal.mailboxId);
      rest = segments.slice(1);
    } else if (lower[0] === 'users' && segments[1]) {
      mailbox = this.store.findMailbox(segments[1]);
      rest = segments.slice(2);
      if (!mailbox || mailbox.tenantId !== ctx.principal.tenantId) throw new GraphHttpError(404, 'ResourceNotFound', `Resource '${resource}' does not exist.`);
      if (ctx.principal.kind === 'user' && ctx.principal.mailboxId !== mailbox.id) throw new GraphHttpError(403, 'ExtensionError', 'Operation: Create; Exception: [Status Code: Forbidden; Reason: Access is denied.]');
    } else {
      throw subscriptionError(`Resource '${resource}' is not supported.`);
    }
    if (!mailbox) throw new GraphHttpError(404, 'ResourceNotFound', `Resource '${resource}' does not exist.`);
    const r = rest.map((s) => s.toLowerCase());
    // Like GET /me/events, a subscription on /me/events covers the default calendar only.
    if (r.length === 1 && r[0] === 'events') return { mailbox, calendarId: mailbox.defaultCalendarId };
    if (r.length === 2 && r[0] === 'calendar' && r[1] === 'events') return { mailbox, calendarId: mailbox.defaultCalendarId };
    if (r.length === 3 && r[0] === 'calendars' && r[2] === 'events') {
      const calendar = this.store.calendars.get(rest[1]);
      if (!calendar || calendar.mailboxId !== mailbox.id) throw new GraphHttpError(404, 'ResourceNotFound', `Resource '${resource}' does not exist.`);
      return { mailbox, calendarId: calendar.id };
    }
    throw subscriptionError(`Resource '${resource}' is not supported.`);
  }

  /** POST {url}?validationToken=... and require 200 text/plain echoing the token in time. */
  private async validateEndpoint(url: string): Promise<void> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomToken(12)}`;
    const target = `${url}${url.includes('?') ? '&' : '?'}validationToken=${encodeURIComponent(token)}`;
    let response: Response;
    try {
      response = await fetch(target, { method: 'POST', headers: { 'Content-Type': 'text/plain; charset=utf-8' }, signal: AbortSignal.timeout(this.options.validationTimeoutMs) });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError';
      throw badRequest(timedOut ? 'Subscription validation request timed out.' : 'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.', 'ValidationError');
    }
    const text = await response.text().catch(() => '');
    if (response.status !== 200) {
      throw badRequest('Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.', 'ValidationError');
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (!contentType.toLowerCase().startsWith('text/plain') || text !== token) {
      throw badRequest('Subscription validation request failed. Response must exactly match validationToken query parameter.', 'ValidationError');
    }
  }

  private onEventChange(change: EventChange): void {
    this.dropExpired();
    for (const sub of this.subscriptions.values()) {
      if (sub.mailboxId !== change.mailbox.id) continue;
      if (sub.calendarId && sub.calendarId !== change.event.calendarId) continue;
      if (!sub.changeType.split(',').includes(change.changeType)) continue;
      const resource = `Users/${change.mailbox.id}/Events/${change.event.id}`;
      const body = {
        value: [
          {
            subscriptionId: sub.id,
            subscriptionExpirationDateTime: sub.expirationDateTime,
            changeType: change.changeType,
            resource,
            resourceData: {
              '@odata.type': '#Microsoft.Graph.Event',
              '@odata.id': resource,
              '@odata.etag': `W/"${change.event.changeKey}"`,
              id: change.event.id,
            },
            clientState: sub.clientState,
            tenantId: sub.tenantId,
          },
        ],
      };
      void this.deliver(sub.notificationUrl, body);
    }
  }

  private deliver(url: string, body: unknown): Promise<number> {
    const promise = postNotification(url, { 'Content-Type': 'application/json; charset=utf-8' }, body).then((status) => {
      this.deliveries.push({ url, status, body });
      if (this.deliveries.length > 1000) this.deliveries.shift();
      return status;
    });
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
    return promise;
  }
}
