import { Client } from 'pg';
import { SERVER_URL_ENV, TEMPLATE_DB_ENV } from './database-url';

export default async function globalTeardown(): Promise<void> {
  const serverUrl = process.env[SERVER_URL_ENV];
  const template = process.env[TEMPLATE_DB_ENV];
  const embedded = (globalThis as { __embeddedPostgres?: { stop(): Promise<void> } }).__embeddedPostgres;
  if (embedded) {
    await embedded.stop();
    return;
  }
  if (!serverUrl || !template) return;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    // Per-file databases left behind by a crashed worker.
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1`,
      [`${template}_f%`],
    );
    for (const row of rows) await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
