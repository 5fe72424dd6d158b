import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Type } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig } from '../../src/common/config/app-config';
import { runMigrationsOnce } from '../../src/database/migration-runner';
import { adminQuery } from '../../test/support/admin-query';
import { listenOnLoopback, testEnv } from '../../test/support/app';
import { withDatabase } from '../../test/support/database-url';
import { startEmbeddedServer } from '../../test/support/embedded-server';
import { createTenantWithKey } from '../../test/support/fixtures';

export interface BenchApp {
  app: NestExpressApplication;
  baseUrl: string;
  config: AppConfig;
  close(): Promise<void>;
}

export interface BenchDatabase {
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
  const { app, baseUrl, config } = await listenOnLoopback(testEnv(database.url), database.url, extraModules);
  return {
    app,
    baseUrl,
    config,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

/** A fresh, migrated database (for benches that drive the sync engine without the HTTP app). */
export async function openMigratedBenchDatabase(): Promise<BenchDatabase> {
  const database = await openDatabase();
  await runMigrationsOnce(database.url);
  return database;
}

/** BENCH_DATABASE_URL or TEST_DATABASE_URL (a server: a new database is made on it), else an embedded Postgres. */
async function openDatabase(): Promise<BenchDatabase> {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (serverUrl) return freshDatabaseOn(serverUrl, async () => undefined);
  const server = await startEmbeddedServer();
  return freshDatabaseOn(server.url, server.stop);
}

async function freshDatabaseOn(serverUrl: string, stopServer: () => Promise<void>): Promise<BenchDatabase> {
  const name = `cb_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  return {
    url: withDatabase(serverUrl, name),
    close: async () => {
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
      await stopServer();
    },
  };
}

/** A tenant and an API key, made through the admin API like a real operator would. */
export async function createBenchTenantKey(baseUrl: string, adminToken: string): Promise<string> {
  return (await createTenantWithKey(baseUrl, adminToken, 'Bench')).apiKey;
}
