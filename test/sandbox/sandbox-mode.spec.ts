import { google } from 'googleapis';
import { googleapisOptions, googleOAuthEndpoints } from '../../src/providers/google/googleapis-options';
import { SANDBOX_GOOGLE_CLIENT } from '../../src/sandbox/sandbox-seed';
import { startTestApp, TestApp } from '../support/app';
import { http } from '../support/http';

describe('sandbox mode: the emulators are served by the app itself', () => {
  let t: TestApp;
  let googleBase: string;
  let control: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({ SANDBOX: 'true', PUBLIC_BASE_URL: 'http://localhost:18080' });
    googleBase = `${t.baseUrl}/sandbox/google`;
    control = { authorization: `Bearer ${t.adminToken}` };
  });
  afterAll(() => t.close());

  it('guards the emulator control API with the admin token', async () => {
    expect((await http(googleBase, 'GET', '/_control/mailboxes')).status).toBe(401);
    const listed = await http(googleBase, 'GET', '/_control/mailboxes', { headers: control });
    expect(listed.status).toBe(200);
    expect(listed.body.map((m: { email: string }) => m.email)).toEqual(expect.arrayContaining(['ann@acme.test', 'bob@acme.test']));
  });

  it("lets the product's sandbox OAuth client go through consent (PKCE) and read a seeded calendar with googleapis", async () => {
    const seeded = await http(googleBase, 'POST', '/_control/calendars/ann@acme.test/events', {
      headers: control,
      json: [{ summary: 'Sandbox standup', start: { dateTime: '2030-01-07T09:00:00-05:00' }, end: { dateTime: '2030-01-07T09:15:00-05:00' } }],
    });
    expect(seeded.status).toBe(200);
    expect((await http(googleBase, 'PUT', '/_control/auto-consent', { headers: control, json: { value: true } })).status).toBe(204);

    // The default CONNECTIONS_REDIRECT_URI: the SPA's callback route.
    const redirectUri = 'http://localhost:18080/connections/google/callback';
    const auth = new google.auth.OAuth2({
      ...SANDBOX_GOOGLE_CLIENT,
      redirectUri,
      endpoints: googleOAuthEndpoints(googleBase),
      transporterOptions: { fetchImplementation: fetch },
    });
    const { codeVerifier, codeChallenge } = await auth.generateCodeVerifierAsync();
    const consentUrl = auth.generateAuthUrl({
      access_type: 'offline',
      scope: ['https://www.googleapis.com/auth/calendar'],
      state: 'state-1',
      login_hint: 'ann@acme.test',
      code_challenge: codeChallenge,
      code_challenge_method: 'S256' as never,
    });
    const consent = await fetch(consentUrl, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const back = new URL(consent.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    expect(back.searchParams.get('state')).toBe('state-1');

    const { tokens } = await auth.getToken({ code: back.searchParams.get('code')!, codeVerifier: codeVerifier! });
    expect(tokens.refresh_token).toBeTruthy();
    auth.setCredentials(tokens);
    const calendar = google.calendar({ version: 'v3', auth, ...googleapisOptions(googleBase) });
    // Google (and the emulator) may answer short or empty pages first: read to the last page.
    const summaries: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await calendar.events.list({ calendarId: 'primary', timeMin: '2030-01-01T00:00:00Z', pageToken });
      summaries.push(...(page.data.items ?? []).map((e) => e.summary ?? ''));
      pageToken = page.data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(summaries).toEqual(['Sandbox standup']);
  });
});

describe('outside sandbox mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ SANDBOX: 'false' });
  });
  afterAll(() => t.close());

  it('serves no emulator', async () => {
    const response = await http(t.baseUrl, 'GET', '/sandbox/google/calendar/v3/users/me/calendarList');
    expect(response.status).toBe(404);
  });
});

describe('sandbox mode: the Microsoft emulator', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await startTestApp({ SANDBOX: 'true' });
    base = `${t.baseUrl}/sandbox/microsoft`;
  });
  afterAll(() => t.close());

  it('guards its control API with the admin token', async () => {
    expect((await http(base, 'GET', '/_control/mailboxes')).status).toBe(401);
    const listed = await http(base, 'GET', '/_control/mailboxes', { headers: { authorization: `Bearer ${t.adminToken}` } });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).toContain('carol@contoso.test');
  });

  it("grants the product's sandbox app an app-only token that reaches the demo mailboxes through Graph", async () => {
    const { SANDBOX_MICROSOFT_APP } = await import('../../src/sandbox/sandbox-seed');
    const token = await fetch(`${base}/login/${SANDBOX_MICROSOFT_APP.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: SANDBOX_MICROSOFT_APP.clientId,
        client_secret: SANDBOX_MICROSOFT_APP.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
      }),
    });
    expect(token.status).toBe(200);
    const { access_token } = (await token.json()) as { access_token: string };
    const user = await http(base, 'GET', '/graph/v1.0/users/carol@contoso.test', { headers: { authorization: `Bearer ${access_token}` } });
    expect(user.status).toBe(200);
    expect(user.body.userPrincipalName).toBe('carol@contoso.test');
    const missing = await http(base, 'GET', '/graph/v1.0/users/nobody@contoso.test', { headers: { authorization: `Bearer ${access_token}` } });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toMatch(/ResourceNotFound|ItemNotFound/);
  });
});
