import { Client } from 'pg';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { TEMPLATE_DB_ENV, SERVER_URL_ENV, withDatabase } from './database-url';

import { newEmbeddedPostgres } from '../../src/database/embedded-postgres';

type EmbeddedPostgresInstance = { stop(): Promise<void> };

/**
 * Finds a Postgres for the whole run (TEST_DATABASE_URL, else an embedded one) and
 * builds one migrated template database; each test file clones it (see database.ts).
 */
export default async function globalSetup(): Promise<void> {
  const serverUrl = process.env.TEST_DATABASE_URL ?? (await startEmbeddedPostgres());
  const templateName = `cb_template_${process.pid}_${Date.now()}`;
  await createTemplateDatabase(serverUrl, templateName);
  process.env[SERVER_URL_ENV] = serverUrl;
  process.env[TEMPLATE_DB_ENV] = templateName;
}

async function startEmbeddedPostgres(): Promise<string> {
  const port = await freePort();
  const pg = await newEmbeddedPostgres({
    databaseDir: mkdtempSync(join(tmpdir(), 'cb-test-pg-')),
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  (globalThis as { __embeddedPostgres?: EmbeddedPostgresInstance }).__embeddedPostgres = pg;
  return `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}

async function createTemplateDatabase(serverUrl: string, templateName: string): Promise<void> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${templateName}"`);
  } finally {
    await admin.end();
  }
  // Migrations are compiled by the same transformer Jest uses for the tests.
  const { runMigrationsOnce } = await import('../../src/database/migration-runner');
  await runMigrationsOnce(withDatabase(serverUrl, templateName));
}
