import { adminQuery } from './admin-query';
import { EmbeddedServer, startEmbeddedServer } from './embedded-server';
import { TEMPLATE_DB_ENV, SERVER_URL_ENV, withDatabase } from './database-url';


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
  const server = await startEmbeddedServer();
  (globalThis as { __embeddedPostgres?: EmbeddedServer }).__embeddedPostgres = server;
  return server.url;
}

async function createTemplateDatabase(serverUrl: string, templateName: string): Promise<void> {
  await adminQuery(serverUrl, `CREATE DATABASE "${templateName}"`);
  // Migrations are compiled by the same transformer Jest uses for the tests.
  const { runMigrationsOnce } = await import('../../src/database/migration-runner');
  await runMigrationsOnce(withDatabase(serverUrl, templateName));
}
