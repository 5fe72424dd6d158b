import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamicModule, Type } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { AppModule } from '../../src/app.module';
import { createApp } from '../../src/app.factory';
import { AppConfig } from '../../src/common/config/app-config';
import { loadConfig } from '../../src/common/config/load-config';
import { createLogger } from '../../src/common/logging/logger';
import { newEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { runMigrationsOnce } from '../../src/database/migration-runner';
import { freePort } from '../../test/support/free-port';

export interface BenchApp {
  app: NestExpressApplication;
  baseUrl: string;
  config: AppConfig;
  close(): Promise<void>;
}

interface BenchDatabase {
  url: string;
  close(): Promise<void>;
}

/**
 * The real application (createApp, the same middleware, guards, pipes and filters as
 * production) on a fresh, migrated database, with rate limiting off and logs silent.
 * `extraModules` are mounted beside the product's modules, for bench-only baselines.
 */
export async function bootBenchApp(extraModules: Type<unknown>[] = []): Promise<BenchApp> {
  const database = await openDatabase();
  await runMigrationsOnce(database.url);
  const config = loadConfig(benchEnv(database.url));
  const restore = mountExtraModules(extraModules);
  let app: NestExpressApplication;
  try {
    app = await createApp(config, database.url, createLogger(config));
  } finally {
    restore();
  }
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

function benchEnv(databaseUrl: string): Record<string, string> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'cb-bench-data-')),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN: `bench-admin-${randomBytes(12).toString('hex')}`,
    JWT_SECRET: randomBytes(32).toString('base64'),
    SANDBOX: 'false',
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'silent',
  };
}

/**
 * createApp always builds AppModule.forRoot(); to put a bench-only controller behind the
 * very same stack, forRoot is wrapped for the duration of the boot and then restored.
 */
function mountExtraModules(extraModules: Type<unknown>[]): () => void {
  if (extraModules.length === 0) return () => undefined;
  const original = AppModule.forRoot.bind(AppModule);
  AppModule.forRoot = (config: AppConfig, databaseUrl: string): DynamicModule => {
    const root = original(config, databaseUrl);
    return { ...root, imports: [...(root.imports ?? []), ...extraModules] };
  };
  return () => {
    AppModule.forRoot = original;
  };
}

/** BENCH_DATABASE_URL or TEST_DATABASE_URL (a server: a new database is made on it), else an embedded Postgres. */
async function openDatabase(): Promise<BenchDatabase> {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (serverUrl) return freshDatabaseOn(serverUrl, async () => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'cb-bench-pg-'));
  const port = await freePort();
  const pg = await newEmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  return freshDatabaseOn(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`, async () => {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  });
}

async function freshDatabaseOn(serverUrl: string, stopServer: () => Promise<void>): Promise<BenchDatabase> {
  const name = `cb_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    close: async () => {
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
      await stopServer();
    },
  };
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A tenant and an API key, made through the admin API like a real operator would. */
export async function createBenchTenantKey(baseUrl: string, adminToken: string): Promise<string> {
  const admin = { 'x-admin-token': adminToken, 'content-type': 'application/json' };
  const tenant = await fetch(`${baseUrl}/admin/tenants`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'Bench' }) });
  if (tenant.status !== 201) throw new Error(`tenant creation failed: ${tenant.status} ${await tenant.text()}`);
  const { id } = (await tenant.json()) as { id: string };
  const key = await fetch(`${baseUrl}/admin/tenants/${id}/api-keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'bench' }) });
  if (key.status !== 201) throw new Error(`key creation failed: ${key.status} ${await key.text()}`);
  return ((await key.json()) as { key: string }).key;
}
