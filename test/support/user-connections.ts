import { createHash, randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/app.factory';
import type { AppConfig } from '../../src/common/config/app-config';
import { connectionRedirectUri } from '../../src/common/config/connection-redirect';
import { loadConfig } from '../../src/common/config/load-config';
import { SecretBox } from '../../src/common/crypto/secret-box';
import { createLogger } from '../../src/common/logging/logger';
import { ConnectionAccessService } from '../../src/connections/connection-access.service';
import type { ConnectionEntity } from '../../src/database/entities/connection.entity';
import { ConnectionsRepository } from '../../src/database/repositories/connections.repository';
import type { CalendarAccess } from '../../src/providers/calendar-provider';
import { ProviderRegistry } from '../../src/providers/provider-registry';
import { GoogleEmulator } from '../../src/sandbox/google/google-emulator';
import { MicrosoftEmulator } from '../../src/sandbox/microsoft/microsoft-emulator';
import { testEnv } from './app';
import { createTestDatabase, TestDatabase } from './database';
import { freePort } from './free-port';
import { http } from './http';
import type { RunningRadicale } from './radicale';

export interface SandboxApp {
  app: NestExpressApplication;
  config: AppConfig;
  baseUrl: string;
  adminToken: string;
  database: TestDatabase;
  google: GoogleEmulator;
  microsoft: MicrosoftEmulator;
  secretBox: SecretBox;
  close(): Promise<void>;
}

/**
 * The real app in sandbox mode on a port chosen up front: PUBLIC_BASE_URL must name it, since the
 * drivers reach the mounted Google and Microsoft emulators (and the OAuth redirect URIs are
 * registered) by that base URL. The emulators consent on their own (login_hint picks the account);
 * the stale-sync cron is off (tests drive syncs themselves). The one starter of the Connections and
 * DestinationCalendars tests.
 */
export async function startSandboxApp(overrides: Record<string, string> = {}): Promise<SandboxApp> {
  const database = await createTestDatabase();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig(testEnv(database.url, { SANDBOX: 'true', PUBLIC_BASE_URL: baseUrl, LINKS_CRON_ENABLED: 'false', ...overrides }));
  const app = await createApp(config, database.url, createLogger(config), {});
  await app.listen(port, '127.0.0.1');
  const google = app.get(GoogleEmulator);
  const microsoft = app.get(MicrosoftEmulator);
  google.setAutoConsent(true);
  microsoft.setAutoConsent(true);
  return {
    app,
    config,
    baseUrl,
    adminToken: config.adminToken,
    database,
    google,
    microsoft,
    secretBox: new SecretBox(config.encryptionKey),
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

export interface TestUser {
  userId: number;
  email: string;
  /** A user JWT (Authorization: Bearer). */
  token: string;
}

/** A user of the organisation (admin API) and a JWT for them (the sandbox's token minting). */
export async function createUser(baseUrl: string, adminToken: string, tenantId: string, email: string): Promise<TestUser> {
  const admin = { 'x-admin-token': adminToken };
  const externalId = `sub-${randomBytes(6).toString('hex')}`;
  const user = await http(baseUrl, 'POST', `/admin/tenants/${tenantId}/users`, { headers: admin, json: { externalId, email } });
  if (user.status !== 201) throw new Error(`user: ${user.status} ${user.text}`);
  const token = await http(baseUrl, 'POST', `/admin/tenants/${tenantId}/tokens`, { headers: admin, json: { sub: externalId, email } });
  if (token.status !== 201 && token.status !== 200) throw new Error(`token: ${token.status} ${token.text}`);
  return { userId: user.body.id, email, token: token.body.accessToken };
}

/** A `cal_` API key scoped to one user. */
export async function userApiKey(baseUrl: string, adminToken: string, tenantId: string, userId: number): Promise<string> {
  const key = await http(baseUrl, 'POST', `/admin/tenants/${tenantId}/api-keys`, { headers: { 'x-admin-token': adminToken }, json: { name: `user ${userId}`, userId } });
  if (key.status !== 201) throw new Error(`api key: ${key.status} ${key.text}`);
  return key.body.key;
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/**
 * Real user tokens from the emulated provider, by the product's own OAuth driver: consent URL →
 * the emulator's redirect (auto-consent as `email`) → code exchange with the PKCE verifier, over
 * the redirect URI the app is configured with (the one the emulators registered).
 */
async function userTokens(sandbox: Pick<SandboxApp, 'app' | 'config'>, provider: 'google' | 'microsoft', email: string) {
  const oauth = sandbox.app.get(ProviderRegistry).oauth(provider);
  const redirectUri = connectionRedirectUri(sandbox.config, provider === 'google' ? 'google' : 'outlook');
  const { verifier, challenge } = pkce();
  const url = new URL(oauth.authorizationUrl({ state: randomBytes(8).toString('hex'), codeChallenge: challenge, redirectUri }));
  url.searchParams.set('login_hint', email);
  const consent = await fetch(url, { redirect: 'manual' });
  if (consent.status !== 302) throw new Error(`${provider} consent answered ${consent.status}: ${await consent.text()}`);
  const code = new URL(consent.headers.get('location') as string).searchParams.get('code');
  if (!code) throw new Error(`${provider} consent redirected without a code: ${consent.headers.get('location')}`);
  return oauth.exchangeCode({ code, codeVerifier: verifier, redirectUri });
}

/**
 * A user's own Google or Outlook connection, stored as the callback stores one: the grant sealed,
 * the account's primary calendar (Google: the mailbox; Graph: the default calendar's id).
 */
export async function connectOAuth(sandbox: Pick<SandboxApp, 'app' | 'config'>, tenantId: string, userId: number, provider: 'google' | 'microsoft', email: string): Promise<ConnectionEntity> {
  const tokens = await userTokens(sandbox, provider, email);
  const credentials = { refreshToken: tokens.refreshToken!, accessToken: tokens.accessToken, accessTokenExpiresAt: tokens.expiresAt };
  const access: CalendarAccess = { mailbox: tokens.email, credentials: provider === 'google' ? { kind: 'google-oauth', ...credentials } : { kind: 'microsoft-oauth', ...credentials } };
  const mailbox = await sandbox.app.get(ProviderRegistry).get(provider).resolveMailbox(access);
  return sandbox.app.get(ConnectionsRepository).upsert(tenantId, {
    userId,
    provider,
    accountEmail: tokens.email,
    publicConfig: { scopes: tokens.scopes },
    secretSealed: sandbox.app.get(ConnectionAccessService).seal({ kind: 'oauth', ...credentials }),
    calendarId: mailbox.primaryCalendarId,
  });
}

export const connectGoogle = (sandbox: SandboxApp, tenantId: string, userId: number, email: string) => connectOAuth(sandbox, tenantId, userId, 'google', email);
export const connectMicrosoft = (sandbox: SandboxApp, tenantId: string, userId: number, email: string) => connectOAuth(sandbox, tenantId, userId, 'microsoft', email);

/** The user's own Apple/CalDAV connection: Radicale's user and password, `calendarUrl` as the primary collection. */
export async function connectCaldav(sandbox: SandboxApp, tenantId: string, userId: number, radicale: RunningRadicale, calendarUrl: string, password = radicale.password): Promise<ConnectionEntity> {
  const secretSealed = sandbox.app.get(ConnectionAccessService).seal({ kind: 'caldav', password });
  return sandbox.app.get(ConnectionsRepository).upsert(tenantId, {
    userId,
    provider: 'caldav',
    accountEmail: radicale.username,
    publicConfig: { serverUrl: radicale.url, username: radicale.username },
    secretSealed,
    calendarId: calendarUrl,
  });
}
