import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../common/config/app-config';
import { connectionRedirectUri } from '../common/config/connection-redirect';
import { DomainException } from '../common/errors/domain.exception';
import { ErrorCode } from '../common/errors/error-codes';
import type { ConnectionEntity, ConnectionSecret } from '../database/entities/connection.entity';
import { ConnectionsRepository } from '../database/repositories/connections.repository';
import type { CalendarAccess, OAuthTokens } from '../providers/calendar-provider';
import { isProviderError, type ProviderName } from '../providers/provider-errors';
import { ProviderRegistry } from '../providers/provider-registry';
import type { Principal } from '../tenancy/principal';
import { ConnectionAccessService } from './connection-access.service';
import { CONNECTION_SYNC_HOOKS, type ConnectionSyncHooks } from './connection-sync.types';
import { type AppleCredentialsInput, type OAuthProviderName } from './connections-request.validator';
import { crmProviderOf } from './crm-provider-names';
import type { AuthorizeUrlView, ConnectionStatusView } from './dto/connections.dto';
import { OAuthStateService } from './oauth-state.service';

/** How long disconnect waits for the provider's revocation before going on without it. */
export const REVOKE_TIMEOUT_MS = 5_000;

const PROVIDER_ORDER: ProviderName[] = ['google', 'microsoft', 'caldav'];

/**
 * The connect/disconnect half of Connections (seed 001): OAuth consent for Google and Outlook,
 * app-password login for Apple/CalDAV, the per-provider status, and disconnect. The sync half
 * (CRM events, sync jobs) is reached only through CONNECTION_SYNC_HOOKS.
 */
@Injectable()
export class ConnectionsService {
  private readonly logger = new Logger('Connections');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: ProviderRegistry,
    private readonly connections: ConnectionsRepository,
    private readonly access: ConnectionAccessService,
    private readonly states: OAuthStateService,
    @Inject(CONNECTION_SYNC_HOOKS) private readonly hooks: ConnectionSyncHooks,
  ) {}

  async authorize(principal: Principal, provider: OAuthProviderName): Promise<AuthorizeUrlView> {
    const userId = requireUser(principal);
    const oauth = this.oauthOf(provider);
    const redirectUri = connectionRedirectUri(this.config, provider === 'microsoft' ? 'outlook' : 'google');
    const { state, codeChallenge } = await this.states.issue(principal.tenantId, userId, provider, redirectUri);
    return { url: oauth.authorizationUrl({ state, codeChallenge, redirectUri }) };
  }

  async callback(principal: Principal, provider: OAuthProviderName, code: string, state: string): Promise<ConnectionStatusView> {
    const userId = requireUser(principal);
    const oauth = this.oauthOf(provider);
    const { codeVerifier, redirectUri } = await this.states.consume(principal.tenantId, userId, provider, state);
    const tokens = await oauth.exchangeCode({ code, codeVerifier, redirectUri }).catch((error: unknown) => {
      throw providerFailure(error, provider, 'The provider refused the authorization code (invalid, expired, already used, or the PKCE check failed): start again with authorize');
    });
    if (!tokens.refreshToken) {
      throw new DomainException(ErrorCode.ValidationFailed, 'The provider granted no refresh token (offline access): start again with authorize', 400);
    }
    let secret: ConnectionSecret = { kind: 'oauth', refreshToken: tokens.refreshToken, accessToken: tokens.accessToken, accessTokenExpiresAt: tokens.expiresAt };
    const access: CalendarAccess = {
      mailbox: tokens.email,
      credentials: { kind: provider === 'google' ? 'google-oauth' : 'microsoft-oauth', refreshToken: tokens.refreshToken, accessToken: tokens.accessToken, accessTokenExpiresAt: tokens.expiresAt },
      onTokensRefreshed: async (fresh: OAuthTokens) => {
        secret = { kind: 'oauth', refreshToken: fresh.refreshToken ?? tokens.refreshToken ?? '', accessToken: fresh.accessToken, accessTokenExpiresAt: fresh.expiresAt };
      },
    };
    const mailbox = await this.registry
      .get(provider)
      .resolveMailbox(access)
      .catch((error: unknown) => {
        throw providerFailure(error, provider, "Could not read the account's primary calendar");
      });
    const connection = await this.connections.upsert(principal.tenantId, {
      userId,
      provider,
      accountEmail: tokens.email.toLowerCase(),
      publicConfig: { scopes: tokens.scopes },
      secretSealed: this.access.seal(secret),
      calendarId: mailbox.primaryCalendarId,
    });
    await this.queueFirstSync(connection);
    return statusOf(connection.provider, connection);
  }

  async connectApple(principal: Principal, input: AppleCredentialsInput): Promise<ConnectionStatusView> {
    const userId = requireUser(principal);
    const access: CalendarAccess = {
      mailbox: input.username,
      credentials: { kind: 'caldav-basic', serverUrl: input.serverUrl, username: input.username, password: input.password },
    };
    // A real login (discovery and the calendar list) before anything is stored, bounded: the
    // driver retries an unreachable server with backoff, the user is waiting.
    const host = new URL(input.serverUrl).host;
    const mailbox = await withTimeout(this.registry.get('caldav').resolveMailbox(access), this.config.connections.checkTimeoutMs)
      .catch((error: unknown) => {
        if (error instanceof TimeoutError) throw unreachable(host, `no answer within ${this.config.connections.checkTimeoutMs} ms`);
        throw caldavFailure(error, input.serverUrl);
      });
    const connection = await this.connections.upsert(principal.tenantId, {
      userId,
      provider: 'caldav',
      accountEmail: input.username,
      publicConfig: { serverUrl: input.serverUrl, username: input.username },
      secretSealed: this.access.seal({ kind: 'caldav', password: input.password }),
      calendarId: mailbox.primaryCalendarId,
    });
    await this.queueFirstSync(connection);
    return statusOf('caldav', connection);
  }

  /** One entry per provider, in the seed's order GOOGLE, OUTLOOK, APPLE; unconnected ones say connected:false. */
  async status(principal: Principal): Promise<ConnectionStatusView[]> {
    const userId = requireUser(principal);
    const rows = await this.connections.listForUser(principal.tenantId, userId);
    return PROVIDER_ORDER.map((provider) => statusOf(provider, rows.find((row) => row.provider === provider)));
  }

  /**
   * Revokes the grant at the provider (best effort, bounded: an outage does not keep the user
   * connected), lets the sync half forget the connection's events, then deletes the row and
   * with it the sealed tokens.
   */
  async disconnect(principal: Principal, provider: ProviderName): Promise<void> {
    const userId = requireUser(principal);
    const connection = await this.connections.findForUser(principal.tenantId, userId, provider);
    if (!connection) throw new DomainException(ErrorCode.NotFound, `No ${crmProviderOf(provider)} calendar is connected`, 404);
    await this.revokeBestEffort(connection);
    await this.hooks.forgetConnection(principal.tenantId, userId, connection.id);
    await this.connections.delete(principal.tenantId, userId, connection.id);
  }

  private async revokeBestEffort(connection: ConnectionEntity): Promise<void> {
    if (connection.provider === 'caldav') return; // an app-specific password is revoked by the user at Apple
    try {
      const secret = this.access.unseal(connection);
      if (secret.kind !== 'oauth') return;
      await withTimeout(this.registry.oauth(connection.provider).revoke(secret.refreshToken), REVOKE_TIMEOUT_MS);
    } catch (error) {
      // The tokens are deleted either way; the grant dies with them at the provider's next clean-up.
      this.logger.warn(`revoking connection ${connection.id} (${connection.provider}) failed, disconnecting anyway: ${describe(error)}`);
    }
  }

  /** The connection is stored either way; a sync that could not be queued now is picked up by the sync half's stale sweep. */
  private async queueFirstSync(connection: ConnectionEntity): Promise<void> {
    try {
      await this.hooks.queueSync(connection.tenantId, connection.userId, connection.id);
    } catch (error) {
      this.logger.warn(`could not queue the first sync of connection ${connection.id}: ${describe(error)}`);
    }
  }

  private oauthOf(provider: OAuthProviderName) {
    try {
      return this.registry.oauth(provider);
    } catch {
      throw new DomainException(ErrorCode.NotFound, `${provider === 'google' ? 'Google' : 'Outlook'} connections are not configured on this server`, 404);
    }
  }
}

function requireUser(principal: Principal): number {
  // BearerAuthGuard admits user principals only; this guards against a route wired without it.
  if (principal.userId === undefined) throw new DomainException(ErrorCode.CredentialNotAllowed, 'A user token is required', 403);
  return principal.userId;
}

export function statusOf(provider: ProviderName, row: ConnectionEntity | undefined): ConnectionStatusView {
  return {
    provider: crmProviderOf(provider),
    connected: Boolean(row),
    calendarId: row?.calendarId ?? null,
    lastSyncAt: row?.lastSyncAt ? row.lastSyncAt.toISOString() : null,
    lastSyncError: row?.lastSyncError ?? null,
    lastSyncStatus: row?.lastSyncStatus ?? null,
  };
}

/** A provider failure during connect: the user's doing (400) unless the provider is unreachable (503). */
function providerFailure(error: unknown, provider: OAuthProviderName, refused: string): DomainException {
  if (!isProviderError(error)) throw error;
  const name = provider === 'google' ? 'Google' : 'Outlook';
  if (error.retryable) return new DomainException(ErrorCode.ServiceUnavailable, `${name} is unavailable right now: try again later`, 503);
  if (error.kind === 'PERMISSION_DENIED') return new DomainException(ErrorCode.ValidationFailed, `The consent did not grant calendar access: start again with authorize and allow access to the calendar`, 400);
  return new DomainException(ErrorCode.ValidationFailed, refused, 400);
}

function caldavFailure(error: unknown, serverUrl: string): DomainException {
  if (!isProviderError(error)) throw error;
  const server = new URL(serverUrl).host;
  switch (error.kind) {
    case 'AUTH_REVOKED':
    case 'PERMISSION_DENIED':
      return new DomainException(ErrorCode.ValidationFailed, `${server} refused the username or password (for iCloud, use an app-specific password)`, 400);
    case 'MAILBOX_NOT_FOUND':
    case 'NOT_FOUND':
      return new DomainException(ErrorCode.ValidationFailed, `No calendar found for this account on ${server}`, 400);
    case 'TEMPORARY':
    case 'RATE_LIMITED':
      return unreachable(server, 'it did not answer');
    default:
      return new DomainException(ErrorCode.ValidationFailed, `${server} does not answer as a CalDAV server`, 400);
  }
}

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/** The promise, or a TimeoutError after `ms`; a late failure of the promise is not an unhandled rejection. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  promise.catch(() => undefined);
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The server is the user's input (serverUrl, or iCloud by default): 400 naming it, rather than a
 * 5xx that would say this server failed.
 */
function unreachable(host: string, why: string): DomainException {
  return new DomainException(ErrorCode.ValidationFailed, `Could not reach the CalDAV server ${host} (${why}): check serverUrl, or try again later`, 400);
}

function describe(error: unknown): string {
  return isProviderError(error) ? `${error.kind}${error.status ? ` ${error.status}` : ''}` : error instanceof Error ? error.message : 'unknown error';
}
