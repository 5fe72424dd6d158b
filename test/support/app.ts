import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { createApp, listeningPort } from '../../src/app.factory';
import { AppConfig } from '../../src/common/config/app-config';
import { loadConfig } from '../../src/common/config/load-config';
import { createLogger } from '../../src/common/logging/logger';
import { createTestDatabase, TestDatabase } from './database';

export interface TestApp {
  app: NestExpressApplication;
  baseUrl: string;
  config: AppConfig;
  database: TestDatabase;
  adminToken: string;
  close(): Promise<void>;
}

/** The env a test app boots with; tests override single variables. */
export function testEnv(databaseUrl: string, overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'cb-test-data-')),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN: `test-admin-${randomBytes(12).toString('hex')}`,
    JWT_SECRET: randomBytes(32).toString('base64'),
    SANDBOX: 'false',
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'silent',
    ...overrides,
  };
}

/**
 * A real app on a real port against a fresh database cloned from the migrated template,
 * or against `shared.database` (a second replica; then `shared.env` keeps the secrets equal).
 */
export async function startTestApp(
  overrides: Record<string, string | undefined> = {},
  shared?: { database: TestDatabase; env: Record<string, string | undefined> },
): Promise<TestApp & { env: Record<string, string | undefined> }> {
  const database = shared?.database ?? (await createTestDatabase());
  const env = shared?.env ?? testEnv(database.url, overrides);
  const { app, baseUrl, config } = await listenOnLoopback(env, database.url);
  return {
    app,
    baseUrl,
    config,
    database,
    adminToken: config.adminToken,
    env,
    close: async () => {
      await app.close();
      if (!shared) await database.drop();
    },
  };
}

/** The real app built from `env`, listening on a free loopback port (tests and benches). */
export async function listenOnLoopback(
  env: Record<string, string | undefined>,
  databaseUrl: string,
  extraModules: Type<unknown>[] = [],
): Promise<{ app: NestExpressApplication; baseUrl: string; config: AppConfig }> {
  const config = loadConfig(env);
  const app = await createApp(config, databaseUrl, createLogger(config), { extraModules });
  await app.listen(0, '127.0.0.1');
  return { app, baseUrl: `http://127.0.0.1:${listeningPort(app)}`, config };
}
