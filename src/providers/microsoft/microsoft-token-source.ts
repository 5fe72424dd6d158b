import { createHash } from 'node:crypto';
import type { CalendarAccess, OAuthTokens } from '../calendar-provider';
import type { ProviderEndpoints } from '../provider-endpoints';
import { ProviderError } from '../provider-errors';
import { parseTokenFailure } from './graph-error-parser';

/** The app registration the product signs users in with (user OAuth and refresh). */
export interface MicrosoftOAuthClient {
  clientId: string;
  clientSecret: string;
  /** Authority segment: 'common' (any work/school or personal account), 'organizations', or a tenant id. */
  tenant?: string;
  /** Delegated scopes asked for at consent and refresh. */
  scopes?: string[];
}

export const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';
export const DEFAULT_USER_SCOPES = ['openid', 'email', 'profile', 'offline_access', 'https://graph.microsoft.com/Calendars.ReadWrite'];

/** Tokens are reused until this long before they expire. */
const EXPIRY_MARGIN_MS = 5 * 60_000;
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

interface TokenEndpointAnswer {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  scope?: string;
  id_token?: string;
}

/**
 * Access tokens for Graph, cached per app (client credentials) or per user grant until shortly
 * before expiry. Concurrent callers for the same grant share one token request.
 */
export class MicrosoftTokenSource {
  private readonly cache = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<CachedToken>>();

  constructor(
    private readonly endpoints: ProviderEndpoints['microsoft'],
    private readonly oauthClient: MicrosoftOAuthClient | undefined,
    private readonly fetchImpl: typeof fetch,
    private readonly now: () => number = Date.now,
  ) {}

  async accessToken(access: CalendarAccess): Promise<string> {
    const key = cacheKey(access);
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > this.now()) return cached.accessToken;
    const credentials = access.credentials;
    if (credentials.kind === 'microsoft-oauth' && credentials.accessToken && (credentials.accessTokenExpiresAt ?? 0) - EXPIRY_MARGIN_MS > this.now() && !cached) {
      const given = { accessToken: credentials.accessToken, expiresAt: credentials.accessTokenExpiresAt! };
      this.cache.set(key, given);
      return given.accessToken;
    }
    let request = this.pending.get(key);
    if (!request) {
      request = this.fetchToken(access).finally(() => this.pending.delete(key));
      this.pending.set(key, request);
    }
    const token = await request;
    this.cache.set(key, token);
    return token.accessToken;
  }

  /** Graph refused the token (401): forget it, so the next call gets a fresh one. */
  invalidate(access: CalendarAccess): void {
    this.cache.delete(cacheKey(access));
  }

  private async fetchToken(access: CalendarAccess): Promise<CachedToken> {
    const credentials = access.credentials;
    if (credentials.kind === 'microsoft-app') {
      const answer = await this.tokenRequest(credentials.tenantId, {
        grant_type: 'client_credentials',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        scope: GRAPH_DEFAULT_SCOPE,
      });
      return { accessToken: answer.access_token, expiresAt: this.now() + answer.expires_in * 1000 };
    }
    if (credentials.kind === 'microsoft-oauth') {
      const tokens = await this.refresh(credentials.refreshToken);
      if (access.onTokensRefreshed) await access.onTokensRefreshed(tokens);
      if (tokens.refreshToken) this.cache.set(cacheKey({ ...access, credentials: { ...credentials, refreshToken: tokens.refreshToken } }), tokens);
      return { accessToken: tokens.accessToken, expiresAt: tokens.expiresAt };
    }
    throw new ProviderError('INVALID_REQUEST', `Microsoft cannot use ${credentials.kind} credentials`, { provider: 'microsoft' });
  }

  /** refresh_token grant; Microsoft rotates the refresh token on every use. */
  async refresh(refreshToken: string): Promise<OAuthTokens> {
    const client = this.requireOAuthClient();
    const answer = await this.tokenRequest(client.tenant ?? 'common', {
      grant_type: 'refresh_token',
      client_id: client.clientId,
      client_secret: client.clientSecret,
      refresh_token: refreshToken,
      scope: (client.scopes ?? DEFAULT_USER_SCOPES).join(' '),
    });
    return tokensOf(answer, this.now());
  }

  async exchangeCode(input: { code: string; codeVerifier: string; redirectUri: string }): Promise<OAuthTokens & { idToken?: string }> {
    const client = this.requireOAuthClient();
    const answer = await this.tokenRequest(client.tenant ?? 'common', {
      grant_type: 'authorization_code',
      client_id: client.clientId,
      client_secret: client.clientSecret,
      code: input.code,
      code_verifier: input.codeVerifier,
      redirect_uri: input.redirectUri,
      scope: (client.scopes ?? DEFAULT_USER_SCOPES).join(' '),
    });
    return { ...tokensOf(answer, this.now()), idToken: answer.id_token };
  }

  requireOAuthClient(): MicrosoftOAuthClient {
    if (!this.oauthClient) throw new ProviderError('INVALID_REQUEST', 'No Microsoft OAuth client is configured', { provider: 'microsoft' });
    return this.oauthClient;
  }

  private async tokenRequest(tenant: string, form: Record<string, string>): Promise<TokenEndpointAnswer> {
    const url = `${this.endpoints.loginBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`;
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new ProviderError('TEMPORARY', 'Microsoft identity platform unreachable', { provider: 'microsoft', cause: error });
    }
    const text = await response.text();
    if (text.length > MAX_TOKEN_RESPONSE_BYTES) throw new ProviderError('TEMPORARY', 'Oversized token response', { provider: 'microsoft', status: response.status });
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!response.ok) throw parseTokenFailure(response.status, body, response.headers.get('retry-after'));
    const answer = body as Partial<TokenEndpointAnswer> | undefined;
    if (!answer || typeof answer.access_token !== 'string' || typeof answer.expires_in !== 'number') {
      throw new ProviderError('TEMPORARY', 'Unreadable token response', { provider: 'microsoft', status: response.status });
    }
    return answer as TokenEndpointAnswer;
  }
}

function tokensOf(answer: TokenEndpointAnswer, now: number): OAuthTokens {
  return {
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token,
    expiresAt: now + answer.expires_in * 1000,
    scopes: (answer.scope ?? '').split(' ').filter(Boolean),
  };
}

function cacheKey(access: CalendarAccess): string {
  const c = access.credentials;
  if (c.kind === 'microsoft-app') return `app:${c.tenantId}:${c.clientId}:${createHash('sha256').update(c.clientSecret).digest('base64url').slice(0, 16)}`;
  if (c.kind === 'microsoft-oauth') return `user:${createHash('sha256').update(c.refreshToken).digest('base64url')}`;
  return `other:${c.kind}`;
}
