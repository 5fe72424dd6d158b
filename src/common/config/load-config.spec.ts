import { mkdtempSync, readFileSync } from 'node:fs';
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
});
