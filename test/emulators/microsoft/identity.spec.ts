import { createHash, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { graphClient, seedTenant, startEmulator, type EmulatorEnv, type Tenant, jsonOf } from './microsoft-test-env';

describe('Microsoft identity platform emulator', () => {
  let env: EmulatorEnv;
  let tenant: Tenant;
  let clock: number;

  beforeEach(async () => {
    clock = Date.now();
    env = await startEmulator({ now: () => clock, accessTokenTtlSeconds: 600 });
    tenant = seedTenant(env);
  });
  afterEach(() => env.close());

  const tokenUrl = (t = 'organizations') => `${env.base}/login/${t}/oauth2/v2.0/token`;
  const postForm = (url: string, form: Record<string, string>) =>
    fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });

  function pkce() {
    const verifier = randomBytes(32).toString('base64url');
    return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
  }

  /** Shows the consent page, submits "Accept" for alice, returns the redirect's query. */
  async function consent(challenge: string, state = 'st-123'): Promise<URLSearchParams> {
    const authorize = new URL(`${env.base}/login/organizations/oauth2/v2.0/authorize`);
    const params = {
      client_id: tenant.clientId,
      response_type: 'code',
      redirect_uri: tenant.redirectUri,
      scope: 'openid profile offline_access https://graph.microsoft.com/User.Read https://graph.microsoft.com/Calendars.ReadWrite',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      login_hint: tenant.alice.email,
    };
    for (const [k, v] of Object.entries(params)) authorize.searchParams.set(k, v);
    const page = await fetch(authorize, { redirect: 'manual' });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('alice@contoso.test');
    expect(html).toContain('bob@contoso.test');
    expect(html).toContain('value="accept"');
    const accept = await fetch(authorize.origin + authorize.pathname, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...params, mailbox: tenant.alice.id, action: 'accept' }).toString(),
    });
    expect(accept.status).toBe(302);
    const location = new URL(accept.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(tenant.redirectUri);
    return location.searchParams;
  }

  it('runs the authorization code flow with PKCE and the tokens reach Graph', async () => {
    const { verifier, challenge } = pkce();
    const query = await consent(challenge);
    expect(query.get('state')).toBe('st-123');
    const code = query.get('code')!;
    expect(code).toBeTruthy();

    const res = await postForm(tokenUrl(), { client_id: tenant.clientId, client_secret: tenant.clientSecret, grant_type: 'authorization_code', code, redirect_uri: tenant.redirectUri, code_verifier: verifier });
    expect(res.status).toBe(200);
    const tokens = await jsonOf(res);
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 600 });
    expect(typeof tokens.refresh_token).toBe('string');
    const idClaims = jwt.decode(tokens.id_token) as Record<string, unknown>;
    expect(idClaims).toMatchObject({ aud: tenant.clientId, preferred_username: 'alice@contoso.test', oid: tenant.alice.id, tid: tenant.tenantId, ver: '2.0' });

    // id_token verifies against the published JWKS.
    const keys = await jsonOf(await fetch(`${env.base}/login/${tenant.tenantId}/discovery/v2.0/keys`));
    const header = jwt.decode(tokens.id_token, { complete: true })!.header;
    const jwk = keys.keys.find((k: { kid: string }) => k.kid === header.kid);
    const { createPublicKey } = await import('node:crypto');
    expect(() => jwt.verify(tokens.id_token, createPublicKey({ key: jwk, format: 'jwk' }), { algorithms: ['RS256'] })).not.toThrow();

    const me = await graphClient(env, tokens.access_token).api('/me').get();
    expect(me).toMatchObject({ id: tenant.alice.id, userPrincipalName: 'alice@contoso.test', displayName: 'Alice Adams', mail: 'alice@contoso.test' });

    // Codes are single use.
    const reuse = await postForm(tokenUrl(), { client_id: tenant.clientId, client_secret: tenant.clientSecret, grant_type: 'authorization_code', code, redirect_uri: tenant.redirectUri, code_verifier: verifier });
    expect(reuse.status).toBe(400);
    const reuseBody = await jsonOf(reuse);
    expect(reuseBody.error).toBe('invalid_grant');
    expect(reuseBody.error_codes).toEqual([54005]);
    expect(reuseBody.error_description).toMatch(/^AADSTS54005: /);
    expect(reuseBody).toHaveProperty('trace_id');
    expect(reuseBody).toHaveProperty('correlation_id');
    expect(reuseBody).toHaveProperty('timestamp');
  });

  it('rejects a wrong PKCE verifier and a wrong redirect_uri with invalid_grant', async () => {
    const { challenge } = pkce();
    const code = (await consent(challenge)).get('code')!;
    const wrongVerifier = await postForm(tokenUrl(), { client_id: tenant.clientId, client_secret: tenant.clientSecret, grant_type: 'authorization_code', code, redirect_uri: tenant.redirectUri, code_verifier: 'x'.repeat(43) });
    expect(wrongVerifier.status).toBe(400);
    expect((await jsonOf(wrongVerifier)).error).toBe('invalid_grant');

    const { verifier, challenge: c2 } = pkce();
    const code2 = (await consent(c2)).get('code')!;
    const wrongRedirect = await postForm(tokenUrl(), { client_id: tenant.clientId, client_secret: tenant.clientSecret, grant_type: 'authorization_code', code: code2, redirect_uri: 'http://evil.example/cb', code_verifier: verifier });
    expect(wrongRedirect.status).toBe(400);
    expect((await jsonOf(wrongRedirect)).error).toBe('invalid_grant');

    const wrongSecret = await postForm(tokenUrl(), { client_id: tenant.clientId, client_secret: 'nope', grant_type: 'authorization_code', code: code2, redirect_uri: tenant.redirectUri, code_verifier: verifier });
    expect(wrongSecret.status).toBe(401);
    expect((await jsonOf(wrongSecret)).error).toBe('invalid_client');
  });

  it('shows an error page, not a redirect, for an unregistered redirect_uri', async () => {
    const res = await fetch(`${env.base}/login/common/oauth2/v2.0/authorize?client_id=${tenant.clientId}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('http://evil.example/cb')}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('AADSTS50011');
  });

  it('auto-consents for login_hint when enabled', async () => {
    env.emulator.setAutoConsent(true);
    const res = await fetch(
      `${env.base}/login/common/oauth2/v2.0/authorize?client_id=${tenant.clientId}&response_type=code&scope=offline_access%20User.Read%20Calendars.ReadWrite&redirect_uri=${encodeURIComponent(tenant.redirectUri)}&state=abc&login_hint=bob%40contoso.test`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('abc');
    const tokens = await jsonOf(await postForm(tokenUrl(), { client_id: tenant.clientId, client_secret: tenant.clientSecret, grant_type: 'authorization_code', code: location.searchParams.get('code')!, redirect_uri: tenant.redirectUri }));
    const me = await graphClient(env, tokens.access_token).api('/me').get();
    expect(me.userPrincipalName).toBe('bob@contoso.test');
  });

  it('rotates refresh tokens, expires access tokens, and turns revoked grants into invalid_grant / 401', async () => {
    const { verifier, challenge } = pkce();
    const code = (await consent(challenge)).get('code')!;
    const first = await jsonOf(await postForm(tokenUrl(), { client_id: tenant.clientId, client_secret: tenant.clientSecret, grant_type: 'authorization_code', code, redirect_uri: tenant.redirectUri, code_verifier: verifier }));

    clock += 601_000; // past the 600 s access token lifetime
    await expect(graphClient(env, first.access_token).api('/me/events').get()).rejects.toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });

    const refreshed = await postForm(tokenUrl(), { client_id: tenant.clientId, client_secret: tenant.clientSecret, grant_type: 'refresh_token', refresh_token: first.refresh_token, scope: 'offline_access Calendars.ReadWrite' });
    expect(refreshed.status).toBe(200);
    const second = await jsonOf(refreshed);
    expect(second.refresh_token).toBeTruthy();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const events = await graphClient(env, second.access_token).api('/me/events').get();
    expect(events.value).toEqual([]);

    expect(env.emulator.revokeGrants(tenant.alice.email)).toBe(1);
    const afterRevoke = await postForm(tokenUrl(), { client_id: tenant.clientId, client_secret: tenant.clientSecret, grant_type: 'refresh_token', refresh_token: second.refresh_token });
    expect(afterRevoke.status).toBe(400);
    const body = await jsonOf(afterRevoke);
    expect(body.error).toBe('invalid_grant');
    expect(body.error_codes).toEqual([50173]);
    await expect(graphClient(env, second.access_token).api('/me/events').get()).rejects.toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });
  });

  it('issues app-only tokens with client_credentials that reach every mailbox of the directory', async () => {
    const res = await postForm(tokenUrl(tenant.tenantId), { client_id: tenant.clientId, client_secret: tenant.clientSecret, grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' });
    expect(res.status).toBe(200);
    const tokens = await jsonOf(res);
    expect(tokens.refresh_token).toBeUndefined();
    expect(jwt.decode(tokens.access_token)).toMatchObject({ tid: tenant.tenantId, idtyp: 'app', roles: expect.arrayContaining(['Calendars.ReadWrite']) });
    const client = graphClient(env, tokens.access_token);

    const bob = await client.api('/users/bob@contoso.test').get();
    expect(bob).toMatchObject({ id: tenant.bob.id, userPrincipalName: 'bob@contoso.test' });
    const created = await client.api(`/users/${tenant.alice.id}/events`).post({ subject: 'from daemon', start: { dateTime: '2030-01-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2030-01-01T11:00:00', timeZone: 'UTC' } });
    expect(env.emulator.listStoredEvents(tenant.alice.email).map((e) => e.id)).toEqual([created.id]);

    await expect(client.api('/me').get()).rejects.toMatchObject({ statusCode: 400, message: '/me request is only valid with delegated authentication flow.' });
    await expect(client.api('/users/nobody@contoso.test').get()).rejects.toMatchObject({ statusCode: 404, code: 'Request_ResourceNotFound' });
    await expect(client.api('/users/nobody@contoso.test/events').get()).rejects.toMatchObject({ statusCode: 404, code: 'ErrorInvalidUser' });

    // Another directory's mailbox does not exist for this token.
    env.emulator.createMailbox({ email: 'eve@fabrikam.test' });
    await expect(client.api('/users/eve@fabrikam.test/events').get()).rejects.toMatchObject({ statusCode: 404 });

    const badScope = await postForm(tokenUrl(tenant.tenantId), { client_id: tenant.clientId, client_secret: tenant.clientSecret, grant_type: 'client_credentials', scope: 'Calendars.Read' });
    expect(badScope.status).toBe(400);
    expect((await jsonOf(badScope)).error).toBe('invalid_scope');
  });

  it('keeps a delegated token inside its own mailbox and requires a token at all', async () => {
    const client = graphClient(env, tenant.aliceToken);
    await expect(client.api(`/users/${tenant.bob.email}/events`).get()).rejects.toMatchObject({ statusCode: 403 });
    const res = await fetch(`${env.graphRoot}/me`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect((await jsonOf(res)).error.code).toBe('InvalidAuthenticationToken');
  });
});
