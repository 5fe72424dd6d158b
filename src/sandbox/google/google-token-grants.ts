import { OAuthError } from './google-errors';
import { JwtError, peekClaims, verifyRs256, type JwtClaims } from './google-jwt';
import { pkceChallenge, safeEqual, type OAuthStore, type ServiceAccount, type TokenResponse } from './google-oauth-store';
import { invalidScopes } from './google-scopes';
import { normalizeEmail, type GoogleStore } from './google-store';

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Audiences client libraries hard-code; the emulator's own token URL is accepted too. */
export const GOOGLE_TOKEN_AUDIENCES = ['https://oauth2.googleapis.com/token', 'https://accounts.google.com/o/oauth2/token'];
const MAX_ASSERTION_LIFETIME_S = 3600;
const CLOCK_SKEW_S = 300;

export interface ClientCredentials {
  clientId?: string;
  clientSecret?: string;
}

/**
 * The /token endpoint's grants, per
 * https://developers.google.com/identity/protocols/oauth2/web-server (code, refresh) and
 * https://developers.google.com/identity/protocols/oauth2/service-account (jwt-bearer).
 */
export class TokenGrants {
  constructor(
    private readonly oauth: OAuthStore,
    private readonly store: GoogleStore,
    private readonly clock: () => number,
  ) {}

  exchange(form: Record<string, string>, basic: ClientCredentials, tokenUrl: string): TokenResponse {
    const grantType = form.grant_type;
    if (!grantType) throw new OAuthError(400, 'unsupported_grant_type', 'Invalid grant_type: ');
    const credentials = { clientId: basic.clientId ?? form.client_id, clientSecret: basic.clientSecret ?? form.client_secret };
    switch (grantType) {
      case 'authorization_code':
        return this.authorizationCode(form, credentials);
      case 'refresh_token':
        return this.refresh(form, credentials);
      case JWT_BEARER:
        return this.jwtBearer(form, tokenUrl);
      default:
        throw new OAuthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`);
    }
  }

  private authorizationCode(form: Record<string, string>, credentials: ClientCredentials): TokenResponse {
    if (!form.code) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: code');
    const client = this.oauth.authenticateClient(credentials.clientId, credentials.clientSecret);
    const code = this.oauth.codes.get(form.code);
    if (!code) throw new OAuthError(400, 'invalid_grant', 'Malformed auth code.');
    if (code.used || code.expiresAt <= this.clock() || code.clientId !== client.clientId) {
      throw new OAuthError(400, 'invalid_grant', 'Bad Request');
    }
    if (form.redirect_uri !== code.redirectUri) throw new OAuthError(400, 'redirect_uri_mismatch', 'Bad Request');
    this.checkPkce(code.codeChallenge, code.codeChallengeMethod, form.code_verifier);
    code.used = true;
    const existing = this.oauth.liveGrant(client.clientId, code.subject);
    // Google hands out a refresh token only on the first offline consent (or prompt=consent).
    if (code.offline && (!existing?.refreshToken || code.forceConsent)) {
      const refreshToken = this.oauth.newRefreshToken();
      const grant = this.oauth.createGrant({
        clientId: client.clientId,
        subject: code.subject,
        scopes: union(existing?.scopes ?? [], code.scopes),
        kind: 'user',
        refreshToken,
      });
      return this.oauth.tokenResponse(this.oauth.issueAccessToken(grant, code.scopes), refreshToken);
    }
    const grant =
      existing ?? this.oauth.createGrant({ clientId: client.clientId, subject: code.subject, scopes: code.scopes, kind: 'user' });
    grant.scopes = union(grant.scopes, code.scopes);
    return this.oauth.tokenResponse(this.oauth.issueAccessToken(grant, code.scopes));
  }

  private checkPkce(challenge: string | undefined, method: 'S256' | 'plain' | undefined, verifier: string | undefined): void {
    if (!challenge) return;
    if (!verifier) throw new OAuthError(400, 'invalid_grant', 'Missing code verifier.');
    if (!safeEqual(pkceChallenge(verifier, method ?? 'plain'), challenge)) {
      throw new OAuthError(400, 'invalid_grant', 'Invalid code verifier.');
    }
  }

  private refresh(form: Record<string, string>, credentials: ClientCredentials): TokenResponse {
    if (!form.refresh_token) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
    const client = this.oauth.authenticateClient(credentials.clientId, credentials.clientSecret);
    const grant = this.oauth.grantForRefreshToken(form.refresh_token);
    if (!grant) throw new OAuthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    if (grant.clientId !== client.clientId) throw new OAuthError(401, 'unauthorized_client', 'Unauthorized');
    const requested = form.scope ? splitScopes(form.scope) : grant.scopes;
    if (requested.some((s) => !grant.scopes.includes(s))) {
      throw new OAuthError(400, 'invalid_scope', 'Some requested scopes were invalid.');
    }
    return this.oauth.tokenResponse(this.oauth.issueAccessToken(grant, requested));
  }

  private jwtBearer(form: Record<string, string>, tokenUrl: string): TokenResponse {
    if (!form.assertion) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: assertion');
    const account = this.serviceAccountFor(form.assertion);
    const claims = verifyClaims(form.assertion, account, [tokenUrl, ...GOOGLE_TOKEN_AUDIENCES], this.clock());
    const scopes = splitScopes(claims.scope ?? '');
    if (scopes.length === 0) throw new OAuthError(400, 'invalid_scope', 'Empty or missing scope not allowed.');
    if (invalidScopes(scopes).length > 0) throw new OAuthError(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
    const subject = claims.sub ? this.delegatedSubject(account, normalizeEmail(claims.sub), scopes) : account.clientEmail;
    const grant = this.oauth.createGrant({ clientId: account.clientId, subject, scopes, kind: 'service-account' });
    return this.oauth.tokenResponse(this.oauth.issueAccessToken(grant));
  }

  private serviceAccountFor(assertion: string): ServiceAccount {
    let iss: string | undefined;
    try {
      iss = peekClaims(assertion).iss;
    } catch (err) {
      throw new OAuthError(400, 'invalid_grant', (err as Error).message);
    }
    const account = iss ? this.oauth.findServiceAccount(iss) : undefined;
    if (!account) throw new OAuthError(400, 'invalid_grant', 'Invalid grant: account not found');
    return account;
  }

  /** `sub` impersonation requires domain-wide delegation for the subject's domain. */
  private delegatedSubject(account: ServiceAccount, sub: string, scopes: string[]): string {
    if (sub === account.clientEmail) return sub;
    const delegation = this.oauth.delegationFor(sub.split('@')[1] ?? '', account);
    if (!delegation || (delegation.scopes && scopes.some((s) => !delegation.scopes?.includes(s)))) {
      throw new OAuthError(
        401,
        'unauthorized_client',
        'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
      );
    }
    if (!this.store.mailbox(sub)) throw new OAuthError(400, 'invalid_grant', 'Invalid email or User ID');
    return sub;
  }
}

function verifyClaims(assertion: string, account: ServiceAccount, audiences: string[], nowMs: number): JwtClaims {
  let claims: JwtClaims;
  try {
    claims = verifyRs256(assertion, account.publicKey);
  } catch (err) {
    throw new OAuthError(400, 'invalid_grant', err instanceof JwtError ? err.message : 'Invalid JWT Signature.');
  }
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((a) => typeof a === 'string' && audiences.includes(a))) {
    throw new OAuthError(400, 'invalid_grant', 'Invalid JWT: Failed audience check. The expected audience is the token endpoint.');
  }
  const now = Math.floor(nowMs / 1000);
  const { exp, iat } = claims;
  const timely =
    typeof exp === 'number' &&
    typeof iat === 'number' &&
    exp > now - CLOCK_SKEW_S &&
    iat <= now + CLOCK_SKEW_S &&
    exp - iat <= MAX_ASSERTION_LIFETIME_S &&
    exp > iat;
  if (!timely) {
    throw new OAuthError(
      400,
      'invalid_grant',
      'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
    );
  }
  return claims;
}

export function splitScopes(scope: string): string[] {
  return scope.split(/[\s+]+/).filter(Boolean);
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}
