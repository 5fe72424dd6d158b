import express, { type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { readFormBody } from '../shared/raw-body';
import { IdentityHttpError } from './graph-errors';
import type { AppRegistration, IdentityService } from './identity-service';
import type { GraphStore } from './graph-store';
import type { Mailbox } from './graph-model';
import { escapeHtml } from '../shared/html';

export interface IdentityRouteOptions {
  /** Skip the consent page when login_hint names a known mailbox. */
  autoConsent: () => boolean;
}

const AUTHORIZE_PARAMS = ['client_id', 'response_type', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'login_hint', 'prompt', 'nonce', 'response_mode'];

function origin(req: Request): string {
  return `${req.protocol}://${req.get('host')}`;
}

function sendIdentityError(res: Response, err: unknown): void {
  if (err instanceof IdentityHttpError) {
    res.status(err.status).set('Cache-Control', 'no-store').json(err.toBody());
    return;
  }
  const fallback = new IdentityHttpError(400, 'invalid_request', 900144, (err as Error).message ?? 'Invalid request.');
  res.status(400).json(fallback.toBody());
}

/** Entra ID shows its own error page (no redirect) when client or redirect URI are wrong. */
function errorPage(res: Response, err: IdentityHttpError): void {
  const body = err.toBody();
  res.status(400).type('html').send(`<!doctype html><html><head><title>Sign in to your account</title></head><body><h1>Sorry, but we're having trouble signing you in.</h1><p id="error">${escapeHtml(body.error_description)}</p></body></html>`);
}

function redirectWith(res: Response, redirectUri: string, params: Record<string, string | undefined>): void {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  res.redirect(302, url.toString());
}

/** /login/{tenant}/oauth2/v2.0/{authorize,token,logout} plus OIDC discovery and keys. */
export function identityRouter(identity: IdentityService, store: GraphStore, options: IdentityRouteOptions): express.Router {
  const router = express.Router();

  const mailboxesFor = (tenant: string): Mailbox[] => {
    const tenantId = identity.resolveTenant(tenant);
    const all = [...store.mailboxes.values()];
    return tenantId ? all.filter((m) => m.tenantId === tenantId) : all;
  };

  /** Shared by GET (show consent or auto-consent) and POST (the consent form). */
  const authorize = (req: Request, res: Response, params: Record<string, string>, decision?: { mailbox?: string; action?: string }): void => {
    let app: AppRegistration;
    try {
      app = identity.checkClient(params.client_id, params.redirect_uri);
    } catch (err) {
      errorPage(res, err as IdentityHttpError);
      return;
    }
    const redirect = (extra: Record<string, string | undefined>) => redirectWith(res, params.redirect_uri, { ...extra, state: params.state });
    if (params.response_type !== 'code') {
      redirect({ error: 'unsupported_response_type', error_description: `AADSTS700054: response_type '${params.response_type ?? ''}' is not enabled for the application.` });
      return;
    }
    if (!params.scope) {
      redirect({ error: 'invalid_request', error_description: "AADSTS900144: The request body must contain the following parameter: 'scope'." });
      return;
    }
    try {
      identity.checkScopes(app, params.scope.split(/\s+/).filter(Boolean));
    } catch (err) {
      const e = err as IdentityHttpError;
      redirect({ error: e.error, error_description: `AADSTS${e.aadsts}: ${e.description}` });
      return;
    }
    if (params.code_challenge && params.code_challenge_method && !['S256', 'plain'].includes(params.code_challenge_method)) {
      redirect({ error: 'invalid_request', error_description: 'AADSTS501491: Invalid size of Code_Challenge parameter.' });
      return;
    }
    const tenant = String(req.params.tenant);
    const candidates = mailboxesFor(tenant);
    const hinted = params.login_hint ? candidates.find((m) => m.email === params.login_hint.toLowerCase()) : undefined;
    const issue = (mailbox: Mailbox) =>
      redirect({
        code: identity.issueCode({
          clientId: params.client_id,
          mailboxId: mailbox.id,
          redirectUri: params.redirect_uri,
          scopes: identity.expandDefault(app, params.scope.split(/\s+/).filter(Boolean)),
          codeChallenge: params.code_challenge || undefined,
          codeChallengeMethod: params.code_challenge ? params.code_challenge_method || 'plain' : undefined,
          nonce: params.nonce || undefined,
        }),
        session_state: randomUUID(),
      });
    if (decision) {
      if (decision.action !== 'accept') {
        redirect({ error: 'access_denied', error_description: 'AADSTS65004: User declined to consent to access the app.' });
        return;
      }
      const chosen = candidates.find((m) => m.id === decision.mailbox);
      if (!chosen) {
        res.status(400).type('html').send('<!doctype html><p>Choose an account.</p>');
        return;
      }
      issue(chosen);
      return;
    }
    if (hinted && (options.autoConsent() || params.prompt === 'none')) {
      issue(hinted);
      return;
    }
    if (params.prompt === 'none') {
      redirect({ error: 'login_required', error_description: 'AADSTS50058: A silent sign-in request was sent but no user is signed in.' });
      return;
    }
    res.status(200).type('html').send(consentPage(req, params, candidates, hinted));
  };

  router.get('/:tenant/oauth2/v2.0/authorize', (req, res) => {
    const params: Record<string, string> = {};
    for (const name of AUTHORIZE_PARAMS) if (typeof req.query[name] === 'string') params[name] = req.query[name] as string;
    authorize(req, res, params);
  });

  router.post('/:tenant/oauth2/v2.0/authorize', async (req, res) => {
    const form = await readFormBody(req);
    const params: Record<string, string> = {};
    for (const name of AUTHORIZE_PARAMS) if (form[name] !== undefined && form[name] !== '') params[name] = form[name];
    authorize(req, res, params, { mailbox: form.mailbox, action: form.action });
  });

  router.post('/:tenant/oauth2/v2.0/token', async (req, res) => {
    try {
      const contentType = req.headers['content-type'] ?? '';
      if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
        throw new IdentityHttpError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
      }
      const form = await readFormBody(req);
      const basic = parseBasicAuth(req.headers.authorization);
      const result = identity.token(String(req.params.tenant), form, basic, `${origin(req)}${req.baseUrl}`);
      res.status(200).set('Cache-Control', 'no-store').set('Pragma', 'no-cache').json(result);
    } catch (err) {
      sendIdentityError(res, err);
    }
  });

  router.get('/:tenant/oauth2/v2.0/logout', (req, res) => {
    const target = typeof req.query.post_logout_redirect_uri === 'string' ? req.query.post_logout_redirect_uri : undefined;
    if (target) res.redirect(302, target);
    else res.status(200).type('html').send('<!doctype html><p>You signed out of your account.</p>');
  });

  router.get('/:tenant/v2.0/.well-known/openid-configuration', (req, res) => {
    const base = `${origin(req)}${req.baseUrl}/${req.params.tenant}`;
    const tenantId = identity.resolveTenant(String(req.params.tenant)) ?? '{tenantid}';
    res.json({
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${origin(req)}${req.baseUrl}/${tenantId}/v2.0`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'email', 'oid'],
      tenant_region_scope: 'NA',
    });
  });

  router.get('/:tenant/discovery/v2.0/keys', (_req, res) => {
    res.json(identity.jwks());
  });

  return router;
}

function parseBasicAuth(header: string | undefined): { clientId: string; clientSecret: string } | undefined {
  const m = header?.match(/^Basic\s+(.+)$/i);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const sep = decoded.indexOf(':');
  if (sep < 0) return undefined;
  return { clientId: decodeURIComponent(decoded.slice(0, sep)), clientSecret: decodeURIComponent(decoded.slice(sep + 1)) };
}

function consentPage(req: Request, params: Record<string, string>, mailboxes: Mailbox[], hinted?: Mailbox): string {
  const hidden = Object.entries(params)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
  const choices = mailboxes.length
    ? mailboxes
        .map((m, i) => `<label><input type="radio" name="mailbox" value="${escapeHtml(m.id)}"${(hinted ? hinted.id === m.id : i === 0) ? ' checked' : ''}> ${escapeHtml(m.displayName)} &lt;${escapeHtml(m.email)}&gt;</label><br>`)
        .join('\n')
    : '<p>No mailboxes exist in this sandbox directory yet.</p>';
  const action = `${req.baseUrl}${req.path}`;
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Permissions requested (sandbox)</title></head>
<body>
<h1>Permissions requested</h1>
<p>Sandbox Microsoft identity platform. The application <strong>${escapeHtml(params.client_id ?? '')}</strong> asks for: <code>${escapeHtml(params.scope ?? '')}</code></p>
<form method="post" action="${escapeHtml(action)}">
${hidden}
<fieldset><legend>Sign in as</legend>
${choices}
</fieldset>
<button type="submit" name="action" value="accept">Accept</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</form>
</body></html>`;
}
