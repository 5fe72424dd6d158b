import type { OAuthTokens, UserOAuthProvider } from '../calendar-provider';
import type { ProviderEndpoints } from '../provider-endpoints';
import { ProviderError } from '../provider-errors';
import { DEFAULT_USER_SCOPES, MicrosoftTokenSource, type MicrosoftOAuthClient } from './microsoft-token-source';

/**
 * User OAuth with the Microsoft identity platform, authorization code flow with PKCE
 * (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow).
 *
 * revoke(): Microsoft has no endpoint that revokes one refresh token. The only server-side lever,
 * `POST /users/{id}/revokeSignInSessions`, signs the user out of every application and device,
 * which is far beyond "disconnect this calendar", and needs User.RevokeSessions.All. So revoke is
 * local: the caller drops the sealed tokens, the refresh token is never used again and expires
 * after its inactivity lifetime (90 days); the user can remove the app's consent at
 * https://myapps.microsoft.com. It makes no request and always resolves.
 */
export class MicrosoftUserOAuth implements UserOAuthProvider {
  readonly name = 'microsoft' as const;
  private readonly tokens: MicrosoftTokenSource;

  constructor(
    private readonly endpoints: ProviderEndpoints['microsoft'],
    private readonly client: MicrosoftOAuthClient,
    private readonly fetchImpl: typeof fetch = (input, init) => fetch(input, init),
    now: () => number = Date.now,
  ) {
    this.tokens = new MicrosoftTokenSource(endpoints, client, fetchImpl, now);
  }

  authorizationUrl(input: { state: string; codeChallenge: string; redirectUri: string }): string {
    const params = new URLSearchParams({
      client_id: this.client.clientId,
      response_type: 'code',
      redirect_uri: input.redirectUri,
      response_mode: 'query',
      scope: (this.client.scopes ?? DEFAULT_USER_SCOPES).join(' '),
      state: input.state,
      code_challenge: input.codeChallenge,
      code_challenge_method: 'S256',
      prompt: 'select_account',
    });
    return `${this.endpoints.loginBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(this.client.tenant ?? 'common')}/oauth2/v2.0/authorize?${params.toString()}`;
  }

  async exchangeCode(input: { code: string; codeVerifier: string; redirectUri: string }): Promise<OAuthTokens & { email: string }> {
    const { idToken, ...tokens } = await this.tokens.exchangeCode(input);
    const email = emailFromIdToken(idToken) ?? (await this.emailFromGraph(tokens.accessToken));
    return { ...tokens, email };
  }

  refresh(refreshToken: string): Promise<OAuthTokens> {
    return this.tokens.refresh(refreshToken);
  }

  async revoke(_token: string): Promise<void> {
    // Deliberately local, see the class comment.
  }

  /** Without an id_token (no openid scope), /me tells the account. */
  private async emailFromGraph(accessToken: string): Promise<string> {
    const graphRoot = this.endpoints.graphBaseUrl.replace(/\/+$/, '');
    let response: Response;
    try {
      response = await this.fetchImpl(`${graphRoot}/me?$select=mail,userPrincipalName`, { headers: { Authorization: `Bearer ${accessToken}` }, signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      throw new ProviderError('TEMPORARY', 'Microsoft Graph unreachable', { provider: 'microsoft', cause: error });
    }
    const me = (await response.json().catch(() => ({}))) as { mail?: string | null; userPrincipalName?: string };
    const email = me.mail ?? me.userPrincipalName;
    if (!response.ok || !email) throw new ProviderError(response.status >= 500 ? 'TEMPORARY' : 'PERMISSION_DENIED', 'Could not read the signed-in account from Graph /me', { provider: 'microsoft', status: response.status });
    return email;
  }
}

/**
 * The account's address from the id_token the token endpoint just returned to us over TLS (OIDC
 * Core 3.1.3.7 allows relying on TLS instead of the signature for a token received this way).
 */
function emailFromIdToken(idToken: string | undefined): string | undefined {
  if (!idToken) return undefined;
  const payload = idToken.split('.')[1];
  if (!payload || payload.length > 16_384) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { email?: unknown; preferred_username?: unknown; upn?: unknown };
    const email = [claims.email, claims.preferred_username, claims.upn].find((c): c is string => typeof c === 'string' && c.includes('@'));
    return email;
  } catch {
    return undefined;
  }
}
