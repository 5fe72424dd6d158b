import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { FaultInjector, type FaultRule } from '../shared/fault-injector';
import { BodyTooLargeError, DEFAULT_BODY_LIMIT, InvalidJsonError } from '../shared/raw-body';
import { RequestCounter, type RequestCounts } from '../shared/request-counter';
import { SlidingWindowLimiter } from '../shared/sliding-window-limiter';
import { registerBatchRoutes } from './google-batch';
import { registerCalendarRoutes } from './google-calendar.routes';
import type { EmulatorSettings, GoogleEmulatorContext } from './google-context';
import { registerControlRoutes } from './google-control.routes';
import { errors, googleErrorBody } from './google-errors';
import { EventService } from './google-events';
import { registerOAuthRoutes } from './google-oauth.routes';
import { OAuthStore, type OAuthClient, type OAuthClientInput, type OAuthState, type TokenResponse } from './google-oauth-store';
import { DEFAULT_PAGING, type PagingSettings } from './google-paging';
import { PushChannels, type Channel, type Delivery } from './google-push';
import { GoogleStore, normalizeEmail, type GoogleStoreState } from './google-store';
import { objectOf } from '../shared/state-shape';
import { TokenGrants } from './google-token-grants';
import {
  CALENDAR_SCOPES,
  type AccessRole,
  type Calendar,
  type CalendarInput,
  type EventResource,
  type Mailbox,
  type MailboxInput,
  type QuotaConfig,
  type SeedEvent,
} from './google-types';

export interface GoogleEmulatorOptions {
  /** Lifetime of access tokens (Google: 3599 s). Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Lifetime of authorization codes. Default 600. */
  authCodeTtlSeconds?: number;
  /**
   * Consent without a page: `true` consents as the login_hint mailbox (or the only mailbox);
   * a string always consents as that mailbox. Default false (show the consent page).
   */
  autoConsent?: boolean | string;
  /** Let the consent page create a mailbox for a typed address. Default true. */
  createMailboxOnConsent?: boolean;
  /** Per-mailbox quota. Default 600 requests / 60 s, answered 403 rateLimitExceeded. */
  quota?: QuotaConfig;
  /** Sync tokens older than this answer 410. Default: they never expire on their own. */
  syncTokenTtlMs?: number;
  /**
   * Short and empty pages before the last one, from a seeded sequence (default on, seed 1).
   * Google documents that any page may be short or empty; turn it off only in tests that
   * assert exact page contents.
   */
  paging?: Partial<PagingSettings>;
  /** events.list `updatedMin` older than this many days answers 410 updatedMinTooLongAgo. Default 28. */
  updatedMinMaxAgeDays?: number;
  /** Open-ended series are expanded up to this many days after now. Default 730. */
  recurrenceHorizonDays?: number;
  /** Cap on instances of one series per expansion. Default 2500. */
  maxInstancesPerSeries?: number;
  /** Default and maximum lifetime of push channels. Default 604800 (7 days). */
  channelTtlSeconds?: number;
  /** Request body cap. Default 10 MiB. */
  maxBodyBytes?: number;
  /** Time source (ms since epoch), for tests that move time. */
  clock?: () => number;
  /** When set, /_control/* requires `Authorization: Bearer <controlToken>`. */
  controlToken?: string;
  /** Initial state, also restored by reset(). */
  clients?: OAuthClientInput[];
  mailboxes?: MailboxInput[];
}

export interface GoogleEmulatorState {
  store: GoogleStoreState;
  oauth: OAuthState;
  channels: Channel[];
}

export interface RevokeFilter {
  mailbox?: string;
  clientId?: string;
  token?: string;
}

export interface IssueTokensInput {
  mailbox: string;
  clientId?: string;
  scope?: string | string[];
  offline?: boolean;
}

const EMULATOR_CLIENT_ID = 'emulator-control.apps.googleusercontent.com';

/**
 * In-process emulator of Google Calendar API v3 and Google's OAuth 2.0 server.
 * Mount router() under any path (the app uses /sandbox/google) before body parsers.
 */
export class GoogleEmulator {
  private readonly ctx: GoogleEmulatorContext;
  private readonly options: GoogleEmulatorOptions;

  constructor(options: GoogleEmulatorOptions = {}) {
    this.options = options;
    const clock = options.clock ?? (() => Date.now());
    const settings = resolveSettings(options);
    const store = new GoogleStore(clock);
    const oauth = new OAuthStore(clock, options.accessTokenTtlSeconds ?? 3600);
    const push = new PushChannels(clock, settings.channelTtlSeconds);
    store.onChange((calendar) => push.notifyChange(calendar));
    this.ctx = {
      clock,
      settings,
      store,
      oauth,
      grants: new TokenGrants(oauth, store, clock),
      events: new EventService(
        store,
        {
          recurrenceHorizonDays: options.recurrenceHorizonDays ?? 730,
          maxInstancesPerSeries: options.maxInstancesPerSeries ?? 2500,
        },
        clock,
      ),
      push,
      faults: new FaultInjector(),
      counter: new RequestCounter(),
      limiter: new SlidingWindowLimiter(settings.quota.requestsPerMinute, settings.quota.windowMs),
    };
    this.seedInitialState();
  }

  router(): Router {
    const router = express.Router();
    registerOAuthRoutes(router, this.ctx);
    registerBatchRoutes(router, this.ctx);
    registerCalendarRoutes(router, this.ctx);
    registerControlRoutes(router, this, this.options.controlToken);
    router.use(handleRouterError);
    return router;
  }

  // ---- control API (also exposed over HTTP under /_control) ----

  /** Drops all state (mailboxes, events, clients, grants, channels, faults, counters) and re-seeds options. */
  reset(): void {
    this.ctx.store.reset();
    this.ctx.oauth.reset();
    this.ctx.push.reset();
    this.ctx.faults.clear();
    this.ctx.counter.reset();
    this.ctx.limiter.reset();
    this.ctx.settings.quota = resolveSettings(this.options).quota;
    this.ctx.settings.paging = resolveSettings(this.options).paging;
    this.ctx.limiter.setLimit(this.ctx.settings.quota.requestsPerMinute, this.ctx.settings.quota.windowMs);
    this.ctx.settings.autoConsent = this.options.autoConsent ?? false;
    this.seedInitialState();
  }

  /** Everything a restart must not forget (sandbox persistence); plain JSON-able data. */
  exportState(): GoogleEmulatorState {
    return {
      store: this.ctx.store.exportState(),
      oauth: this.ctx.oauth.exportState(),
      channels: this.ctx.push.exportChannels(),
    };
  }

  /**
   * Replaces the world with a saved one, then applies the constructor's seed again (it only
   * adds what is missing). A state that does not fit throws and leaves a freshly reset emulator.
   */
  importState(state: GoogleEmulatorState): void {
    try {
      const saved = objectOf<GoogleEmulatorState>(state, 'google state');
      this.ctx.store.importState(objectOf<GoogleStoreState>(saved.store, 'google.store'));
      this.ctx.oauth.importState(objectOf<OAuthState>(saved.oauth, 'google.oauth'));
      this.ctx.push.importChannels(saved.channels);
    } catch (error) {
      this.reset();
      throw error;
    }
    this.seedInitialState();
  }

  registerClient(input: OAuthClientInput): OAuthClient {
    if (!Array.isArray(input.redirectUris)) throw new Error('redirectUris must be an array');
    return this.ctx.oauth.registerClient(input);
  }

  listClients(): OAuthClient[] {
    return [...this.ctx.oauth.clients.values()];
  }

  createMailbox(input: MailboxInput): Mailbox {
    return this.ctx.store.createMailbox(input);
  }

  listMailboxes(): Mailbox[] {
    return [...this.ctx.store.mailboxes.values()];
  }

  /** An extra (secondary) calendar owned by the mailbox. */
  createCalendar(mailbox: string, input: CalendarInput = {}): { id: string; summary: string; timeZone: string } {
    const calendar = this.ctx.store.createCalendar(mailbox, input);
    return { id: calendar.id, summary: calendar.summary, timeZone: calendar.timeZone };
  }

  /**
   * Shares a calendar with another mailbox at a role (an ACL rule of scope type user, as acl.insert
   * makes): it then appears in that mailbox's calendarList with this accessRole, and reader /
   * freeBusyReader answer events writes with 403 requiredAccessLevel.
   */
  shareCalendar(calendarId: string, input: { email: string; role: AccessRole }): { calendarId: string; email: string; role: AccessRole } {
    return this.ctx.store.shareCalendar(calendarId, String(input.email ?? ''), input.role);
  }

  listCalendars(mailbox: string): { id: string; summary: string; timeZone: string; primary: boolean }[] {
    return this.ctx.store.calendarsOf(mailbox).map((c) => ({ id: c.id, summary: c.summary, timeZone: c.timeZone, primary: c.primary }));
  }

  /**
   * Seeds events with the same validation as events.insert. A recurring event may carry
   * `exceptions`: instances (by originalStartTime) that are modified or `status: 'cancelled'`.
   */
  seedEvents(calendarId: string, events: SeedEvent[]): EventResource[] {
    const calendar = this.calendar(calendarId);
    const out: EventResource[] = [];
    for (const { exceptions, ...event } of events) {
      const master = this.ctx.events.insert(calendar, event, true);
      out.push(master);
      for (const exception of exceptions ?? []) {
        out.push(this.ctx.events.insertException(calendar, master, exception.originalStartTime, exception));
      }
    }
    return out;
  }

  /** Events exactly as stored, cancelled ones included. `calendarId` defaults to the primary calendar. */
  readEvents(mailboxOrCalendarId: string, calendarId?: string): EventResource[] {
    const calendar = this.calendar(calendarId ?? mailboxOrCalendarId);
    return [...calendar.events.values()].sort((a, b) => a.seq - b.seq).map((e) => structuredClone(e.resource));
  }

  requestCounts(): RequestCounts {
    return this.ctx.counter.snapshot();
  }

  resetRequestCounts(): void {
    this.ctx.counter.reset();
  }

  injectFault(rule: FaultRule): void {
    this.ctx.faults.add(rule);
  }

  listFaults(): FaultRule[] {
    return this.ctx.faults.list();
  }

  clearFaults(): void {
    this.ctx.faults.clear();
  }

  setLatency(ms: number): void {
    this.ctx.faults.setLatency(ms);
  }

  /** Revokes grants (as if the user removed the app's access). Returns how many were revoked. */
  revokeGrant(filter: RevokeFilter): number {
    if (filter.token) return this.ctx.oauth.revokeByToken(filter.token) ? 1 : 0;
    if (!filter.mailbox && !filter.clientId) throw new Error('revokeGrant needs mailbox, clientId or token');
    return this.ctx.oauth.revokeWhere({ subject: filter.mailbox, clientId: filter.clientId });
  }

  /** Every sync token issued for the calendar so far answers 410 fullSyncRequired. */
  expireSyncTokens(calendarId: string): void {
    this.calendar(calendarId).syncEpoch += 1;
  }

  setQuota(config: QuotaConfig): Required<QuotaConfig> {
    const quota = { ...this.ctx.settings.quota, ...config };
    if (quota.status !== 403 && quota.status !== 429) throw new Error('quota status must be 403 or 429');
    this.ctx.settings.quota = quota;
    this.ctx.limiter.setLimit(quota.requestsPerMinute, quota.windowMs);
    this.ctx.limiter.reset();
    return quota;
  }

  /** Short pages on or off, and their seed (reset() restores the constructor's options). */
  setPaging(config: Partial<PagingSettings>): PagingSettings {
    const paging = { ...this.ctx.settings.paging, ...config };
    if (typeof paging.shortPages !== 'boolean') throw new Error('shortPages must be a boolean');
    if (!Number.isInteger(paging.seed)) throw new Error('seed must be an integer');
    this.ctx.settings.paging = paging;
    return paging;
  }

  setAutoConsent(value: boolean | string): void {
    this.ctx.settings.autoConsent = value;
  }

  /** Registers a service account; without a public key one is generated and its private key returned. */
  registerServiceAccount(input: { clientEmail: string; publicKeyPem?: string; clientId?: string }): {
    clientEmail: string;
    clientId: string;
    privateKeyPem?: string;
  } {
    const { account, privateKeyPem } = this.ctx.oauth.registerServiceAccount(input);
    return { clientEmail: account.clientEmail, clientId: account.clientId, privateKeyPem };
  }

  /** Domain-wide delegation, as a Workspace admin grants it to a service account's client id. */
  grantDomainWideDelegation(input: { domain: string; serviceAccount: string; scopes?: string[] }): void {
    this.ctx.oauth.grantDelegation(input.domain, input.serviceAccount, input.scopes);
  }

  revokeDomainWideDelegation(input: { domain: string; serviceAccount: string }): void {
    this.ctx.oauth.revokeDelegation(input.domain, input.serviceAccount);
  }

  /** Mints tokens for a mailbox without the browser flow (tests, sandbox scripts). */
  issueTokens(input: IssueTokensInput): TokenResponse {
    const subject = normalizeEmail(input.mailbox);
    if (!this.ctx.store.mailbox(subject)) throw new Error(`unknown mailbox: ${input.mailbox}`);
    const scopes = Array.isArray(input.scope) ? input.scope : (input.scope?.split(' ') ?? [CALENDAR_SCOPES.full]);
    const clientId = input.clientId ?? EMULATOR_CLIENT_ID;
    if (!this.ctx.oauth.clients.has(clientId)) this.ctx.oauth.registerClient({ clientId, redirectUris: [] });
    const refreshToken = input.offline === false ? undefined : this.ctx.oauth.newRefreshToken();
    const grant = this.ctx.oauth.createGrant({ clientId, subject, scopes, kind: 'user', refreshToken });
    return this.ctx.oauth.tokenResponse(this.ctx.oauth.issueAccessToken(grant), refreshToken);
  }

  listChannels(): Record<string, unknown>[] {
    return this.ctx.push.list();
  }

  /** Notifications delivered so far (status 0 = receiver unreachable). */
  notificationLog(): Delivery[] {
    return [...this.ctx.push.deliveries];
  }

  /** Waits until every queued push notification has been attempted. */
  flushNotifications(): Promise<void> {
    return this.ctx.push.flush();
  }

  private calendar(calendarId: string): Calendar {
    const calendar = this.ctx.store.calendarById(calendarId);
    if (!calendar) throw new Error(`unknown calendar: ${calendarId}`);
    return calendar;
  }

  private seedInitialState(): void {
    for (const client of this.options.clients ?? []) this.ctx.oauth.registerClient(client);
    for (const mailbox of this.options.mailboxes ?? []) this.ctx.store.createMailbox(mailbox);
  }
}

function resolveSettings(options: GoogleEmulatorOptions): EmulatorSettings {
  return {
    autoConsent: options.autoConsent ?? false,
    createMailboxOnConsent: options.createMailboxOnConsent ?? true,
    authCodeTtlSeconds: options.authCodeTtlSeconds ?? 600,
    syncTokenTtlMs: options.syncTokenTtlMs,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_BODY_LIMIT,
    channelTtlSeconds: options.channelTtlSeconds ?? 604_800,
    paging: { ...DEFAULT_PAGING, ...options.paging },
    updatedMinMaxAgeMs: (options.updatedMinMaxAgeDays ?? 28) * 86_400_000,
    quota: {
      requestsPerMinute: options.quota?.requestsPerMinute ?? 600,
      windowMs: options.quota?.windowMs ?? 60_000,
      status: options.quota?.status ?? 403,
      reason: options.quota?.reason ?? 'rateLimitExceeded',
      retryAfterHeader: options.quota?.retryAfterHeader ?? false,
    },
  };
}

/** Last resort: malformed input never surfaces as an HTML 500. */
function handleRouterError(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (res.headersSent) return;
  if (err instanceof BodyTooLargeError) {
    res.status(413).json(googleErrorBody(413, 'uploadTooLarge', 'Request payload too large.'));
    return;
  }
  if (err instanceof InvalidJsonError) {
    res.status(400).json(errors.parseError().toBody());
    return;
  }
  const message = err instanceof Error ? err.message : 'Bad Request';
  res.status(400).json(googleErrorBody(400, 'badRequest', message));
}
