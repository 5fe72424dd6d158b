import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { adminQuery } from '../../test/support/admin-query';
import { SERVER_URL_ENV, TEMPLATE_DB_ENV, withDatabase } from '../../test/support/database-url';
import { startEmbeddedServer } from '../../test/support/embedded-server';
import { runMigrationsOnce } from '../../src/database/migration-runner';
import { writeMutationResults } from './report';

const ROOT = join(__dirname, '..', '..');

/**
 * `npm run mutation [-- tenancy|ics] [<stryker args>]`: builds the migrated template database once (what
 * Jest's globalSetup does for `npm test`), runs Stryker over src/tenancy and src/ics, drops the
 * databases again and writes bench/results/mutation.{json,md} (a one-folder run replaces
 * that folder's figures). With `--mutate <glob>` it is a
 * partial run for working on one file: the figures are printed, not recorded.
 */
async function main(): Promise<number> {
  const [first, ...rest] = process.argv.slice(2);
  const scope = first === 'tenancy' || first === 'ics' ? first : undefined;
  const strykerArgs = scope ? rest : process.argv.slice(2);
  const embedded = process.env.TEST_DATABASE_URL ? undefined : await startEmbeddedServer();
  const serverUrl = process.env.TEST_DATABASE_URL ?? embedded!.url;
  const template = `cb_mutation_${process.pid}_${Date.now()}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${template}"`);
  const started = Date.now();
  try {
    await runMigrationsOnce(withDatabase(serverUrl, template));
    const code = await runStryker(strykerArgs, {
      [SERVER_URL_ENV]: serverUrl,
      [TEMPLATE_DB_ENV]: template,
      ...(scope ? { MUTATION_SCOPE: scope } : {}),
    });
    const minutes = (Date.now() - started) / 60_000;
    if (code !== 0) return code;
    const partial = strykerArgs.some((arg) => arg === '--mutate' || arg === '-m' || arg.startsWith('--mutate='));
    const summary = writeMutationResults(
      join(ROOT, `reports/mutation/${scope ?? 'all'}${process.env.MUTATION_TESTS === 'unit' ? '-unit' : ''}.json`),
      minutes,
      !partial,
    );
    process.stdout.write(`${summary}\n`);
    return 0;
  } finally {
    await dropDatabases(serverUrl, template);
    await embedded?.stop();
  }
}

function runStryker(args: string[], env: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/@stryker-mutator/core/bin/stryker.js'), 'run', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: 'inherit',
  });
  // Ctrl-C stops Stryker (it saves a partial incremental report), then the databases are dropped.
  const forward = (): void => void child.kill('SIGINT');
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

/** The template and any per-file database a killed test run left behind. */
async function dropDatabases(serverUrl: string, template: string): Promise<void> {
  const { Client } = await import('pg');
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${template}%`]);
    for (const row of rows) await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    process.stderr.write(`mutation run failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
