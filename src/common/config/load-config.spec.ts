import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config';

const KEY = 'a'.repeat(64);
const production = {
  NODE_ENV: 'production',
  ENCRYPTION_KEY: KEY,
  ADMIN_TOKEN: 'admin-token-long-enough',
  JWT_SECRET: 'x'.repeat(32),
  GOOGLE_CLIENT_ID: 'id',
  GOOGLE_CLIENT_SECRET: 'secret',
  DATABASE_URL: 'postgres://u:p@db:5432/cb',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('accepts a complete production environment', () => {
    const config = loadConfig(production);
    expect(config.sandbox).toBe(false);
    expect(config.port).toBe(18080);
    expect(config.encryptionKey).toHaveLength(32);
    expect(config.google).toEqual({ clientId: 'id', clientSecret: 'secret' });
  });

  it('reads the Google per-mailbox budget (default 500 a minute)', () => {
    expect(loadConfig(production).googleRequestsPerMinute).toBe(500);
    expect(loadConfig({ ...production, GOOGLE_REQUESTS_PER_MINUTE: '120' }).googleRequestsPerMinute).toBe(120);
    expect(problemsOf({ ...production, GOOGLE_REQUESTS_PER_MINUTE: '0' })).toEqual(['GOOGLE_REQUESTS_PER_MINUTE must be an integer between 1 and 1000000 (got "0")']);
  });

  it('names every missing secret in production, with no placeholder defaults', () => {
    const problems = problemsOf({ NODE_ENV: 'production', GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 's' });
    expect(problems.join('\n')).toMatch(/ENCRYPTION_KEY is required/);
    expect(problems.join('\n')).toMatch(/ADMIN_TOKEN is required/);
    expect(problems.join('\n')).toMatch(/JWT_SECRET or JWT_JWKS_URL is required/);
  });

  it('refuses a production boot without provider credentials unless SANDBOX=true', () => {
    const { GOOGLE_CLIENT_ID: _id, GOOGLE_CLIENT_SECRET: _secret, ...noProviders } = production;
    expect(problemsOf(noProviders).join('\n')).toMatch(/GOOGLE_CLIENT_ID.*MS_CLIENT_ID.*SANDBOX=true/);
    expect(loadConfig({ ...noProviders, SANDBOX: 'true' }).sandbox).toBe(true);
  });

  it('reads the Connections settings: the redirect URI defaults to the SPA route under PUBLIC_BASE_URL, the CalDAV check to 20 s', () => {
    expect(loadConfig({ ...production, PUBLIC_BASE_URL: 'https://bridge.example.com/' }).connections).toEqual({
      redirectUri: 'https://bridge.example.com/connections/{provider}/callback',
      checkTimeoutMs: 20_000,
    });
    expect(loadConfig({ ...production, CONNECTIONS_REDIRECT_URI: 'https://crm.example.com/oauth/{provider}', CONNECTIONS_CHECK_TIMEOUT_MS: '5000' }).connections).toEqual({
      redirectUri: 'https://crm.example.com/oauth/{provider}',
      checkTimeoutMs: 5000,
    });
    expect(problemsOf({ ...production, CONNECTIONS_REDIRECT_URI: 'crm/callback', CONNECTIONS_CHECK_TIMEOUT_MS: '0' })).toEqual([
      'CONNECTIONS_REDIRECT_URI must be an http(s) URL (got "crm/callback")',
      'CONNECTIONS_CHECK_TIMEOUT_MS must be an integer between 100 and 120000 (got "0")',
    ]);
  });

  it('reads the Links queue settings, with defaults of 4 jobs, 5 minutes, cron on and a 5-minute first back-off', () => {
    expect(loadConfig(production).links).toEqual({ queueConcurrency: 4, staleAfterSeconds: 300, cronEnabled: true, failureBackoffSeconds: 300 });
    const links = loadConfig({ ...production, LINKS_QUEUE_CONCURRENCY: '0', LINKS_STALE_AFTER_SECONDS: '600', LINKS_CRON_ENABLED: 'false', LINKS_FAILURE_BACKOFF_SECONDS: '30' }).links;
    expect(links).toEqual({ queueConcurrency: 0, staleAfterSeconds: 600, cronEnabled: false, failureBackoffSeconds: 30 });
    expect(problemsOf({ ...production, LINKS_QUEUE_CONCURRENCY: '-1', LINKS_STALE_AFTER_SECONDS: '10', LINKS_CRON_ENABLED: 'sometimes' })).toEqual([
      'LINKS_QUEUE_CONCURRENCY must be an integer between 0 and 64 (got "-1")',
      'LINKS_STALE_AFTER_SECONDS must be an integer between 60 and 86400 (got "10")',
      'LINKS_CRON_ENABLED must be true or false (got "sometimes")',
    ]);
  });

  it('bounds one account\'s calendar listing at 5 s by default (CALENDAR_LISTING_TIMEOUT_MS, 100 ms to 2 min)', () => {
    expect(loadConfig(production).destinationCalendars).toEqual({ listingTimeoutMs: 5000 });
    expect(loadConfig({ ...production, CALENDAR_LISTING_TIMEOUT_MS: '1500' }).destinationCalendars).toEqual({ listingTimeoutMs: 1500 });
    expect(problemsOf({ ...production, CALENDAR_LISTING_TIMEOUT_MS: '50' })).toEqual(['CALENDAR_LISTING_TIMEOUT_MS must be an integer between 100 and 120000 (got "50")']);
  });

  it('names the variable of each malformed value', () => {
    const problems = problemsOf({ ...production, PORT: 'eighty', ENCRYPTION_KEY: 'short', DATABASE_URL: 'mysql://x', SANDBOX: 'maybe', GOOGLE_CLIENT_SECRET: '' });
    const text = problems.join('\n');
    expect(text).toMatch(/PORT must be an integer/);
    expect(text).toMatch(/ENCRYPTION_KEY must decode to exactly 32 bytes/);
    expect(text).toMatch(/DATABASE_URL must be a postgres:\/\/ URL/);
    expect(text).toMatch(/SANDBOX must be true or false/);
    expect(text).toMatch(/GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set together/);
  });

  it('defaults to sandbox on a developer machine and keeps generated secrets across boots', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cb-config-'));
    const first = loadConfig({ DATA_DIR: dataDir });
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(first.sandbox).toBe(true);
    expect(first.databaseUrl).toBeUndefined();
    expect(second.encryptionKey.equals(first.encryptionKey)).toBe(true);
    expect(second.adminToken).toBe(first.adminToken);
    const stored = JSON.parse(readFileSync(join(dataDir, 'sandbox-secrets.json'), 'utf8'));
    expect(stored.adminToken).toBe(first.adminToken);
  });

  it('a sandbox listens on loopback unless HOST is set; production on every interface', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cb-config-'));
    expect(loadConfig({ DATA_DIR: dataDir }).host).toBe('127.0.0.1');
    expect(loadConfig({ DATA_DIR: dataDir, HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig(production).host).toBe('0.0.0.0');
    expect(loadConfig({ ...production, HOST: '10.1.2.3' }).host).toBe('10.1.2.3');
  });

  it('trusts no proxy by default; TRUST_PROXY takes a hop count or proxy addresses and subnets', () => {
    expect(loadConfig(production).trustProxy).toBe(false);
    expect(loadConfig({ ...production, TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ ...production, TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ ...production, TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ ...production, TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8, 192.0.2.7' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.0.2.7']);
    for (const bad of ['true', '10.0.0.0/33', 'proxy.example', '1.2.3.4/8/9', '99']) {
      expect(problemsOf({ ...production, TRUST_PROXY: bad }).join('\n')).toMatch(/^TRUST_PROXY must be false, a hop count/);
    }
  });

  it('keeps the secrets another owner already stored in the file (embedded Postgres password) and adds its own', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cb-config-'));
    writeFileSync(join(dataDir, 'sandbox-secrets.json'), JSON.stringify({ embeddedPostgresPassword: 'kept-password' }));
    const config = loadConfig({ DATA_DIR: dataDir });
    const stored = JSON.parse(readFileSync(join(dataDir, 'sandbox-secrets.json'), 'utf8'));
    expect(stored.embeddedPostgresPassword).toBe('kept-password');
    expect(stored.adminToken).toBe(config.adminToken);
    expect(statSync(join(dataDir, 'sandbox-secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('completes a sandbox secrets file that holds only the demo key, keeping the key', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cb-config-'));
    // Written by a sandbox boot whose secrets all came from the environment.
    writeFileSync(join(dataDir, 'sandbox-secrets.json'), JSON.stringify({ demoApiKey: 'cbk_demo' }));
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.encryptionKey).toHaveLength(32);
    const stored = JSON.parse(readFileSync(join(dataDir, 'sandbox-secrets.json'), 'utf8'));
    expect(Object.keys(stored).sort()).toEqual(['adminToken', 'demoApiKey', 'encryptionKey', 'jwtSecret']);
    expect(stored.demoApiKey).toBe('cbk_demo');
    expect(stored.adminToken).toBe(config.adminToken);
    expect(loadConfig({ DATA_DIR: dataDir }).adminToken).toBe(config.adminToken);
  });
});
