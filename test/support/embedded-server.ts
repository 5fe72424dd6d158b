import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { freePort } from './free-port';

export interface EmbeddedServer {
  /** URL of the server's `postgres` database, for creating others. */
  url: string;
  stop(): Promise<void>;
}

/** A throwaway embedded Postgres on a free port and a temporary folder (tests, benches). */
export async function startEmbeddedServer(): Promise<EmbeddedServer> {
  const dir = mkdtempSync(join(tmpdir(), 'cb-pg-'));
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
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
