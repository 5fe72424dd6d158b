import { google, type calendar_v3 } from 'googleapis';
import { googleapisOptions, googleOAuthFetch } from '../../../src/providers/google/googleapis-options';
import { calendarFor, failure, oauthClient, readJson, startEmulator, type GoogleErrorResponse, type TestServer } from './google-test-server';

const ALICE = 'alice@example.com';
const AUTH = 'https://www.googleapis.com/auth/';
const CLIENT_ID = 'bridge-client.apps.googleusercontent.com';
const SECRET = 'bridge-secret';
const REDIRECT = 'http://127.0.0.1:1/oauth/callback';

const timed = { start: { dateTime: '2030-01-10T09:00:00Z' }, end: { dateTime: '2030-01-10T10:00:00Z' } };

/** Google's answer to a token without any of the method's scopes (one body for every method). */
function insufficientScopes(rpcMethod: string): GoogleErrorResponse['body'] {
  return {
    error: {
      code: 403,
      message: 'Request had insufficient authentication scopes.',
      errors: [{ message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' }],
      status: 'PERMISSION_DENIED',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
          domain: 'googleapis.com',
          metadata: { service: 'calendar-json.googleapis.com', method: rpcMethod },
        },
      ],
    },
  };
}

describe('Google emulator: scopes are enforced per method (Calendar API reference, "Authorization")', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startEmulator();
  });
  afterAll(() => server.close());

  beforeEach(() => {
    server.emulator.reset();
    server.emulator.createMailbox({ email: ALICE });
    server.emulator.registerClient({ clientId: CLIENT_ID, clientSecret: SECRET, redirectUris: [REDIRECT] });
  });

  const withScopes = (...names: string[]) => calendarFor(server, ALICE, names.map((n) => AUTH + n)).calendar;

  /** Each call either succeeds (status 2xx) or fails with 403; returns which. */
  async function outcome(call: Promise<{ status: number }>): Promise<number> {
    try {
      return (await call).status;
    } catch (err) {
      return (err as { response?: { status: number } }).response?.status ?? 0;
    }
  }

  async function matrix(calendar: calendar_v3.Calendar): Promise<Record<string, number>> {
    return {
      'calendarList.list': await outcome(calendar.calendarList.list()),
      'calendars.get': await outcome(calendar.calendars.get({ calendarId: 'primary' })),
      'calendars.insert': await outcome(calendar.calendars.insert({ requestBody: { summary: 'x' } })),
      'events.list': await outcome(calendar.events.list({ calendarId: 'primary' })),
      'events.insert': await outcome(calendar.events.insert({ calendarId: 'primary', requestBody: timed })),
    };
  }

  it.each([
    ['calendar', { 'calendarList.list': 200, 'calendars.get': 200, 'calendars.insert': 200, 'events.list': 200, 'events.insert': 200 }],
    ['calendar.readonly', { 'calendarList.list': 200, 'calendars.get': 200, 'calendars.insert': 403, 'events.list': 200, 'events.insert': 403 }],
    ['calendar.events', { 'calendarList.list': 403, 'calendars.get': 403, 'calendars.insert': 403, 'events.list': 200, 'events.insert': 200 }],
    ['calendar.events.readonly', { 'calendarList.list': 403, 'calendars.get': 403, 'calendars.insert': 403, 'events.list': 200, 'events.insert': 403 }],
    ['calendar.events.owned', { 'calendarList.list': 403, 'calendars.get': 403, 'calendars.insert': 403, 'events.list': 200, 'events.insert': 200 }],
    ['calendar.calendarlist.readonly', { 'calendarList.list': 200, 'calendars.get': 403, 'calendars.insert': 403, 'events.list': 403, 'events.insert': 403 }],
    ['calendar.calendars', { 'calendarList.list': 403, 'calendars.get': 200, 'calendars.insert': 200, 'events.list': 403, 'events.insert': 403 }],
    ['calendar.calendars.readonly', { 'calendarList.list': 403, 'calendars.get': 200, 'calendars.insert': 403, 'events.list': 403, 'events.insert': 403 }],
    // The emulator does not render the free/busy view, so it refuses instead of showing details.
    ['calendar.events.freebusy', { 'calendarList.list': 403, 'calendars.get': 403, 'calendars.insert': 403, 'events.list': 403, 'events.insert': 403 }],
  ])('a token with only %s reaches exactly the methods that list it', async (scope, expected) => {
    expect(await matrix(withScopes(scope))).toEqual(expected);
  });

  it('answers Google\'s insufficient-scope body and WWW-Authenticate header', async () => {
    const calendar = withScopes('calendar.events');
    const res = await failure(calendar.calendarList.list());
    expect(res.status).toBe(403);
    expect(res.body).toEqual(insufficientScopes('calendar.v3.CalendarList.List'));
    const raw = await fetch(`${server.base}/calendar/v3/calendars/primary/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${calendarFor(server, ALICE, AUTH + 'calendar.readonly').accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(timed),
    });
    expect(raw.status).toBe(403);
    expect(raw.headers.get('www-authenticate')).toBe('Bearer realm="https://accounts.google.com/", error="insufficient_scope"');
    expect(await readJson(raw)).toEqual(insufficientScopes('calendar.v3.Events.Insert'));
    expect(server.emulator.readEvents(ALICE)).toEqual([]);
  });

  it('calendar.app.created reaches only the calendars this app created', async () => {
    const calendar = withScopes('calendar.app.created');
    const created = await calendar.calendars.insert({ requestBody: { summary: 'Bridge copies' } });
    const inserted = await calendar.events.insert({ calendarId: created.data.id!, requestBody: timed });
    expect(inserted.status).toBe(200);
    expect((await calendar.events.list({ calendarId: created.data.id! })).status).toBe(200);
    // The user's own primary calendar stays invisible, as do calendars other apps created.
    expect((await failure(calendar.events.list({ calendarId: 'primary' }))).status).toBe(404);
    const other = server.emulator.createCalendar(ALICE, { summary: 'made in the UI' });
    expect((await failure(calendar.events.insert({ calendarId: other.id, requestBody: timed }))).status).toBe(404);
    expect((await failure(calendar.calendarList.list())).status).toBe(403);
  });

  it('gives a token only the scopes consented in the authorization code flow', async () => {
    server.emulator.setAutoConsent(true);
    const auth = oauthClient(server.base, CLIENT_ID, SECRET, REDIRECT);
    const url = auth.generateAuthUrl({ access_type: 'offline', scope: [AUTH + 'calendar.events'], login_hint: ALICE });
    const code = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
    const { tokens } = await auth.getToken(code);
    expect(tokens.scope).toBe(AUTH + 'calendar.events');
    auth.setCredentials(tokens);
    const calendar = google.calendar({ version: 'v3', auth, ...googleapisOptions(server.base) });
    expect((await calendar.events.list({ calendarId: 'primary' })).status).toBe(200);
    expect((await failure(calendar.calendarList.list())).body).toEqual(insufficientScopes('calendar.v3.CalendarList.List'));
  });

  it('refreshing with a scope never consented answers 400 invalid_scope; a subset narrows the new token', async () => {
    const tokens = server.emulator.issueTokens({ mailbox: ALICE, clientId: CLIENT_ID, scope: [AUTH + 'calendar.events', AUTH + 'calendar.readonly'] });
    const refresh = (scope: string) =>
      fetch(`${server.base}/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: CLIENT_ID, client_secret: SECRET, scope }),
      });
    const wider = await refresh(`${AUTH}calendar.events ${AUTH}calendar`);
    expect(wider.status).toBe(400);
    expect(await readJson(wider)).toEqual({ error: 'invalid_scope', error_description: 'Some requested scopes were invalid.' });
    const narrower = await refresh(`${AUTH}calendar.events`);
    expect(narrower.status).toBe(200);
    const body = await readJson(narrower);
    expect(body.scope).toBe(`${AUTH}calendar.events`);
    const calendarList = await fetch(`${server.base}/calendar/v3/users/me/calendarList`, { headers: { Authorization: `Bearer ${body.access_token}` } });
    expect(calendarList.status).toBe(403);
    // Without `scope` the refresh gets every consented scope back.
    const auth = oauthClient(server.base, CLIENT_ID, SECRET, REDIRECT);
    auth.setCredentials({ refresh_token: tokens.refresh_token });
    const calendar = google.calendar({ version: 'v3', auth, ...googleapisOptions(server.base) });
    expect((await calendar.calendarList.list()).status).toBe(200);
  });

  it('refuses a misspelt Calendar scope at the consent step with an error page, never a redirect', async () => {
    server.emulator.setAutoConsent(true);
    const auth = oauthClient(server.base, CLIENT_ID, SECRET, REDIRECT);
    const typo = auth.generateAuthUrl({ scope: [AUTH + 'calendar.event', 'openid'], login_hint: ALICE });
    const res = await fetch(typo, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    const page = await res.text();
    expect(page).toContain('invalid_scope');
    expect(page).toContain(`{invalid=[${AUTH}calendar.event]}`);
    // Sign-in scopes and other Google APIs' scopes are valid at Google, so they pass.
    const fine = auth.generateAuthUrl({ scope: [AUTH + 'calendar.events', 'openid', 'email', AUTH + 'drive.file'], login_hint: ALICE });
    expect((await fetch(fine, { redirect: 'manual' })).status).toBe(302);
  });

  it('refuses a JWT-bearer assertion asking for an invalid scope (invalid_scope)', async () => {
    const sa = 'bridge@project.iam.gserviceaccount.com';
    const key = server.emulator.registerServiceAccount({ clientEmail: sa }).privateKeyPem!;
    server.emulator.grantDomainWideDelegation({ domain: 'example.com', serviceAccount: sa });
    const auth = new google.auth.JWT({
      email: sa,
      key,
      scopes: [AUTH + 'calendars'],
      subject: ALICE,
      transporterOptions: { fetchImplementation: googleOAuthFetch(server.base) },
    });
    const message = await auth.authorize().then(
      () => 'authorized',
      (err: Error) => err.message,
    );
    expect(message).toContain('invalid_scope');
    expect(message).toContain('Invalid OAuth scope or ID token audience provided.');
  });

  it('gives a service-account (JWT bearer) token exactly the scopes of its assertion', async () => {
    const sa = 'bridge@project.iam.gserviceaccount.com';
    const key = server.emulator.registerServiceAccount({ clientEmail: sa }).privateKeyPem!;
    server.emulator.grantDomainWideDelegation({ domain: 'example.com', serviceAccount: sa });
    const auth = new google.auth.JWT({
      email: sa,
      key,
      scopes: [AUTH + 'calendar.events.readonly'],
      subject: ALICE,
      transporterOptions: { fetchImplementation: googleOAuthFetch(server.base) },
    });
    const calendar = google.calendar({ version: 'v3', auth, ...googleapisOptions(server.base) });
    expect((await calendar.events.list({ calendarId: 'primary' })).status).toBe(200);
    expect((await failure(calendar.events.insert({ calendarId: 'primary', requestBody: timed }))).body).toEqual(
      insufficientScopes('calendar.v3.Events.Insert'),
    );
    expect((await failure(calendar.calendarList.list())).status).toBe(403);
  });
});
