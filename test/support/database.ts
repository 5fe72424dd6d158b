import { adminQuery } from './admin-query';
import { randomBytes } from 'node:crypto';
import { SERVER_URL_ENV, TEMPLATE_DB_ENV, withDatabase } from './database-url';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function serverAndTemplate(): { serverUrl: string; template: string } {
  const serverUrl = process.env[SERVER_URL_ENV];
  const template = process.env[TEMPLATE_DB_ENV];
  if (!serverUrl || !template) throw new Error('test database server not prepared: run through jest (globalSetup)');
  return { serverUrl, template };
}


/** A fresh, migrated database cloned from the run's template: one per test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { serverUrl, template } = serverAndTemplate();
  const name = `${template}_f${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  return {
    url: withDatabase(serverUrl, name),
    name,
    drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** An empty database (no migrations) for boot and migration tests. */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  const { serverUrl, template } = serverAndTemplate();
  const name = `${template}_f${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  return {
    url: withDatabase(serverUrl, name),
    name,
    drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
