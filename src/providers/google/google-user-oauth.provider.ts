import { google } from './googleapis-calendar';
import type { OAuthTokens, UserOAuthProvider } from '../calendar-provider';
import type { ProviderEndpoints } from '../provider-endpoints';
import { isProviderError, ProviderError } from '../provider-errors';
import { DEFAULT_RETRY, type RetryClock, type RetryOptions, SYSTEM_CLOCK, withProviderRetries } from '../shared/provider-retry';
import { googleApiError, googleFailure } from './google-error.parser';
import { GOOGLE_CALENDAR_SCOPE, type GoogleOAuthClientCredentials, GoogleTokenSource, postForm } from './google-token-source';
import { googleOAuthClientEndpoints } from './googleapis-options';

export interface GoogleUserOAuthOptions {
  endpoints: ProviderEndpoints['google'];
  client: GoogleOAuthClientCredentials;
  scopes?: string[];
  retry?: RetryOptions;
  clock?: RetryClock;
}

/**
 * A user's own Google grant for Connections: the authorization code flow with PKCE (S256),
 * offline access and a forced consent so Google always hands out a refresh token
 * (https://developers.google.com/identity/protocols/oauth2/web-server).
 */
export class GoogleUserOAuthProvider implements UserOAuthProvider {
  readonly name = 'google' as const;
  private readonly scopes: string[];
  private readonly retry: RetryOptions;
  private readonly clock: RetryClock;
  private readonly tokens: GoogleTokenSource;

  constructor(private readonly options: GoogleUserOAuthOptions) {
    this.scopes = options.scopes ?? [GOOGLE_CALENDAR_SCOPE];
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.tokens = new GoogleTokenSource(options.endpoints, options.client, this.scopes, this.clock);
  }

  authorizationUrl(input: { state: string; codeChallenge: string; redirectUri: string }): string {
    return this.client(input.redirectUri).generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      scope: this.scopes,
      state: input.state,
      include_granted_scopes: true,
      code_challenge: input.codeChallenge,
      code_challenge_method: 'S256' as never,
    });
  }

  async exchangeCode(input: { code: string; codeVerifier: string; redirectUri: string }): Promise<OAuthTokens & { email: string }> {
    const client = this.client(input.redirectUri);
    let tokens: OAuthTokens;
    try {
      const { tokens: raw } = await client.getToken({ code: input.code, codeVerifier: input.codeVerifier, redirect_uri: input.redirectUri });
      tokens = {
        accessToken: raw.access_token ?? '',
        refreshToken: raw.refresh_token ?? undefined,
        expiresAt: raw.expiry_date ?? this.clock.now() + 3_599_000,
        scopes: (raw.scope ?? '').split(' ').filter(Boolean),
      };
    } catch (error) {
      const failure = googleFailure(error, 'oauth');
      // invalid_grant here is about the code (expired, used, wrong verifier), not a revoked grant.
      if (failure.kind === 'AUTH_REVOKED') {
        throw new ProviderError('INVALID_REQUEST', `Google refused the authorization code: ${failure.message}`, {
          provider: 'google',
          status: failure.status,
          providerCode: failure.providerCode,
          cause: failure,
        });
      }
      throw failure;
    }
    // With granular consent a user may untick the calendar: without it there is nothing to sync.
    const missing = this.scopes.filter((s) => !tokens.scopes.includes(s));
    if (tokens.scopes.length > 0 && missing.length > 0) {
      throw new ProviderError('PERMISSION_DENIED', `Google consent lacks ${missing.join(' ')}`, { provider: 'google', providerCode: 'insufficientPermissions' });
    }
    return { ...tokens, email: await this.primaryCalendarId(tokens.accessToken) };
  }

  refresh(refreshToken: string): Promise<OAuthTokens> {
    return withProviderRetries(() => this.tokens.refresh(refreshToken), this.retry, this.clock);
  }

  /** https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke ; an already revoked token is fine. */
  async revoke(token: string): Promise<void> {
    try {
      await withProviderRetries(
        () => postForm(`${this.options.endpoints.oauthBaseUrl.replace(/\/$/, '')}/revoke`, new URLSearchParams({ token })),
        this.retry,
        this.clock,
      );
    } catch (error) {
      // invalid_token: expired or revoked already, which is what we wanted.
      if (isProviderError(error) && !error.retryable && error.status === 400) return;
      throw error;
    }
  }

  /**
   * The account's address is its primary calendar's id, readable with the calendar scope alone
   * (no `email`/OpenID scope needed on the consent screen).
   */
  private async primaryCalendarId(accessToken: string): Promise<string> {
    const url = `${this.options.endpoints.apiBaseUrl.replace(/\/$/, '')}/calendar/v3/calendars/primary`;
    const body = await withProviderRetries(
      async () => {
        let response: Response;
        try {
          response = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` }, signal: AbortSignal.timeout(30_000) });
        } catch (error) {
          throw googleFailure(error, 'api');
        }
        const json = (await response.json().catch(() => undefined)) as { id?: unknown } | undefined;
        if (!response.ok) throw googleApiError(response.status, json, response.headers.get('retry-after'));
        return json;
      },
      this.retry,
      this.clock,
    );
    if (typeof body?.id !== 'string') throw new ProviderError('TEMPORARY', 'Google answered a primary calendar without id', { provider: 'google' });
    return body.id;
  }

  private client(redirectUri: string) {
    return new google.auth.OAuth2({
      clientId: this.options.client.clientId,
      clientSecret: this.options.client.clientSecret,
      redirectUri,
      endpoints: googleOAuthClientEndpoints(this.options.endpoints),
      transporterOptions: { fetchImplementation: fetch, retry: false, timeout: 30_000 },
    });
  }
}

