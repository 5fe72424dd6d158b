import { createHash, randomBytes } from 'node:crypto';
import { MicrosoftUserOAuth } from '../../../src/providers/microsoft/microsoft-user-oauth';
import { isProviderError } from '../../../src/providers/provider-errors';
import { startProviderEnv, type ProviderEnv } from './microsoft-provider-env';

describe('MicrosoftUserOAuth against the identity platform emulator', () => {
  let p: ProviderEnv;
  let oauth: MicrosoftUserOAuth;
  beforeEach(async () => {
    p = await startProviderEnv();
    p.env.emulator.setAutoConsent(true);
    oauth = new MicrosoftUserOAuth({ graphBaseUrl: p.env.graphRoot, loginBaseUrl: `${p.env.base}/login` }, { clientId: p.tenant.clientId, clientSecret: p.tenant.clientSecret, tenant: 'organizations' });
  });
  afterEach(() => p.close());

  it('builds the consent URL with state, a PKCE S256 challenge and offline access', () => {
    const url = new URL(oauth.authorizationUrl({ state: 'st-1', codeChallenge: 'ch-1', redirectUri: p.tenant.redirectUri }));
    expect(`${url.origin}${url.pathname}`).toBe(`${p.env.base}/login/organizations/oauth2/v2.0/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'cb-client', response_type: 'code', redirect_uri: p.tenant.redirectUri, response_mode: 'query',
      scope: 'openid email profile offline_access https://graph.microsoft.com/Calendars.ReadWrite',
      state: 'st-1', code_challenge: 'ch-1', code_challenge_method: 'S256', prompt: 'select_account',
    });
  });

  it('exchanges the code for tokens and the account e-mail, refreshes with rotation, and revoke resolves without a request', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const url = new URL(oauth.authorizationUrl({ state: 'st-2', codeChallenge: challenge, redirectUri: p.tenant.redirectUri }));
    url.searchParams.set('login_hint', p.tenant.alice.email);
    const consent = await fetch(url, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const back = new URL(consent.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('st-2');

    const tokens = await oauth.exchangeCode({ code: back.searchParams.get('code')!, codeVerifier: verifier, redirectUri: p.tenant.redirectUri });
    expect(tokens.email).toBe('alice@contoso.test');
    expect(tokens.refreshToken).toEqual(expect.any(String));
    expect(tokens.scopes).toContain('offline_access');
    expect(tokens.expiresAt).toBeGreaterThan(Date.now() + 50 * 60_000);

    const refreshed = await oauth.refresh(tokens.refreshToken!);
    expect(refreshed.refreshToken).toEqual(expect.any(String));
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
    const me = await fetch(`${p.env.graphRoot}/me/calendar`, { headers: { Authorization: `Bearer ${refreshed.accessToken}` } });
    expect(me.status).toBe(200);

    const before = p.sent.length;
    await expect(oauth.revoke(refreshed.refreshToken!)).resolves.toBeUndefined();
    expect(p.sent.length).toBe(before);
  });

  it('refuses a wrong PKCE verifier as AUTH_REVOKED (invalid_grant), never an HTTP exception', async () => {
    const url = new URL(oauth.authorizationUrl({ state: 's', codeChallenge: createHash('sha256').update('right').digest('base64url'), redirectUri: p.tenant.redirectUri }));
    url.searchParams.set('login_hint', p.tenant.alice.email);
    const code = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
    const error = await oauth.exchangeCode({ code, codeVerifier: 'wrong', redirectUri: p.tenant.redirectUri }).catch((e: unknown) => e);
    expect(isProviderError(error) ? [error.kind, error.status] : error).toEqual(['AUTH_REVOKED', 400]);
  });
});
