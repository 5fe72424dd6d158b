import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/common/config/load-config';
import { SANDBOX_GOOGLE_OAUTH_CLIENT, SANDBOX_MICROSOFT_OAUTH_CLIENT } from '../../src/common/config/sandbox-clients';
import { CaldavCalendarProvider } from '../../src/providers/caldav/caldav-calendar.provider';
import { MicrosoftCalendarProvider } from '../../src/providers/microsoft/microsoft-calendar-provider';
import { createLogger } from '../../src/common/logging/logger';
import { GoogleCalendarProvider } from '../../src/providers/google/google-calendar.provider';
import { PRODUCTION_ENDPOINTS } from '../../src/providers/provider-endpoints';
import { ProviderRegistry } from '../../src/providers/provider-registry';
import { providerEndpoints } from '../../src/providers/providers.module';
import { GoogleEmulator } from '../../src/sandbox/google/google-emulator';
import { MicrosoftEmulator } from '../../src/sandbox/microsoft/microsoft-emulator';
import { SANDBOX_GOOGLE_CLIENT, SANDBOX_MICROSOFT_APP } from '../../src/sandbox/sandbox-seed';
import { testEnv } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { freePort } from '../support/free-port';

describe('ProvidersModule in sandbox mode: the Google driver reaches the mounted emulator over HTTP', () => {
  let app: NestExpressApplication;
  let database: TestDatabase;
  let baseUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const config = loadConfig(testEnv(database.url, { SANDBOX: 'true', PUBLIC_BASE_URL: baseUrl, GOOGLE_REQUESTS_PER_MINUTE: '120' }));
    app = await createApp(config, database.url, createLogger(config), {});
    await app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('registers the three drivers, and user OAuth for Google and Microsoft', () => {
    const registry = app.get(ProviderRegistry);
    expect(registry.names()).toEqual(['google', 'microsoft', 'caldav']);
    expect(registry.get('google')).toBeInstanceOf(GoogleCalendarProvider);
    expect(registry.get('microsoft')).toBeInstanceOf(MicrosoftCalendarProvider);
    expect(registry.get('caldav')).toBeInstanceOf(CaldavCalendarProvider);
    expect([registry.oauth('google').name, registry.oauth('microsoft').name]).toEqual(['google', 'microsoft']);
  });

  it('the sandbox OAuth clients the product uses are the ones the emulators register', () => {
    expect({ clientId: SANDBOX_GOOGLE_CLIENT.clientId, clientSecret: SANDBOX_GOOGLE_CLIENT.clientSecret }).toEqual(SANDBOX_GOOGLE_OAUTH_CLIENT);
    expect({ clientId: SANDBOX_MICROSOFT_APP.clientId, clientSecret: SANDBOX_MICROSOFT_APP.clientSecret, tenant: SANDBOX_MICROSOFT_APP.tenantId }).toEqual(SANDBOX_MICROSOFT_OAUTH_CLIENT);
  });

  it('the Microsoft driver reaches the mounted Graph emulator: an app-only token lists a demo mailbox calendar', async () => {
    const access = {
      mailbox: 'carol@contoso.test',
      credentials: { kind: 'microsoft-app' as const, tenantId: SANDBOX_MICROSOFT_APP.tenantId, clientId: SANDBOX_MICROSOFT_APP.clientId, clientSecret: SANDBOX_MICROSOFT_APP.clientSecret },
    };
    const mailbox = await app.get(ProviderRegistry).get('microsoft').resolveMailbox(access);
    // The default calendar is where the emulator puts an event seeded without one.
    const emulator = app.get(MicrosoftEmulator);
    const seeded = emulator.seedEvent('carol@contoso.test', { subject: 'Probe', start: { dateTime: '2030-01-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2030-01-01T11:00:00', timeZone: 'UTC' } });
    const stored = emulator.listStoredEvents('carol@contoso.test').find((event) => event.id === seeded.id);
    expect({ mailbox: mailbox.mailbox, primaryCalendarId: mailbox.primaryCalendarId }).toEqual({ mailbox: 'carol@contoso.test', primaryCalendarId: stored?.calendarId });
  });

  it("uses the sandbox's own OAuth client: a user grant of a demo mailbox lists its calendars through /sandbox/google", async () => {
    const emulator = app.get(GoogleEmulator);
    const tokens = emulator.issueTokens({ mailbox: 'ann@acme.test', clientId: SANDBOX_GOOGLE_CLIENT.clientId });
    emulator.resetRequestCounts();
    const calendars = await app
      .get(ProviderRegistry)
      .get('google')
      .listCalendars({ mailbox: 'ann@acme.test', credentials: { kind: 'google-oauth', refreshToken: tokens.refresh_token as string } });
    expect(calendars).toEqual([{ id: 'ann@acme.test', name: 'ann@acme.test', primary: true, readOnly: false, timeZone: 'America/New_York' }]);
    // The emulator saw the calls, as ann's (its pages may be short, so not a fixed count).
    expect(Object.keys(emulator.requestCounts().byMailbox)).toEqual(['ann@acme.test']);
  });

  it('builds the consent URL on the public base URL', () => {
    const url = new URL(app.get(ProviderRegistry).oauth('google').authorizationUrl({ state: 's', codeChallenge: 'c', redirectUri: `${baseUrl}/cb` }));
    expect(`${url.origin}${url.pathname}`).toBe(`${baseUrl}/sandbox/google/o/oauth2/v2/auth`);
    expect(url.searchParams.get('client_id')).toBe(SANDBOX_GOOGLE_CLIENT.clientId);
  });
});

describe('provider endpoints and the sandbox client', () => {
  it('production talks to Google and Microsoft; sandbox to the emulators under the public URL', () => {
    expect(providerEndpoints({ sandbox: false, publicBaseUrl: 'https://bridge.example' })).toBe(PRODUCTION_ENDPOINTS);
    expect(providerEndpoints({ sandbox: true, publicBaseUrl: 'https://bridge.example' })).toEqual({
      google: { apiBaseUrl: 'https://bridge.example/sandbox/google', oauthBaseUrl: 'https://bridge.example/sandbox/google', authBaseUrl: 'https://bridge.example/sandbox/google' },
      microsoft: { graphBaseUrl: 'https://bridge.example/sandbox/microsoft/graph/v1.0', loginBaseUrl: 'https://bridge.example/sandbox/microsoft/login' },
    });
  });

  it('the product knows the same sandbox client the emulator registers', () => {
    expect(SANDBOX_GOOGLE_OAUTH_CLIENT).toEqual(SANDBOX_GOOGLE_CLIENT);
  });
});
