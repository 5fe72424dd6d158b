import 'reflect-metadata';
import type { Logger } from 'pino';
import { createApp, listeningPort } from './app.factory';
import { ConfigError, loadConfig, SANDBOX_HOST } from './common/config/load-config';
import { describeError } from './common/logging/describe-error';
import { createLogger } from './common/logging/logger';
import { EmbeddedPostgresSettings, RunningDatabase, startEmbeddedPostgres } from './database/embedded-postgres';
import { runMigrationsOnce } from './database/migration-runner';

/** Set once the config is read, so that a failed start is also reported at error level in the log. */
let startupLogger: Logger | undefined;
/** Set once the database is open, so that a start failing after it does not leave an embedded Postgres behind. */
let openedDatabase: RunningDatabase | undefined;

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config);
  startupLogger = logger;
  logger.info({ node: process.version }, `Calendar Bridge starting on Node ${process.version}`);
  const database = await openDatabase(config.databaseUrl, config.embeddedPostgres, logger);
  openedDatabase = database;
  const applied = await runMigrationsOnce(database.url);
  logger.info({ applied }, applied.length ? 'migrations applied' : 'schema up to date');

  const app = await createApp(config, database.url, logger);
  await app.listen(config.port, config.host);
  const port = listeningPort(app);
  logger.info({ host: config.host, port, sandbox: config.sandbox, docs: `${config.publicBaseUrl}/docs` }, `listening on port ${port}`);
  if (config.sandbox) logger.warn('SANDBOX MODE: providers are the built-in emulators; nothing reaches Google or Microsoft');
  if (config.sandbox && !process.env.HOST?.trim()) {
    logger.warn(`sandbox listens on ${SANDBOX_HOST} only (this machine); set HOST=0.0.0.0 to accept other machines`);
  }

  const shutdown = async (): Promise<void> => {
    await app.close();
    await database.stop();
    process.exit(0);
  };
  // embedded-postgres (through async-exit-hook) listens for these signals too and exits with
  // 128+signal once its own Postgres is stopped, racing our shutdown: the HTTP server could be cut
  // off mid-drain. Ours stops the database itself, so it is the only listener.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    process.once(signal, () => void shutdown());
  }
}

function loadConfigOrExit(): ReturnType<typeof loadConfig> {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example for every variable.\n`);
      process.exit(78);
    }
    throw error;
  }
}

async function openDatabase(url: string | undefined, embedded: EmbeddedPostgresSettings, logger: Logger): Promise<RunningDatabase> {
  if (url) return { url, stop: async () => undefined };
  return startEmbeddedPostgres(embedded, logger);
}

bootstrap().catch(async (error: unknown) => {
  startupLogger?.error({ reason: describeError(error) }, 'Calendar Bridge failed to start');
  process.stderr.write(`Calendar Bridge failed to start: ${describeError(error)}\n`);
  await openedDatabase?.stop().catch(() => undefined);
  process.exit(1);
});
