import { Client } from 'pg';

/** One statement on its own short-lived connection (CREATE/DROP DATABASE cannot share a pool). */
export async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
