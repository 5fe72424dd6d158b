import { createHash, generateKeyPairSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { OAuthError } from './google-errors';
import { randomToken } from './google-ids';
import { loadPublicKey } from './google-jwt';
import { normalizeEmail } from './google-store';
import { arrayOf } from '../shared/state-shape';

/**
 * What survives a restart: clients, grants with their refresh tokens, live access tokens,
 * service accounts (public keys only) and domain-wide delegations. Authorization codes
 * live for minutes and are not kept.
 */
export interface OAuthState {
  clients: OAuthClient[];
  grants: Grant[];
  accessTokens: AccessToken[];
  serviceAccounts: { clientEmail: string; clientId: string; publicKeyPem: string }[];
  delegations: DomainDelegation[];
}

export interface OAuthClientInput {
  clientId?: string;
  clientSecret?: string;
  redirectUris: string[];
  name?: string;
}

export interface OAuthClient {
  clientId: string;
  clientSecret?: string;
  redirectUris: string[];
  name: string;
}

export interface AuthorizationCode {
  code: string;
  clientId: string;
  redirectUri: string;
  subject: string;
  scopes: string[];
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  offline: boolean;
  forceConsent: boolean;
  expiresAt: number;
  used: boolean;
}

export interface Grant {
  id: string;
  clientId: string;
  /** Mailbox email (user or DWD subject) or the service account itself. */
  subject: string;
  scopes: string[];
  kind: 'user' | 'service-account';
  refreshToken?: string;
  revoked: boolean;
}

export interface AccessToken {
  token: string;
  grantId: string;
  subject: string;
  scopes: string[];
  expiresAt: number;
}

export interface ServiceAccount {
  clientEmail: string;
  clientId: string;
  publicKey: KeyObject;
  publicKeyPem: string;
}

export interface DomainDelegation {
  domain: string;
  /** Service account client id (what an admin enters in the Admin console). */
  clientId: string;
  scopes?: string[];
}

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  scope: string;
  token_type: 'Bearer';
  refresh_token?: string;
}

/** OAuth state: registered clients, codes, grants and tokens, service accounts and DWD. */
export class OAuthStore {
  readonly clients = new Map<string, OAuthClient>();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly grants = new Map<string, Grant>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, string>();
  readonly serviceAccounts = new Map<string, ServiceAccount>();
  readonly delegations: DomainDelegation[] = [];

  constructor(
    private readonly clock: () => number,
    public accessTokenTtlSeconds: number,
  ) {}

  registerClient(input: OAuthClientInput): OAuthClient {
    const client: OAuthClient = {
      clientId: input.clientId ?? `${randomBytes(6).toString('hex')}-emulator.apps.googleusercontent.com`,
      clientSecret: input.clientSecret,
      redirectUris: [...input.redirectUris],
      name: input.name ?? 'Emulated OAuth client',
    };
    this.clients.set(client.clientId, client);
    return client;
  }

  /** client_secret_post or client_secret_basic; a client registered without secret is public. */
  authenticateClient(clientId: string | undefined, clientSecret: string | undefined): OAuthClient {
    const client = clientId ? this.clients.get(clientId) : undefined;
    if (!client) throw new OAuthError(401, 'invalid_client', 'The OAuth client was not found.');
    if (client.clientSecret !== undefined && !safeEqual(client.clientSecret, clientSecret ?? '')) {
      throw new OAuthError(401, 'invalid_client', 'Unauthorized');
    }
    return client;
  }

  issueCode(input: Omit<AuthorizationCode, 'code' | 'used'>): AuthorizationCode {
    const code: AuthorizationCode = { ...input, code: randomToken('4/0A', 30), used: false };
    this.codes.set(code.code, code);
    return code;
  }

  liveGrant(clientId: string, subject: string): Grant | undefined {
    return [...this.grants.values()].find(
      (g) => !g.revoked && g.clientId === clientId && g.subject === subject && g.kind === 'user',
    );
  }

  createGrant(input: Omit<Grant, 'id' | 'revoked'>): Grant {
    const grant: Grant = { ...input, id: randomBytes(8).toString('hex'), revoked: false };
    this.grants.set(grant.id, grant);
    if (grant.refreshToken) this.refreshTokens.set(grant.refreshToken, grant.id);
    return grant;
  }

  newRefreshToken(): string {
    return randomToken('1//0g', 40);
  }

  issueAccessToken(grant: Grant, scopes: string[] = grant.scopes): AccessToken {
    const token: AccessToken = {
      token: randomToken('ya29.a0', 60),
      grantId: grant.id,
      subject: grant.subject,
      scopes,
      expiresAt: this.clock() + this.accessTokenTtlSeconds * 1000,
    };
    this.accessTokens.set(token.token, token);
    return token;
  }

  tokenResponse(access: AccessToken, refreshToken?: string): TokenResponse {
    const response: TokenResponse = {
      access_token: access.token,
      expires_in: Math.max(0, Math.round((access.expiresAt - this.clock()) / 1000)),
      scope: access.scopes.join(' '),
      token_type: 'Bearer',
    };
    if (refreshToken) response.refresh_token = refreshToken;
    return response;
  }

  /** A live access token (not expired, grant not revoked). */
  validAccessToken(token: string): AccessToken | undefined {
    const access = this.accessTokens.get(token);
    if (!access || access.expiresAt <= this.clock()) return undefined;
    return this.grants.get(access.grantId)?.revoked === false ? access : undefined;
  }

  grantForRefreshToken(token: string): Grant | undefined {
    const id = this.refreshTokens.get(token);
    const grant = id ? this.grants.get(id) : undefined;
    return grant && !grant.revoked ? grant : undefined;
  }

  /** /revoke accepts an access or refresh token and revokes the whole grant. */
  revokeByToken(token: string): boolean {
    const grantId = this.refreshTokens.get(token) ?? this.accessTokens.get(token)?.grantId;
    const grant = grantId ? this.grants.get(grantId) : undefined;
    if (!grant || grant.revoked) return false;
    grant.revoked = true;
    return true;
  }

  revokeWhere(filter: { subject?: string; clientId?: string }): number {
    let n = 0;
    for (const grant of this.grants.values()) {
      if (grant.revoked) continue;
      if (filter.subject && grant.subject !== normalizeEmail(filter.subject)) continue;
      if (filter.clientId && grant.clientId !== filter.clientId) continue;
      grant.revoked = true;
      n += 1;
    }
    return n;
  }

  registerServiceAccount(input: { clientEmail: string; publicKeyPem?: string; clientId?: string }): {
    account: ServiceAccount;
    privateKeyPem?: string;
  } {
    let publicKeyPem = input.publicKeyPem;
    let privateKeyPem: string | undefined;
    if (!publicKeyPem) {
      const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    }
    const account: ServiceAccount = {
      clientEmail: normalizeEmail(input.clientEmail),
      clientId: input.clientId ?? numericId(input.clientEmail),
      publicKey: loadPublicKey(publicKeyPem),
      publicKeyPem,
    };
    this.serviceAccounts.set(account.clientEmail, account);
    return { account, privateKeyPem };
  }

  /** Accepts the service account's email or client id. */
  findServiceAccount(idOrEmail: string): ServiceAccount | undefined {
    const key = normalizeEmail(idOrEmail);
    return this.serviceAccounts.get(key) ?? [...this.serviceAccounts.values()].find((a) => a.clientId === idOrEmail);
  }

  grantDelegation(domain: string, serviceAccount: string, scopes?: string[]): DomainDelegation {
    const account = this.findServiceAccount(serviceAccount);
    if (!account) throw new Error(`unknown service account: ${serviceAccount}`);
    this.revokeDelegation(domain, serviceAccount);
    const delegation: DomainDelegation = { domain: domain.toLowerCase(), clientId: account.clientId, scopes };
    this.delegations.push(delegation);
    return delegation;
  }

  revokeDelegation(domain: string, serviceAccount: string): void {
    const account = this.findServiceAccount(serviceAccount);
    const idx = this.delegations.findIndex((d) => d.domain === domain.toLowerCase() && d.clientId === account?.clientId);
    if (idx >= 0) this.delegations.splice(idx, 1);
  }

  delegationFor(domain: string, account: ServiceAccount): DomainDelegation | undefined {
    return this.delegations.find((d) => d.domain === domain.toLowerCase() && d.clientId === account.clientId);
  }

  exportState(): OAuthState {
    const now = this.clock();
    const accessTokens = [...this.accessTokens.values()].filter((t) => t.expiresAt > now);
    // Each jwt-bearer exchange makes a grant that only its access token refers to: once that
    // expired, the grant is dead weight (a sync service fetches one every hour per mailbox).
    const liveGrantIds = new Set(accessTokens.map((t) => t.grantId));
    return {
      clients: [...this.clients.values()],
      grants: [...this.grants.values()].filter((g) => g.kind === 'user' || liveGrantIds.has(g.id)),
      accessTokens,
      serviceAccounts: [...this.serviceAccounts.values()].map(({ clientEmail, clientId, publicKeyPem }) => ({ clientEmail, clientId, publicKeyPem })),
      delegations: [...this.delegations],
    };
  }

  importState(state: OAuthState): void {
    this.reset();
    for (const client of arrayOf<OAuthClient>(state.clients, 'google.oauth.clients')) this.clients.set(client.clientId, client);
    for (const grant of arrayOf<Grant>(state.grants, 'google.oauth.grants')) {
      this.grants.set(grant.id, grant);
      if (grant.refreshToken) this.refreshTokens.set(grant.refreshToken, grant.id);
    }
    for (const token of arrayOf<AccessToken>(state.accessTokens, 'google.oauth.accessTokens')) this.accessTokens.set(token.token, token);
    for (const account of arrayOf<OAuthState['serviceAccounts'][number]>(state.serviceAccounts, 'google.oauth.serviceAccounts')) {
      this.serviceAccounts.set(account.clientEmail, { ...account, publicKey: loadPublicKey(account.publicKeyPem) });
    }
    this.delegations.push(...arrayOf<DomainDelegation>(state.delegations, 'google.oauth.delegations'));
  }

  reset(): void {
    for (const map of [this.clients, this.codes, this.grants, this.accessTokens, this.refreshTokens, this.serviceAccounts]) {
      map.clear();
    }
    this.delegations.length = 0;
  }
}

export function pkceChallenge(verifier: string, method: 'S256' | 'plain'): string {
  return method === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Service accounts have 21-digit numeric client ids. */
function numericId(seed: string): string {
  const digits = BigInt('0x' + createHash('sha256').update(seed).digest('hex').slice(0, 16)).toString();
  return ('1' + digits + '00000000000000000000').slice(0, 21);
}
