import type { Request, Response, Router } from 'express';
import { readFormBody, readTextBody, parseJsonText } from '../shared/raw-body';
import { OAuthError } from './google-errors';
import { renderConsentPage, renderErrorPage } from './google-consent-page';
import { baseUrlOf, type GoogleEmulatorContext } from './google-context';
import type { OAuthClient } from './google-oauth-store';
import { normalizeEmail } from './google-store';
import { invalidScopes } from './google-scopes';
import { splitScopes, type ClientCredentials } from './google-token-grants';

const AUTH_PATH = '/o/oauth2/v2/auth';

interface AuthRequest {
  client: OAuthClient;
  redirectUri: string;
  scopes: string[];
  params: Record<string, string>;
}

/** Authorization, token, revoke and tokeninfo endpoints of Google's OAuth 2.0 server. */
export function registerOAuthRoutes(router: Router, ctx: GoogleEmulatorContext): void {
  router.get(AUTH_PATH, (req, res) => authorize(ctx, req, res, queryParams(req)));
  router.post(AUTH_PATH, async (req, res) => {
    const form = await readFormBody(req, ctx.settings.maxBodyBytes);
    decide(ctx, req, res, form);
  });
  router.post('/token', async (req, res) => token(ctx, req, res));
  router.post('/revoke', async (req, res) => revoke(ctx, req, res));
  router.get('/revoke', async (req, res) => revoke(ctx, req, res));
  router.all('/tokeninfo', async (req, res) => tokenInfo(ctx, req, res));
}

function queryParams(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URL(req.originalUrl, 'http://x').searchParams) out[k] = v;
  return out;
}

/** Errors about the client or redirect URI are shown to the user, never redirected. */
function validateAuthRequest(ctx: GoogleEmulatorContext, res: Response, params: Record<string, string>): AuthRequest | undefined {
  const client = params.client_id ? ctx.oauth.clients.get(params.client_id) : undefined;
  if (!client) {
    res.status(401).type('html').send(renderErrorPage('invalid_client', 'The OAuth client was not found.'));
    return undefined;
  }
  const redirectUri = params.redirect_uri ?? '';
  if (!client.redirectUris.includes(redirectUri)) {
    res
      .status(400)
      .type('html')
      .send(renderErrorPage('redirect_uri_mismatch', `The redirect URI in the request, ${redirectUri}, does not match the ones authorized for the OAuth client.`));
    return undefined;
  }
  const scopes = splitScopes(params.scope ?? '');
  const invalid = invalidScopes(scopes);
  if (invalid.length > 0) {
    // Google shows this on its own page ("Error 400: invalid_scope") rather than redirecting.
    res.status(400).type('html').send(renderErrorPage('invalid_scope', `Some requested scopes were invalid. {invalid=[${invalid.join(', ')}]}`));
    return undefined;
  }
  return { client, redirectUri, scopes, params };
}

/** Errors after the redirect URI is trusted go back to the client (RFC 6749 §4.1.2.1). */
function redirectError(res: Response, request: AuthRequest, error: string, description?: string): void {
  const url = new URL(request.redirectUri);
  url.searchParams.set('error', error);
  if (description) url.searchParams.set('error_description', description);
  if (request.params.state !== undefined) url.searchParams.set('state', request.params.state);
  res.redirect(302, url.toString());
}

function protocolError(request: AuthRequest): [string, string] | undefined {
  const p = request.params;
  if (p.response_type !== 'code') return ['unsupported_response_type', `Invalid response_type: ${p.response_type ?? ''}`];
  if (request.scopes.length === 0) return ['invalid_request', 'Missing required parameter: scope'];
  if (p.code_challenge_method && !p.code_challenge) return ['invalid_request', 'Missing code_challenge.'];
  if (p.code_challenge && !['S256', 'plain', undefined].includes(p.code_challenge_method)) {
    return ['invalid_request', 'Invalid code_challenge_method.'];
  }
  if (p.access_type && !['online', 'offline'].includes(p.access_type)) {
    return ['invalid_request', `Invalid access_type: ${p.access_type}`];
  }
  return undefined;
}

function authorize(ctx: GoogleEmulatorContext, req: Request, res: Response, params: Record<string, string>): void {
  const request = validateAuthRequest(ctx, res, params);
  if (!request) return;
  const problem = protocolError(request);
  if (problem) return redirectError(res, request, ...problem);
  const auto = autoConsentMailbox(ctx, params.login_hint);
  if (auto) return redirectWithCode(ctx, res, request, auto);
  const { decision: _d, mailbox: _m, new_mailbox: _n, ...echo } = params;
  res
    .status(200)
    .type('html')
    .send(
      renderConsentPage({
        clientName: request.client.name,
        scopes: request.scopes,
        mailboxes: [...ctx.store.mailboxes.values()],
        loginHint: params.login_hint,
        params: echo,
        actionPath: `${req.baseUrl}${AUTH_PATH}`,
        allowNewMailbox: ctx.settings.createMailboxOnConsent,
      }),
    );
}

/** autoConsent=true consents as login_hint (or the only mailbox); a string names the mailbox. */
function autoConsentMailbox(ctx: GoogleEmulatorContext, loginHint: string | undefined): string | undefined {
  const auto = ctx.settings.autoConsent;
  if (auto === false) return undefined;
  if (loginHint && ctx.store.mailbox(loginHint)) return normalizeEmail(loginHint);
  if (typeof auto === 'string' && ctx.store.mailbox(auto)) return normalizeEmail(auto);
  const all = [...ctx.store.mailboxes.keys()];
  return auto === true && all.length === 1 ? all[0] : undefined;
}

function decide(ctx: GoogleEmulatorContext, req: Request, res: Response, form: Record<string, string>): void {
  const request = validateAuthRequest(ctx, res, form);
  if (!request) return;
  const problem = protocolError(request);
  if (problem) return redirectError(res, request, ...problem);
  if (form.decision !== 'allow') return redirectError(res, request, 'access_denied');
  let email: string | undefined = form.new_mailbox?.trim() || form.mailbox;
  if (email && !ctx.store.mailbox(email) && ctx.settings.createMailboxOnConsent && form.new_mailbox) {
    try {
      email = ctx.store.createMailbox({ email }).email;
    } catch {
      email = undefined;
    }
  }
  if (!email || !ctx.store.mailbox(email)) {
    res.status(400).type('html').send(renderErrorPage('invalid_request', 'Choose an existing account.'));
    return;
  }
  redirectWithCode(ctx, res, request, normalizeEmail(email));
}

function redirectWithCode(ctx: GoogleEmulatorContext, res: Response, request: AuthRequest, subject: string): void {
  const p = request.params;
  const code = ctx.oauth.issueCode({
    clientId: request.client.clientId,
    redirectUri: request.redirectUri,
    subject,
    scopes: request.scopes,
    codeChallenge: p.code_challenge || undefined,
    codeChallengeMethod: p.code_challenge ? ((p.code_challenge_method as 'S256' | 'plain' | undefined) ?? 'plain') : undefined,
    offline: p.access_type === 'offline',
    forceConsent: (p.prompt ?? '').split(' ').includes('consent'),
    expiresAt: ctx.clock() + ctx.settings.authCodeTtlSeconds * 1000,
  });
  const url = new URL(request.redirectUri);
  if (p.state !== undefined) url.searchParams.set('state', p.state);
  url.searchParams.set('code', code.code);
  url.searchParams.set('scope', request.scopes.join(' '));
  res.redirect(302, url.toString());
}

async function readParams(ctx: GoogleEmulatorContext, req: Request): Promise<Record<string, string>> {
  const text = await readTextBody(req, ctx.settings.maxBodyBytes);
  const type = req.get('content-type') ?? '';
  let body: Record<string, string> = {};
  if (type.includes('application/json')) {
    const json = parseJsonText(text);
    if (json && typeof json === 'object') {
      body = Object.fromEntries(Object.entries(json as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    }
  } else {
    body = Object.fromEntries(new URLSearchParams(text));
  }
  return { ...queryParams(req), ...body };
}

function basicCredentials(req: Request): ClientCredentials {
  const header = req.get('authorization') ?? '';
  const m = /^Basic\s+(.+)$/i.exec(header);
  if (!m) return {};
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const cut = decoded.indexOf(':');
  if (cut < 0) return {};
  return { clientId: decodeURIComponent(decoded.slice(0, cut)), clientSecret: decodeURIComponent(decoded.slice(cut + 1)) };
}

function sendOAuthError(res: Response, err: unknown): void {
  if (err instanceof OAuthError) {
    res.status(err.status).set('Cache-Control', 'no-store').json(err.toBody());
    return;
  }
  res.status(400).json({ error: 'invalid_request', error_description: 'Bad Request' });
}

async function token(ctx: GoogleEmulatorContext, req: Request, res: Response): Promise<void> {
  try {
    const params = await readParams(ctx, req);
    const response = ctx.grants.exchange(params, basicCredentials(req), `${baseUrlOf(req)}/token`);
    res.status(200).set({ 'Cache-Control': 'no-cache, no-store, max-age=0, must-revalidate', Pragma: 'no-cache' }).json(response);
  } catch (err) {
    sendOAuthError(res, err);
  }
}

/** https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke */
async function revoke(ctx: GoogleEmulatorContext, req: Request, res: Response): Promise<void> {
  // Injected faults reach the revocation endpoint too (a provider outage during disconnect).
  const fault = ctx.faults.take({ method: req.method, path: req.path });
  if (fault) {
    if (fault.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    res.status(fault.status).set(fault.headers ?? {}).json(fault.body ?? { error: 'backend_error', error_description: 'Injected fault' });
    return;
  }
  try {
    const params = await readParams(ctx, req);
    if (!params.token || !ctx.oauth.revokeByToken(params.token)) {
      throw new OAuthError(400, 'invalid_token', 'Token expired or revoked');
    }
    res.status(200).json({});
  } catch (err) {
    sendOAuthError(res, err);
  }
}

async function tokenInfo(ctx: GoogleEmulatorContext, req: Request, res: Response): Promise<void> {
  const params = await readParams(ctx, req).catch(() => ({}) as Record<string, string>);
  const access = params.access_token ? ctx.oauth.validAccessToken(params.access_token) : undefined;
  if (!access) {
    res.status(400).json({ error: 'invalid_token', error_description: 'Invalid Value' });
    return;
  }
  const grant = ctx.oauth.grants.get(access.grantId);
  res.json({
    azp: grant?.clientId,
    aud: grant?.clientId,
    sub: access.subject,
    scope: access.scopes.join(' '),
    exp: String(Math.floor(access.expiresAt / 1000)),
    expires_in: Math.max(0, Math.round((access.expiresAt - ctx.clock()) / 1000)),
    email: access.subject,
    email_verified: 'true',
    access_type: grant?.refreshToken ? 'offline' : 'online',
  });
}
