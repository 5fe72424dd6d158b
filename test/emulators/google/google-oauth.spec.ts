import { generateKeyPairSync, createSign } from 'node:crypto';
import { google } from 'googleapis';
import { googleapisOptions, googleOAuthFetch } from '../../../src/providers/google/googleapis-options';
import { CAL_SCOPE, failure, listAllCalendars, oauthClient, startEmulator, type TestServer, readJson } from './google-test-server';

const ALICE = 'alice@example.com';
const CAROL = 'carol@other.org';
const CLIENT_ID = 'bridge-client.apps.googleusercontent.com';
const SECRET = 'bridge-secret';
const REDIRECT = 'http://127.0.0.1:1/oauth/callback';

async function followAuth(url: string): Promise<URL> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

function errorOf(err: unknown): { status?: number; data?: { error?: string; error_description?: string } } {
  const e = err as { response?: { status: number; data: { error?: string; error_description?: string } } };
  return { status: e.response?.status, data: e.response?.data };
}

describe('Google emulator: OAuth 2.0', () => {
  let server: TestServer;
  let now: number;

  beforeAll(async () => {
    server = await startEmulator({ clock: () => now });
  });
  afterAll(() => server.close());

  beforeEach(() => {
    now = Date.now();
    server.emulator.reset();
    server.emulator.setAutoConsent(true);
    server.emulator.createMailbox({ email: ALICE });
    server.emulator.createMailbox({ email: CAROL });
    server.emulator.registerClient({ clientId: CLIENT_ID, clientSecret: SECRET, redirectUris: [REDIRECT] });
  });

  const client = () => oauthClient(server.base, CLIENT_ID, SECRET, REDIRECT);
  const calendarWith = (auth: ReturnType<typeof client>) => google.calendar({ version: 'v3', auth, ...googleapisOptions(server.base) });

  async function authorize(extra: Record<string, string> = {}) {
    const auth = client();
    const { codeVerifier, codeChallenge } = await auth.generateCodeVerifierAsync();
    const url = auth.generateAuthUrl({
      access_type: 'offline',
      scope: [CAL_SCOPE],
      state: 'xyz-state',
      login_hint: ALICE,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256' as never,
      ...extra,
    });
    const location = await followAuth(url);
    return { auth, codeVerifier: codeVerifier!, location };
  }

  it('runs the authorization code flow with PKCE S256 and issues a refresh token on first consent', async () => {
    const { auth, codeVerifier, location } = await authorize();
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('xyz-state');
    const code = location.searchParams.get('code')!;
    const { tokens } = await auth.getToken({ code, codeVerifier });
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: CAL_SCOPE });
    expect(tokens.access_token).toMatch(/^ya29\./);
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.expiry_date).toBeGreaterThan(now);
    auth.setCredentials(tokens);
    const list = await listAllCalendars(calendarWith(auth));
    expect(list.map((c) => c.id)).toEqual([ALICE]);
    // Second consent without prompt=consent: no new refresh token.
    const second = await authorize();
    const again = await second.auth.getToken({ code: second.location.searchParams.get('code')!, codeVerifier: second.codeVerifier });
    expect(again.tokens.refresh_token).toBeUndefined();
    const forced = await authorize({ prompt: 'consent' });
    const third = await forced.auth.getToken({ code: forced.location.searchParams.get('code')!, codeVerifier: forced.codeVerifier });
    expect(third.tokens.refresh_token).toBeTruthy();
  });

  it('rejects a wrong PKCE verifier and a reused code with invalid_grant', async () => {
    const { auth, codeVerifier, location } = await authorize();
    const code = location.searchParams.get('code')!;
    const wrong = await auth.getToken({ code, codeVerifier: 'x'.repeat(64) }).catch(errorOf);
    expect(wrong).toEqual({ status: 400, data: { error: 'invalid_grant', error_description: 'Invalid code verifier.' } });
    const missing = await auth.getToken({ code }).catch(errorOf);
    expect(missing).toMatchObject({ status: 400, data: { error: 'invalid_grant' } });
    await auth.getToken({ code, codeVerifier });
    const reused = await auth.getToken({ code, codeVerifier }).catch(errorOf);
    expect(reused).toMatchObject({ status: 400, data: { error: 'invalid_grant' } });
  });

  it('checks redirect_uri at the token endpoint and client credentials (HTTP Basic accepted)', async () => {
    const { codeVerifier, location } = await authorize();
    const form = (redirect: string) =>
      new URLSearchParams({ grant_type: 'authorization_code', code: location.searchParams.get('code')!, redirect_uri: redirect, code_verifier: codeVerifier });
    const basic = 'Basic ' + Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64');
    const mismatch = await fetch(`${server.base}/token`, { method: 'POST', headers: { Authorization: basic }, body: form('http://evil/cb') });
    expect(mismatch.status).toBe(400);
    expect(await readJson(mismatch)).toEqual({ error: 'redirect_uri_mismatch', error_description: 'Bad Request' });
    const badSecret = await fetch(`${server.base}/token`, {
      method: 'POST',
      headers: { Authorization: 'Basic ' + Buffer.from(`${CLIENT_ID}:nope`).toString('base64') },
      body: form(REDIRECT),
    });
    expect(badSecret.status).toBe(401);
    expect((await readJson(badSecret)).error).toBe('invalid_client');
    const ok = await fetch(`${server.base}/token`, { method: 'POST', headers: { Authorization: basic }, body: form(REDIRECT) });
    expect(ok.status).toBe(200);
    expect(await readJson(ok)).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
  });

  it('shows a consent page when not auto-consenting, and Allow redirects with code and state', async () => {
    server.emulator.setAutoConsent(false);
    const url = client().generateAuthUrl({ scope: [CAL_SCOPE], state: 's1', login_hint: ALICE });
    const page = await fetch(url, { redirect: 'manual' });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(ALICE);
    expect(html).toContain(CAROL);
    const action = /action="([^"]+)"/.exec(html)![1];
    const hidden = Object.fromEntries([...html.matchAll(/type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2].replace(/&#47;/g, '/').replace(/&#58;/g, ':')]));
    const allow = await fetch(new URL(action, server.origin), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...hidden, mailbox: CAROL, decision: 'allow' }),
    });
    expect(allow.status).toBe(302);
    const location = new URL(allow.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('s1');
    const { tokens } = await client().getToken(location.searchParams.get('code')!);
    const auth = client();
    auth.setCredentials(tokens);
    expect((await calendarWith(auth).calendars.get({ calendarId: 'primary' })).data.id).toBe(CAROL);
    const deny = await fetch(new URL(action, server.origin), {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ ...hidden, mailbox: CAROL, decision: 'deny' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(new URL(deny.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
  });

  it('does not redirect to an unregistered redirect_uri', async () => {
    const auth = oauthClient(server.base, CLIENT_ID, SECRET, 'http://evil.example/cb');
    const res = await fetch(auth.generateAuthUrl({ scope: [CAL_SCOPE] }), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('redirect_uri_mismatch');
  });

  it('refreshes expired access tokens with the refresh token', async () => {
    const { auth, codeVerifier, location } = await authorize();
    const { tokens } = await auth.getToken({ code: location.searchParams.get('code')!, codeVerifier });
    const stale = client();
    stale.setCredentials({ refresh_token: tokens.refresh_token });
    const cal = calendarWith(stale);
    expect((await cal.calendarList.list()).status).toBe(200);
    const refreshed = stale.credentials.access_token;
    expect(refreshed).toBeTruthy();
    expect(refreshed).not.toBe(tokens.access_token);
    // The old token expires with the clock; the API then answers 401.
    now += 3601_000;
    const raw = await fetch(`${server.base}/calendar/v3/users/me/calendarList`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(raw.status).toBe(401);
  });

  it('revoking a token revokes the grant: refresh → invalid_grant, access token → 401', async () => {
    const { auth, codeVerifier, location } = await authorize();
    const { tokens } = await auth.getToken({ code: location.searchParams.get('code')!, codeVerifier });
    auth.setCredentials(tokens);
    await auth.revokeToken(tokens.access_token!);
    const api = await fetch(`${server.base}/calendar/v3/users/me/calendarList`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(api.status).toBe(401);
    const refresh = client();
    refresh.setCredentials({ refresh_token: tokens.refresh_token });
    const err = await refresh.getAccessToken().catch(errorOf);
    expect(err).toMatchObject({ status: 400, data: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } });
    const again = await fetch(`${server.base}/revoke?token=${encodeURIComponent(tokens.refresh_token!)}`, { method: 'POST' });
    expect(again.status).toBe(400);
    expect((await readJson(again)).error).toBe('invalid_token');
  });

  it('control revokeGrant makes the next refresh fail', async () => {
    const tokens = server.emulator.issueTokens({ mailbox: ALICE, clientId: CLIENT_ID });
    expect(server.emulator.revokeGrant({ mailbox: ALICE })).toBe(1);
    const auth = client();
    auth.setCredentials({ refresh_token: tokens.refresh_token });
    const res = await failure(calendarWith(auth).calendarList.list());
    expect(res.status).toBe(400);
  });

  describe('service account JWT bearer grant', () => {
    const SA = 'bridge@project.iam.gserviceaccount.com';
    let privateKey: string;

    beforeEach(() => {
      privateKey = server.emulator.registerServiceAccount({ clientEmail: SA }).privateKeyPem!;
      server.emulator.grantDomainWideDelegation({ domain: 'example.com', serviceAccount: SA, scopes: [CAL_SCOPE] });
    });

    const jwtClient = (subject: string) =>
      new google.auth.JWT({
        email: SA,
        key: privateKey,
        scopes: [CAL_SCOPE],
        subject,
        transporterOptions: { fetchImplementation: googleOAuthFetch(server.base) },
      });

    it('impersonates a mailbox of a domain that granted domain-wide delegation', async () => {
      const auth = jwtClient(ALICE);
      const cal = google.calendar({ version: 'v3', auth, ...googleapisOptions(server.base) });
      const res = await cal.calendars.get({ calendarId: 'primary' });
      expect(res.data.id).toBe(ALICE);
      // The delegated token reaches only the impersonated mailbox.
      expect((await failure(cal.events.list({ calendarId: CAROL }))).status).toBe(404);
    });

    it('refuses impersonation in a domain without delegation (unauthorized_client)', async () => {
      const err = await jwtClient(CAROL).authorize().catch((e: Error) => e.message);
      expect(String(err)).toContain('unauthorized_client');
      server.emulator.revokeDomainWideDelegation({ domain: 'example.com', serviceAccount: SA });
      expect(String(await jwtClient(ALICE).authorize().catch((e: Error) => e.message))).toContain('unauthorized_client');
    });

    it('verifies the RS256 signature, audience and lifetime of a hand-made assertion', async () => {
      const iat = Math.floor(now / 1000);
      const sign = (claims: object, key: string) => {
        const head = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');
        const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
        const sig = createSign('RSA-SHA256').update(`${head}.${body}`).sign(key).toString('base64url');
        return `${head}.${body}.${sig}`;
      };
      const post = (assertion: string) =>
        fetch(`${server.base}/token`, {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
        }).then(async (r) => ({ status: r.status, body: (await readJson(r)) as Record<string, unknown> }));
      const claims = { iss: SA, scope: CAL_SCOPE, aud: `${server.base}/token`, iat, exp: iat + 3600, sub: ALICE };
      const good = await post(sign(claims, privateKey));
      expect(good.status).toBe(200);
      expect(good.body.access_token).toBeTruthy();
      const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      expect((await post(sign(claims, otherKey))).body).toEqual({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
      expect((await post(sign({ ...claims, aud: 'https://example.com/token' }, privateKey))).body.error).toBe('invalid_grant');
      expect((await post(sign({ ...claims, exp: iat + 7200 }, privateKey))).body.error).toBe('invalid_grant');
      expect((await post(sign({ ...claims, iss: 'nobody@x.iam.gserviceaccount.com' }, privateKey))).body.error).toBe('invalid_grant');
    });
  });
});
