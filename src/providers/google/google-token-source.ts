import { createHash } from 'node:crypto';
import { google } from './googleapis-calendar';
import type { CalendarAccess, OAuthTokens } from '../calendar-provider';
import type { ProviderEndpoints } from '../provider-endpoints';
import { ProviderError } from '../provider-errors';
import { type RetryClock, SYSTEM_CLOCK } from '../shared/provider-retry';
import { googleFailure, googleOAuthError, parseMaybeJson } from './google-error.parser';
import { googleOAuthFetch } from './googleapis-options';

export const GOOGLE_CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar';

/** Reuse an access token until this long before it expires. */
const EXPIRY_MARGIN_MS = 60_000;
const TOKEN_TIMEOUT_MS = 30_000;

export interface GoogleOAuthClientCredentials {
  clientId: string;
  clientSecret: string;
}

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

/**
 * Access tokens for a CalendarAccess, cached until shortly before they expire, with one
 * refresh in flight per grant however many calls wait for it.
 * - Domain-wide delegation: google-auth-library's JWT client signs the JWT-bearer assertion
 *   with `sub` = the mailbox (https://developers.google.com/identity/protocols/oauth2/service-account).
 * - A user's grant: the refresh_token grant at the token endpoint; a rotated refresh token is
 *   handed to `onTokensRefreshed` so the caller can seal and store it.
 */
export class GoogleTokenSource {
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<CachedToken>>();

  constructor(
    private readonly endpoints: ProviderEndpoints['google'],
    private readonly oauthClient: GoogleOAuthClientCredentials | undefined,
    private readonly scopes: string[] = [GOOGLE_CALENDAR_SCOPE],
    private readonly clock: RetryClock = SYSTEM_CLOCK,
  ) {}

  async accessToken(access: CalendarAccess): Promise<string> {
    const key = cacheKey(access);
    const cached = this.cache.get(key) ?? presetToken(access);
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > this.clock.now()) return cached.accessToken;
    let pending = this.inFlight.get(key);
    if (!pending) {
      // No retry here: the caller's own retry loop covers the token request too.
      pending = this.fetchToken(access).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    const token = await pending;
    this.cache.set(key, token);
    return token.accessToken;
  }

  /** Forget the cached token (Google answered 401 to it). */
  invalidate(access: CalendarAccess): void {
    // An expired entry, not a deletion: a preset token the caller handed in is just as stale.
    this.cache.set(cacheKey(access), { accessToken: '', expiresAt: 0 });
  }

  private async fetchToken(access: CalendarAccess): Promise<CachedToken> {
    const credentials = access.credentials;
    if (credentials.kind === 'google-service-account') return this.delegatedToken(access.mailbox, credentials.clientEmail, credentials.privateKey);
    if (credentials.kind === 'google-oauth') {
      const tokens = await this.refresh(credentials.refreshToken);
      await access.onTokensRefreshed?.(tokens);
      return { accessToken: tokens.accessToken, expiresAt: tokens.expiresAt };
    }
    throw new ProviderError('INVALID_REQUEST', `The Google driver cannot use ${credentials.kind} credentials`, { provider: 'google' });
  }

  private async delegatedToken(mailbox: string, clientEmail: string, privateKey: string): Promise<CachedToken> {
    const client = new google.auth.JWT({
      email: clientEmail,
      key: privateKey,
      scopes: this.scopes,
      subject: mailbox,
      // gtoken posts to https://oauth2.googleapis.com/token whatever we say; this sends it to the configured host.
      transporterOptions: { fetchImplementation: googleOAuthFetch(this.endpoints.oauthBaseUrl), retry: false, timeout: TOKEN_TIMEOUT_MS },
    });
    try {
      const credentials = await client.authorize();
      if (!credentials.access_token) throw new Error('token endpoint answered no access_token');
      return { accessToken: credentials.access_token, expiresAt: credentials.expiry_date ?? this.clock.now() + 3_000_000 };
    } catch (error) {
      throw googleFailure(gtokenError(error), 'oauth');
    }
  }

  /** The refresh_token grant (https://developers.google.com/identity/protocols/oauth2/web-server#offline). */
  async refresh(refreshToken: string): Promise<OAuthTokens> {
    const client = this.requireClient();
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    });
    const body = await postForm(`${this.endpoints.oauthBaseUrl.replace(/\/$/, '')}/token`, form);
    return tokensFrom(body, this.clock.now(), refreshToken);
  }

  requireClient(): GoogleOAuthClientCredentials {
    if (!this.oauthClient) {
      throw new ProviderError('INVALID_REQUEST', 'No Google OAuth client is configured (GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET)', {
        provider: 'google',
      });
    }
    return this.oauthClient;
  }
}

/** POSTs a form to the OAuth server; its error answers become provider errors. */
export async function postForm(url: string, form: URLSearchParams, timeoutMs = TOKEN_TIMEOUT_MS): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw googleFailure(error, 'oauth');
  }
  const text = await response.text();
  const body = parseMaybeJson(text);
  if (!response.ok) throw googleOAuthError(response.status, body, response.headers.get('retry-after'));
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/** A token endpoint answer as OAuthTokens; a refresh token only when Google rotated it. */
export function tokensFrom(body: Record<string, unknown>, now: number, previousRefreshToken?: string): OAuthTokens {
  const accessToken = typeof body.access_token === 'string' ? body.access_token : undefined;
  if (!accessToken) throw new ProviderError('TEMPORARY', 'Google token endpoint answered no access_token', { provider: 'google' });
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in ?? 3599);
  const refreshToken = typeof body.refresh_token === 'string' && body.refresh_token !== previousRefreshToken ? body.refresh_token : undefined;
  return {
    accessToken,
    refreshToken,
    expiresAt: now + (Number.isFinite(expiresIn) ? expiresIn : 3599) * 1000,
    scopes: typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : [],
  };
}

function cacheKey(access: CalendarAccess): string {
  const c = access.credentials;
  if (c.kind === 'google-service-account') return `sa|${c.clientEmail}|${access.mailbox.toLowerCase()}`;
  if (c.kind === 'google-oauth') return `oauth|${createHash('sha256').update(c.refreshToken).digest('hex')}`;
  return `other|${access.mailbox}`;
}

function presetToken(access: CalendarAccess): CachedToken | undefined {
  const c = access.credentials;
  if (c.kind !== 'google-oauth' || !c.accessToken || !c.accessTokenExpiresAt) return undefined;
  return { accessToken: c.accessToken, expiresAt: c.accessTokenExpiresAt };
}

/**
 * gtoken reports token endpoint failures as a plain Error whose message carries the OAuth
 * body ("invalid_grant: Invalid email or User ID"), with the gaxios error as `cause` or not at all.
 */
function gtokenError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  if ((error as { response?: unknown }).response) return error;
  const cause = (error as { cause?: unknown }).cause;
  if (typeof cause === 'object' && cause !== null && (cause as { response?: unknown }).response) return cause;
  const message = error instanceof Error ? error.message : '';
  const match = /^(invalid_grant|unauthorized_client|invalid_client|invalid_scope|access_denied|deleted_client)\b:?\s*(.*)$/s.exec(message);
  if (match) return { response: { status: 400, data: { error: match[1], error_description: match[2] } } };
  return error;
}
