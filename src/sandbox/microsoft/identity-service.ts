import { createHash, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { IdentityHttpError, unauthenticated, GraphHttpError } from './graph-errors';
import type { Mailbox, Principal } from './graph-model';
import { randomToken } from './graph-ids';
import type { GraphStore } from './graph-store';
import { isKnownDelegatedPermission } from './graph-permissions';
import { arrayOf } from '../shared/state-shape';

/** Graph's well-known application id: the audience of Graph access tokens. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const GRAPH_RESOURCE = 'https://graph.microsoft.com';
const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];

export interface AppRegistration {
  clientId: string;
  /** Absent for public clients (SPA/native), which redeem codes with PKCE only. */
  clientSecret?: string;
  redirectUris: string[];
  /** Home directory; client_credentials on /common or /organizations falls back to it. */
  tenantId?: string;
  displayName: string;
  /** Application permissions granted by an admin for app-only tokens. */
  appRoles: string[];
  /** Delegated permissions listed on the registration: what "https://graph.microsoft.com/.default" asks for in delegated flows. */
  delegatedPermissions: string[];
}

interface AuthorizationCode {
  clientId: string;
  mailboxId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge?: string;
  codeChallengeMethod?: string;
  nonce?: string;
  expiresAt: number;
  redeemed: boolean;
}

interface Grant {
  id: string;
  mailboxId: string;
  clientId: string;
  scopes: string[];
  revoked: boolean;
}

interface AccessTokenRecord {
  principal: Principal;
  expiresAt: number;
}

interface RefreshTokenRecord {
  grantId: string;
  expiresAt: number;
}

/**
 * What survives a restart: registrations, consent grants, refresh tokens and live access
 * tokens. Authorization codes live for minutes and are not kept.
 */
export interface IdentityState {
  apps: AppRegistration[];
  grants: Grant[];
  accessTokens: [string, AccessTokenRecord][];
  refreshTokens: [string, RefreshTokenRecord][];
}

export interface IdentityOptions {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  authorizationCodeTtlSeconds: number;
  now: () => number;
}

export interface TokenResponse {
  token_type: 'Bearer';
  scope: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
}

let sharedKeys: { privateKey: KeyObject; publicKey: KeyObject } | undefined;

/** RSA generation takes a noticeable fraction of a second; emulators in one process share a key pair. */
function signingKeys(): { privateKey: KeyObject; publicKey: KeyObject } {
  sharedKeys ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
  return sharedKeys;
}

const invalidGrant = (code: number, description: string) => new IdentityHttpError(400, 'invalid_grant', code, description);

/** What a registration lists as delegated Graph permissions unless told otherwise. */
const DEFAULT_DELEGATED = ['User.Read', 'Calendars.ReadWrite', 'MailboxSettings.Read'];
/** Tenant aliases the client credentials grant refuses: it needs a GUID or a domain name. */
const MULTI_TENANT_ALIASES = ['common', 'consumers', 'organizations'];

/** Permission names of "scopes" for comparison: resource prefix stripped, case folded, OIDC scopes dropped. */
function permissionKeys(scopes: string[]): Set<string> {
  return new Set(graphScopes(scopes).map((s) => s.toLowerCase()));
}

/** Scopes for Graph lose their resource prefix in scp: "https://graph.microsoft.com/Calendars.Read" → "Calendars.Read". */
function graphScopes(scopes: string[]): string[] {
  return scopes.filter((s) => !OIDC_SCOPES.includes(s.toLowerCase())).map((s) => s.replace(/^https:\/\/graph\.microsoft\.com\//i, ''));
}

/**
 * The Microsoft identity platform's v2.0 endpoints as far as Graph clients need them:
 * app registrations, authorization codes (with PKCE), rotating refresh tokens,
 * client credentials, RS256-signed JWTs with a JWKS, and grant revocation.
 */
export class IdentityService {
  readonly apps = new Map<string, AppRegistration>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly grants = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private issuedSinceSweep = 0;
  private readonly keyId = randomUUID().replace(/-/g, '').slice(0, 27);
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor(
    private readonly store: GraphStore,
    private readonly options: IdentityOptions,
  ) {
    const pair = signingKeys();
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  registerApp(input: { clientId?: string; clientSecret?: string; redirectUris?: string[]; tenantId?: string; displayName?: string; appRoles?: string[]; delegatedPermissions?: string[] }): AppRegistration {
    const app: AppRegistration = {
      clientId: input.clientId ?? randomUUID(),
      clientSecret: input.clientSecret,
      redirectUris: input.redirectUris ?? [],
      tenantId: input.tenantId,
      displayName: input.displayName ?? 'Calendar Bridge (sandbox)',
      appRoles: input.appRoles ?? ['Calendars.ReadWrite', 'User.Read.All', 'MailboxSettings.Read'],
      delegatedPermissions: input.delegatedPermissions ?? DEFAULT_DELEGATED,
    };
    this.apps.set(app.clientId, app);
    return app;
  }

  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    return { keys: [{ kty: 'RSA', use: 'sig', kid: this.keyId, x5t: this.keyId, n: jwk.n, e: jwk.e }] };
  }

  // ---- authorize ---------------------------------------------------------

  /** Checks the parts of an authorize request that Entra ID reports on its own error page. */
  checkClient(clientId: string | undefined, redirectUri: string | undefined): AppRegistration {
    const app = clientId ? this.apps.get(clientId) : undefined;
    if (!app) throw new IdentityHttpError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId ?? ''}' was not found in the directory.`);
    if (!redirectUri || !app.redirectUris.includes(redirectUri)) {
      throw new IdentityHttpError(400, 'invalid_request', 50011, `The redirect URI '${redirectUri ?? ''}' specified in the request does not match the redirect URIs configured for the application '${app.clientId}'.`);
    }
    return app;
  }

  issueCode(input: Omit<AuthorizationCode, 'expiresAt' | 'redeemed'>): string {
    const code = `1.A${randomToken(48)}`;
    this.codes.set(code, { ...input, expiresAt: this.options.now() + this.options.authorizationCodeTtlSeconds * 1000, redeemed: false });
    return code;
  }

  // ---- token -------------------------------------------------------------

  token(tenant: string, form: Record<string, string>, basicAuth?: { clientId: string; clientSecret: string }, issuerBase = ''): TokenResponse {
    const clientId = form.client_id ?? basicAuth?.clientId;
    const clientSecret = form.client_secret ?? basicAuth?.clientSecret;
    const app = clientId ? this.apps.get(clientId) : undefined;
    if (!app) throw new IdentityHttpError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId ?? ''}' was not found in the directory.`);
    switch (form.grant_type) {
      case 'authorization_code':
        this.authenticateClient(app, clientSecret, false);
        return this.redeemCode(app, form, issuerBase);
      case 'refresh_token':
        this.authenticateClient(app, clientSecret, false);
        return this.redeemRefreshToken(app, form, issuerBase);
      case 'client_credentials':
        this.authenticateClient(app, clientSecret, true);
        return this.clientCredentials(app, tenant, form, issuerBase);
      case undefined:
        throw new IdentityHttpError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
      default:
        throw new IdentityHttpError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${form.grant_type}'.`);
    }
  }

  private authenticateClient(app: AppRegistration, secret: string | undefined, required: boolean): void {
    if (!app.clientSecret) {
      if (required) throw new IdentityHttpError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
      return;
    }
    if (secret === undefined) throw new IdentityHttpError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    if (secret !== app.clientSecret) throw new IdentityHttpError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
  }

  private redeemCode(app: AppRegistration, form: Record<string, string>, issuerBase: string): TokenResponse {
    const record = form.code ? this.codes.get(form.code) : undefined;
    if (!record || record.clientId !== app.clientId) throw invalidGrant(70000, "The provided value for the 'code' parameter is not valid.");
    if (record.redeemed) throw invalidGrant(54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.');
    if (record.expiresAt <= this.options.now()) throw invalidGrant(70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.');
    if (form.redirect_uri !== record.redirectUri) throw invalidGrant(50011, `The redirect URI '${form.redirect_uri ?? ''}' specified in the request does not match the redirect URI used when requesting the authorization code.`);
    if (record.codeChallenge) {
      if (!form.code_verifier) throw invalidGrant(50148, 'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.');
      const computed = record.codeChallengeMethod === 'plain' ? form.code_verifier : createHash('sha256').update(form.code_verifier).digest('base64url');
      if (computed !== record.codeChallenge) throw invalidGrant(501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
    }
    record.redeemed = true;
    const grant = this.grantFor(record.mailboxId, app.clientId, record.scopes);
    return this.delegatedTokens(grant, record.scopes, issuerBase, record.nonce);
  }

  private redeemRefreshToken(app: AppRegistration, form: Record<string, string>, issuerBase: string): TokenResponse {
    const record = form.refresh_token ? this.refreshTokens.get(form.refresh_token) : undefined;
    if (!record) throw invalidGrant(9002313, 'Invalid request. Request is malformed or invalid.');
    const grant = this.grants.get(record.grantId)!;
    if (grant.clientId !== app.clientId) throw invalidGrant(70000, 'The refresh token was issued to a different client.');
    if (grant.revoked) throw invalidGrant(50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.');
    if (record.expiresAt <= this.options.now()) throw invalidGrant(700082, 'The refresh token has expired due to inactivity.');
    const scopes = form.scope ? this.expandDefault(app, form.scope.split(/\s+/).filter(Boolean)) : grant.scopes;
    // The refresh leg may narrow, never widen, what the user consented to (refresh-tokens doc:
    // "equivalent to or a subset of"); Entra answers AADSTS65001 with suberror consent_required.
    const consented = permissionKeys(grant.scopes);
    const extra = [...permissionKeys(scopes)].filter((p) => !consented.has(p));
    if (extra.length > 0) {
      throw new IdentityHttpError(400, 'invalid_grant', 65001, `The user or administrator has not consented to use the application with ID '${app.clientId}' named '${app.displayName}'. Send an interactive authorization request for this user and resource.`, 'consent_required');
    }
    // Each redemption returns a new refresh token; the old one keeps working until it
    // expires, as Entra ID does (it does not revoke refresh tokens on use).
    return this.delegatedTokens(grant, scopes, issuerBase);
  }

  private clientCredentials(app: AppRegistration, tenant: string, form: Record<string, string>, _issuerBase: string): TokenResponse {
    const scopes = (form.scope ?? '').split(/\s+/).filter(Boolean);
    if (scopes.length !== 1 || !/\/\.default$/.test(scopes[0])) {
      throw new IdentityHttpError(400, 'invalid_scope', 1002012, `The provided value for scope ${form.scope ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    }
    // "tenant: ... in GUID or domain-name format" (client credentials doc): /common and
    // /consumers are refused with AADSTS9001023; the doc's wording also excludes
    // /organizations, so the emulator refuses it too (the stricter reading).
    if (MULTI_TENANT_ALIASES.includes(tenant.toLowerCase())) {
      throw new IdentityHttpError(400, 'invalid_request', 9001023, `The grant type is not supported over the /common, /consumers or /organizations endpoints. Please use a tenant-specific endpoint.`);
    }
    const tenantId = this.resolveTenant(tenant);
    if (!tenantId) throw new IdentityHttpError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    // A single-tenant registration exists only in its home directory.
    if (app.tenantId && this.resolveTenant(app.tenantId) !== tenantId) {
      throw new IdentityHttpError(400, 'unauthorized_client', 700016, `Application with identifier '${app.clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);
    }
    const principal: Principal = { kind: 'app', tenantId, clientId: app.clientId, roles: [...app.appRoles] };
    const now = Math.floor(this.options.now() / 1000);
    const ttl = this.options.accessTokenTtlSeconds;
    const accessToken = this.sign({ aud: GRAPH_RESOURCE, iss: `https://sts.windows.net/${tenantId}/`, iat: now, nbf: now, exp: now + ttl, app_displayname: app.displayName, appid: app.clientId, appidacr: '1', idtyp: 'app', oid: app.clientId, roles: principal.roles, sub: app.clientId, tid: tenantId, ver: '1.0' });
    this.remember(accessToken, { principal, expiresAt: (now + ttl) * 1000 });
    return { token_type: 'Bearer', scope: scopes[0], expires_in: ttl, ext_expires_in: ttl, access_token: accessToken };
  }

  /** Delegated "https://graph.microsoft.com/.default" stands for the registration's listed permissions. */
  expandDefault(app: AppRegistration, scopes: string[]): string[] {
    return scopes.flatMap((s) => (/^(https:\/\/graph\.microsoft\.com\/)?\.default$/i.test(s) ? app.delegatedPermissions : [s]));
  }

  /** AADSTS650053 for a delegated permission Graph does not define. */
  checkScopes(app: AppRegistration, scopes: string[]): void {
    const unknown = graphScopes(this.expandDefault(app, scopes)).find((s) => !isKnownDelegatedPermission(s));
    if (unknown !== undefined) {
      throw new IdentityHttpError(400, 'invalid_client', 650053, `The application '${app.displayName}' asked for scope '${unknown}' that doesn't exist on the resource '${GRAPH_APP_ID}'. Contact the app vendor.`);
    }
  }

  /** Tenant GUID or one of its domains. */
  resolveTenant(tenant: string): string | undefined {
    if (this.store.directories.has(tenant)) return tenant;
    return this.store.directoryForDomain(tenant)?.tenantId;
  }

  private grantFor(mailboxId: string, clientId: string, scopes: string[]): Grant {
    const existing = [...this.grants.values()].find((g) => g.mailboxId === mailboxId && g.clientId === clientId && !g.revoked);
    if (existing) {
      existing.scopes = [...new Set([...existing.scopes, ...scopes])];
      return existing;
    }
    const grant: Grant = { id: randomUUID(), mailboxId, clientId, scopes: [...scopes], revoked: false };
    this.grants.set(grant.id, grant);
    return grant;
  }

  private delegatedTokens(grant: Grant, scopes: string[], issuerBase: string, nonce?: string): TokenResponse {
    const mailbox = this.store.mailboxes.get(grant.mailboxId)!;
    const app = this.apps.get(grant.clientId)!;
    const principal: Principal = { kind: 'user', mailboxId: mailbox.id, tenantId: mailbox.tenantId, clientId: grant.clientId, scopes: graphScopes(scopes), grantId: grant.id };
    const now = Math.floor(this.options.now() / 1000);
    const ttl = this.options.accessTokenTtlSeconds;
    const scp = principal.kind === 'user' ? principal.scopes.join(' ') : '';
    const accessToken = this.sign({ aud: GRAPH_RESOURCE, iss: `https://sts.windows.net/${mailbox.tenantId}/`, iat: now, nbf: now, exp: now + ttl, app_displayname: app.displayName, appid: app.clientId, idtyp: 'user', name: mailbox.displayName, oid: mailbox.id, scp, sub: mailbox.id, tid: mailbox.tenantId, unique_name: mailbox.email, upn: mailbox.email, ver: '1.0' });
    this.remember(accessToken, { principal, expiresAt: (now + ttl) * 1000 });
    const lower = scopes.map((s) => s.toLowerCase());
    const response: TokenResponse = { token_type: 'Bearer', scope: scopes.join(' '), expires_in: ttl, ext_expires_in: ttl, access_token: accessToken };
    if (lower.includes('offline_access')) {
      const refreshToken = `1.A${randomToken(64)}`;
      this.refreshTokens.set(refreshToken, { grantId: grant.id, expiresAt: this.options.now() + this.options.refreshTokenTtlSeconds * 1000 });
      response.refresh_token = refreshToken;
    }
    if (lower.includes('openid')) response.id_token = this.idToken(mailbox, app, issuerBase, nonce);
    return response;
  }

  private idToken(mailbox: Mailbox, app: AppRegistration, issuerBase: string, nonce?: string): string {
    const now = Math.floor(this.options.now() / 1000);
    return this.sign({
      aud: app.clientId,
      iss: `${issuerBase}/${mailbox.tenantId}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      name: mailbox.displayName,
      oid: mailbox.id,
      preferred_username: mailbox.email,
      email: mailbox.email,
      sub: createHash('sha256').update(`${mailbox.id}|${app.clientId}`).digest('base64url').slice(0, 43),
      tid: mailbox.tenantId,
      ver: '2.0',
      ...(nonce ? { nonce } : {}),
    });
  }

  /** Long benchmark runs issue many tokens; expired ones are dropped now and then. */
  private remember(token: string, record: AccessTokenRecord): void {
    this.accessTokens.set(token, record);
    if (++this.issuedSinceSweep < 1000) return;
    this.issuedSinceSweep = 0;
    const now = this.options.now();
    for (const [t, r] of this.accessTokens) if (r.expiresAt <= now) this.accessTokens.delete(t);
  }

  private sign(claims: Record<string, unknown>): string {
    return jwt.sign(claims, this.privateKey, { algorithm: 'RS256', keyid: this.keyId, header: { alg: 'RS256', typ: 'JWT', x5t: this.keyId } as jwt.JwtHeader });
  }

  // ---- Graph side --------------------------------------------------------

  /** Validates a bearer token the way Graph does and returns who is calling. */
  authenticate(authorization: string | undefined): Principal {
    const token = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    if (!token) throw unauthenticated('Access token is empty.');
    const record = this.accessTokens.get(token);
    if (!record) {
      const wellFormed = token.split('.').length === 3;
      throw unauthenticated(wellFormed ? 'Access token validation failure. Invalid audience.' : 'IDX14100: JWT is not well formed, there are no dots (.).');
    }
    if (record.expiresAt <= this.options.now()) throw unauthenticated('Lifetime validation failed, the token is expired.');
    if (record.principal.kind === 'user') {
      const grant = this.grants.get(record.principal.grantId);
      if (!grant || grant.revoked) {
        throw new GraphHttpError(401, 'InvalidAuthenticationToken', 'Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokensRevoked');
      }
    }
    return record.principal;
  }

  /** Control API: a delegated or app-only token without the OAuth dance. */
  issueAccessToken(input: { mailbox?: Mailbox; clientId: string; scopes?: string[]; appOnlyTenantId?: string }): TokenResponse {
    const app = this.apps.get(input.clientId);
    if (!app) throw new Error(`unknown client ${input.clientId}`);
    if (input.mailbox) {
      const scopes = this.expandDefault(app, input.scopes ?? [...app.delegatedPermissions, 'offline_access']);
      return this.delegatedTokens(this.grantFor(input.mailbox.id, app.clientId, scopes), scopes, '');
    }
    const tenant = input.appOnlyTenantId ?? app.tenantId;
    if (!tenant) throw new Error(`app ${app.clientId} has no home directory; name the tenant`);
    return this.clientCredentials(app, tenant, { scope: `${GRAPH_RESOURCE}/.default` }, '');
  }

  /** Control API: the user revokes consent / an admin revokes sessions. Returns grants revoked. */
  revokeGrants(mailboxId: string, clientId?: string): number {
    let n = 0;
    for (const grant of this.grants.values()) {
      if (grant.mailboxId === mailboxId && (!clientId || grant.clientId === clientId) && !grant.revoked) {
        grant.revoked = true;
        n++;
      }
    }
    return n;
  }

  exportState(): IdentityState {
    const now = this.options.now();
    return {
      apps: [...this.apps.values()],
      grants: [...this.grants.values()],
      accessTokens: [...this.accessTokens].filter(([, record]) => record.expiresAt > now),
      refreshTokens: [...this.refreshTokens].filter(([, record]) => record.expiresAt > now),
    };
  }

  importState(state: IdentityState): void {
    this.reset();
    for (const app of arrayOf<AppRegistration>(state.apps, 'microsoft.identity.apps')) this.apps.set(app.clientId, app);
    for (const grant of arrayOf<Grant>(state.grants, 'microsoft.identity.grants')) this.grants.set(grant.id, grant);
    for (const [token, record] of arrayOf<[string, AccessTokenRecord]>(state.accessTokens, 'microsoft.identity.accessTokens')) this.accessTokens.set(token, record);
    for (const [token, record] of arrayOf<[string, RefreshTokenRecord]>(state.refreshTokens, 'microsoft.identity.refreshTokens')) this.refreshTokens.set(token, record);
  }

  reset(): void {
    this.apps.clear();
    this.codes.clear();
    this.grants.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }
}
