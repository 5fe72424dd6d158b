import express from 'express';
import { FaultInjector, type FaultRule } from '../shared/fault-injector';
import { RequestCounter, type RequestCounts } from '../shared/request-counter';
import { GraphStore, type CreateDirectoryInput, type CreateMailboxInput, type GraphStoreState } from './graph-store';
import type { Directory, EventFields, Mailbox } from './graph-model';
import { IdentityService, type AppRegistration, type IdentityState, type TokenResponse } from './identity-service';
import { GraphEventsRoutes } from './graph-events.routes';
import { DeltaTracker, STRICT_DELTA, type DeltaBehaviour, type DeltaTrackerState } from './graph-delta';
import { GraphSubscriptions, type LifecycleEvent, type SubscriptionRecord } from './graph-subscriptions';
import { MailboxThrottle, type ThrottleLimits } from './graph-throttle';
import { GraphService } from './graph-service';
import { GraphBatch, type BatchOrder } from './graph-batch';
import { SeededRandom } from './seeded-random';
import { graphHttpHandler } from './graph-http';
import { identityRouter } from './identity.routes';
import { controlRouter, ControlError } from './microsoft-control.routes';
import { parseEventInput, validateFields } from './graph-event-input';
import { renderEvent, resolveItem, storedItem } from './graph-event-view';
import { occurrenceId } from './graph-ids';
import { GraphHttpError } from './graph-errors';
import { objectOf } from '../shared/state-shape';

/** Everything a restart must not forget (sandbox persistence); plain JSON-able data. */
export interface MicrosoftEmulatorState {
  store: GraphStoreState;
  identity: IdentityState;
  delta: DeltaTrackerState;
  subscriptions: SubscriptionRecord[];
}

export interface MicrosoftEmulatorOptions {
  /** /authorize redirects at once when login_hint names a mailbox (no consent page). Default false. */
  autoConsent?: boolean;
  /** Access token lifetime. Default 3600 s (Entra ID issues 60–90 minutes). */
  accessTokenTtlSeconds?: number;
  /** Refresh token inactivity lifetime. Default 90 days. */
  refreshTokenTtlSeconds?: number;
  /** Authorization code lifetime. Default 600 s. */
  authorizationCodeTtlSeconds?: number;
  /** Per-mailbox limits; defaults are Graph's Outlook limits (10,000 / 10 min, 4 concurrent). */
  throttling?: Partial<ThrottleLimits>;
  /** Longest event subscription lifetime in minutes. Default 10,080 (7 days). */
  subscriptionMaxLifetimeMinutes?: number;
  /** Time the notification endpoint has to answer the validation request. Default 10,000 ms. */
  validationTimeoutMs?: number;
  /** Page size of calendarView/delta without Prefer: odata.maxpagesize. Default 10. */
  deltaPageSize?: number;
  /** Graph's delta quirks (repeats, phantom @removed, few valid delta links); all on by default. */
  delta?: Partial<DeltaBehaviour>;
  /** Seed of the emulator's deterministic "any order" / "may repeat" behaviours. Default 1. */
  seed?: number;
  /** $batch response order: 'shuffled' (default; Graph promises no order) or 'request'. */
  batchOrder?: BatchOrder;
  /** Clock, for tests of expiry. Default Date.now. */
  now?: () => number;
  /** Registered up front (sandbox mode): directories first, so mailboxes land in them by domain. */
  directories?: CreateDirectoryInput[];
  apps?: Parameters<IdentityService['registerApp']>[0][];
  mailboxes?: CreateMailboxInput[];
}

export interface MailboxInfo {
  id: string;
  email: string;
  userPrincipalName: string;
  displayName: string;
  timeZone: string;
  tenantId: string;
  defaultCalendarId: string;
}

/** Event JSON as Graph accepts it, plus seeding-only members for series. */
export interface SeedEventInput extends Record<string, unknown> {
  calendarId?: string;
  /** Modified occurrences: the occurrence's local date and the properties that differ. */
  exceptions?: ({ originalStartDate: string } & Record<string, unknown>)[];
  /** Deleted occurrences, by local date (yyyy-MM-dd). */
  cancelledOccurrences?: string[];
}

/**
 * In-process emulator of Microsoft Graph v1.0 calendar endpoints and the Microsoft
 * identity platform v2.0 endpoints. Mount router() before any body parser.
 */
export class MicrosoftEmulator {
  readonly store: GraphStore;
  readonly identity: IdentityService;
  readonly faults = new FaultInjector();
  readonly counter = new RequestCounter();
  private readonly throttle: MailboxThrottle;
  private readonly delta: DeltaTracker;
  private readonly subscriptions: GraphSubscriptions;
  private readonly events: GraphEventsRoutes;
  private readonly service: GraphService;
  private readonly batch: GraphBatch;
  private autoConsent: boolean;
  /** Batch order and delta repeats draw from their own seeded sequences. */
  private readonly randoms: SeededRandom[];

  constructor(private readonly options: MicrosoftEmulatorOptions = {}) {
    const now = options.now ?? Date.now;
    this.autoConsent = options.autoConsent ?? false;
    this.store = new GraphStore(now);
    this.identity = new IdentityService(this.store, {
      accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
      refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 90 * 24 * 3600,
      authorizationCodeTtlSeconds: options.authorizationCodeTtlSeconds ?? 600,
      now,
    });
    this.throttle = new MailboxThrottle(options.throttling ?? {}, now);
    const seed = options.seed ?? 1;
    this.randoms = [new SeededRandom(seed), new SeededRandom(seed + 1)];
    this.delta = new DeltaTracker((mailboxId, calendarId) => this.store.eventsOf(mailboxId, calendarId), options.deltaPageSize ?? 10, this.randoms[1], { ...STRICT_DELTA, ...options.delta });
    this.subscriptions = new GraphSubscriptions(this.store, {
      maxLifetimeMinutes: options.subscriptionMaxLifetimeMinutes ?? 10_080,
      validationTimeoutMs: options.validationTimeoutMs ?? 10_000,
      now,
    });
    this.events = new GraphEventsRoutes(this.store, this.delta);
    this.service = new GraphService({ store: this.store, identity: this.identity, events: this.events, subscriptions: this.subscriptions, throttle: this.throttle, faults: this.faults, counter: this.counter, now });
    this.batch = new GraphBatch(this.service, this.randoms[0], options.batchOrder ?? 'shuffled');
    this.applySeed();
  }

  /** Graph at /graph/v1.0, identity at /login, control at /_control. */
  router(): express.Router {
    const router = express.Router();
    router.use('/graph/v1.0', graphHttpHandler(this.service, this.batch));
    router.use('/login', identityRouter(this.identity, this.store, { autoConsent: () => this.autoConsent }));
    router.use('/_control', controlRouter(this));
    return router;
  }

  // ---- persistence ----------------------------------------------------------

  exportState(): MicrosoftEmulatorState {
    return {
      store: this.store.exportState(),
      identity: this.identity.exportState(),
      delta: this.delta.exportState(),
      subscriptions: this.subscriptions.exportState(),
    };
  }

  /**
   * Replaces the world with a saved one, then applies the constructor's seed again (it only
   * adds what is missing). A state that does not fit throws and leaves a freshly reset emulator.
   */
  importState(state: MicrosoftEmulatorState): void {
    try {
      const saved = objectOf<MicrosoftEmulatorState>(state, 'microsoft state');
      this.store.importState(objectOf<GraphStoreState>(saved.store, 'microsoft.store'));
      this.identity.importState(objectOf<IdentityState>(saved.identity, 'microsoft.identity'));
      this.delta.importState(objectOf<DeltaTrackerState>(saved.delta, 'microsoft.delta'));
      this.subscriptions.importState(saved.subscriptions);
    } catch (error) {
      this.reset();
      throw error;
    }
    this.applySeed();
  }

  // ---- directories, mailboxes, calendars, apps -----------------------------

  createDirectory(input: CreateDirectoryInput): Directory {
    return { ...this.store.createDirectory(input) };
  }

  createMailbox(input: CreateMailboxInput): MailboxInfo {
    return info(this.store.createMailbox(input));
  }

  listMailboxes(): MailboxInfo[] {
    return [...this.store.mailboxes.values()].map(info);
  }

  createCalendar(mailbox: string, name: string, id?: string): { id: string; name: string } {
    if (!name) throw new ControlError(400, 'calendar name is required');
    const calendar = this.store.createCalendar(this.mailbox(mailbox).id, name, false, id);
    return { id: calendar.id, name: calendar.name };
  }

  /**
   * A calendar another user shared into the mailbox, as it appears in /calendars after the share
   * is accepted: owner = the sharer, canEdit false for a read-only share (writes then answer 403
   * ErrorAccessDenied), canShare false. Events are seeded into it through seedEvent.
   */
  addSharedCalendar(mailbox: string, input: { name?: unknown; id?: unknown; owner?: unknown; canEdit?: unknown }): { id: string; name: string; canEdit: boolean; owner: { name: string; address: string } } {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!name) throw new ControlError(400, 'calendar name is required');
    const owner = (input.owner ?? {}) as { name?: unknown; address?: unknown };
    const address = typeof owner.address === 'string' ? owner.address.trim().toLowerCase() : '';
    if (!/^[^@\s]+@[^@\s]+$/.test(address)) throw new ControlError(400, 'owner.address must be the email address of the sharer');
    if (input.canEdit !== undefined && typeof input.canEdit !== 'boolean') throw new ControlError(400, 'canEdit must be a boolean');
    if (input.id !== undefined && (typeof input.id !== 'string' || !input.id || this.store.calendars.has(input.id))) throw new ControlError(400, 'id must be a new calendar id');
    const m = this.mailbox(mailbox);
    if (address === m.email) throw new ControlError(400, 'a mailbox cannot share a calendar with itself');
    const sharedBy = { name: typeof owner.name === 'string' && owner.name ? owner.name : address.split('@')[0], address, canEdit: input.canEdit ?? false };
    const calendar = this.store.createCalendar(m.id, name, false, input.id, sharedBy);
    return { id: calendar.id, name: calendar.name, canEdit: sharedBy.canEdit, owner: { name: sharedBy.name, address } };
  }

  registerApp(input: Parameters<IdentityService['registerApp']>[0]): AppRegistration {
    return { ...this.identity.registerApp(input) };
  }

  setAutoConsent(enabled: boolean): void {
    this.autoConsent = enabled;
  }

  /** A token without the browser dance: delegated for a mailbox, or app-only for a tenant. */
  issueToken(input: { clientId: string; mailbox?: string; scopes?: string[]; tenantId?: string }): TokenResponse {
    const mailbox = input.mailbox ? this.mailbox(input.mailbox) : undefined;
    return this.identity.issueAccessToken({ clientId: input.clientId, mailbox, scopes: input.scopes, appOnlyTenantId: input.tenantId });
  }

  // ---- events ------------------------------------------------------------

  /**
   * Writes an event as if the user had created it in Outlook (no request counted).
   * Accepts Graph event JSON; series may carry exceptions and cancelledOccurrences.
   */
  seedEvent(mailbox: string, input: SeedEventInput): Record<string, unknown> {
    const m = this.mailbox(mailbox);
    const { calendarId, exceptions, cancelledOccurrences, ...body } = input;
    const calendar = this.store.calendars.get(calendarId ?? m.defaultCalendarId);
    if (!calendar || calendar.mailboxId !== m.id) throw new ControlError(404, `unknown calendar ${calendarId}`);
    try {
      const parsed = parseEventInput(body, m);
      const event = this.events.buildEvent(m, calendar, parsed.fields, parsed.transactionId ?? null, parsed.extendedProperties ?? []);
      for (const ex of exceptions ?? []) {
        if (!event.fields.recurrence) throw new ControlError(400, 'exceptions need a recurring event');
        const { originalStartDate, ...overrides } = ex;
        const parsedEx = parseEventInput(overrides, m);
        const item = resolveItem(new Map([[event.id, event]]), occurrenceId(event.id, originalStartDate));
        if (!item) throw new ControlError(400, `${originalStartDate} is not an occurrence of the series`);
        validateFields({ ...item.fields, ...parsedEx.fields, recurrence: null } as EventFields);
        event.exceptions.set(originalStartDate, { dateKey: originalStartDate, overrides: parsedEx.fields, extendedProperties: parsedEx.extendedProperties ?? [], changeKey: event.changeKey, lastModifiedDateTime: event.lastModifiedDateTime });
      }
      for (const date of cancelledOccurrences ?? []) {
        if (!resolveItem(new Map([[event.id, event]]), occurrenceId(event.id, date))) throw new ControlError(400, `${date} is not an occurrence of the series`);
        event.cancelledDates.add(date);
        event.exceptions.delete(date);
      }
      this.store.insert(event);
      return this.storedView(event.id);
    } catch (err) {
      if (err instanceof GraphHttpError) throw new ControlError(400, `${err.code}: ${err.message}`);
      throw err;
    }
  }

  /** A mailbox's events as stored: singles and series masters with their exceptions and extended properties. */
  listStoredEvents(mailbox: string, calendarId?: string): Record<string, unknown>[] {
    const m = this.mailbox(mailbox);
    return this.store.eventsOf(m.id, calendarId).map((e) => this.storedView(e.id));
  }

  private storedView(id: string): Record<string, unknown> {
    const event = this.store.events.get(id)!;
    return {
      ...renderEvent(storedItem(event), { outputZone: 'UTC', expandExtended: null, expandExceptions: true, includeCancelledOccurrences: true }),
      calendarId: event.calendarId,
    };
  }

  // ---- observation and faults ----------------------------------------------

  requestCounts(): RequestCounts {
    return this.counter.snapshot();
  }

  resetRequestCounts(): void {
    this.counter.reset();
  }

  injectFault(rule: FaultRule): void {
    if (!Number.isInteger(rule.status) || rule.status < 100 || rule.status > 599) throw new ControlError(400, 'fault status must be an HTTP status');
    this.faults.add({ ...rule, count: rule.count ?? 1 });
  }

  setLatency(ms: number): void {
    this.faults.setLatency(ms);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  revokeGrants(mailbox: string, clientId?: string): number {
    return this.identity.revokeGrants(this.mailbox(mailbox).id, clientId);
  }

  expireDeltaTokens(mailbox: string): number {
    return this.delta.expireMailbox(this.mailbox(mailbox).id);
  }

  throttling(): ThrottleLimits {
    return this.throttle.current;
  }

  setThrottling(limits: Partial<ThrottleLimits>): ThrottleLimits {
    this.throttle.setLimits(limits);
    return this.throttle.current;
  }

  // ---- subscriptions ---------------------------------------------------------

  listSubscriptions(): SubscriptionRecord[] {
    return this.subscriptions.all();
  }

  triggerLifecycleNotification(subscriptionId: string, lifecycleEvent: LifecycleEvent): Promise<number> {
    return this.subscriptions.triggerLifecycle(subscriptionId, lifecycleEvent).catch((err: Error) => {
      throw new ControlError(/unknown subscription/.test(err.message) ? 404 : 400, err.message);
    });
  }

  /** Resolves once every change notification already triggered has been delivered. */
  flushNotifications(): Promise<void> {
    return this.subscriptions.flush();
  }

  notificationDeliveries(): { url: string; status: number; body: unknown }[] {
    return [...this.subscriptions.deliveries];
  }

  /** Back to an empty emulator (plus the seed given in the options). */
  reset(): void {
    this.store.reset();
    this.identity.reset();
    this.faults.clear();
    this.counter.reset();
    this.throttle.reset();
    this.delta.reset();
    for (const random of this.randoms) random.reset();
    this.subscriptions.reset();
    this.autoConsent = this.options.autoConsent ?? false;
    this.applySeed();
  }

  /** Idempotent: what already exists (after importState) is kept; registrations are refreshed. */
  private applySeed(): void {
    for (const directory of this.options.directories ?? []) this.store.createDirectory(directory);
    for (const app of this.options.apps ?? []) this.identity.registerApp(app);
    for (const mailbox of this.options.mailboxes ?? []) {
      if (!this.store.findMailbox(mailbox.email)) this.store.createMailbox(mailbox);
    }
  }

  private mailbox(idOrEmail: string): Mailbox {
    const m = this.store.findMailbox(idOrEmail);
    if (!m) throw new ControlError(404, `unknown mailbox ${idOrEmail}`);
    return m;
  }
}

function info(m: Mailbox): MailboxInfo {
  return { id: m.id, email: m.email, userPrincipalName: m.email, displayName: m.displayName, timeZone: m.timeZone, tenantId: m.tenantId, defaultCalendarId: m.defaultCalendarId };
}
