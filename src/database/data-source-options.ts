import { DataSourceOptions } from 'typeorm';
import { ALL_ENTITIES } from './entities';
import { ALL_MIGRATIONS } from '../../migrations';

/** How long the app waits on Postgres before answering 503 instead of hanging. */
export interface DatabaseTimeouts {
  /** Opening a connection, and waiting for a free one in the pool. */
  connectMs: number;
  /** One statement, enforced by the server (statement_timeout) and, for a server that does not answer at all, by the client. */
  statementMs: number;
}

/** Grace past statement_timeout before the client gives up, so that the server's own cancel normally wins and the connection stays usable. */
const CLIENT_READ_GRACE_MS = 500;

/**
 * One place that says how we talk to Postgres; the app, the CLI and the tests share it.
 * Without `timeouts` (migrations, tooling) nothing is bounded: a migration may take long, and
 * a replica waits for another's migration lock as long as that takes.
 */
export function buildDataSourceOptions(url: string, timeouts?: DatabaseTimeouts): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ALL_ENTITIES,
    migrations: ALL_MIGRATIONS,
    migrationsTableName: 'migrations',
    // gen_random_uuid() is built into Postgres 13+, so no extension has to be installed.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    synchronize: false,
    migrationsRun: false,
    extra: { max: 10, keepAlive: true, ...(timeouts ? poolTimeouts(timeouts) : {}) },
  };
}

function poolTimeouts(timeouts: DatabaseTimeouts): Record<string, number> {
  return {
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    query_timeout: timeouts.statementMs + CLIENT_READ_GRACE_MS,
  };
}
