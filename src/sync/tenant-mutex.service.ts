import { Injectable } from '@nestjs/common';
import { Mutex } from 'async-mutex';

/** Runs SQL on one connection that the caller holds for the duration (graphile-worker's withPgClient). */
export type WithClient = <T>(callback: (client: { query(sql: string, values?: unknown[]): Promise<unknown> }) => Promise<T>) => Promise<T>;

/**
 * Each tenant's jobs run one at a time (the design card's tenant mutex). Three layers, each
 * enough on its own for its scope:
 * - graphile-worker's named queue `tenant:<id>`: one job of the queue runs at a time, cluster-wide;
 * - this in-process keyed mutex: also covers work that does not come through the queue;
 * - a Postgres session advisory lock on the tenant, held on the job's own connection: two
 *   replicas can never work for one tenant at once, whatever path the work came by.
 */
@Injectable()
export class TenantMutex {
  private readonly entries = new Map<string, { mutex: Mutex; users: number }>();

  async runExclusive<T>(tenantId: string, withClient: WithClient, work: () => Promise<T>): Promise<T> {
    return this.inProcess(tenantId, () =>
      withClient(async (client) => {
        await client.query('SELECT pg_advisory_lock($1::bigint)', [advisoryKey(tenantId)]);
        try {
          return await work();
        } finally {
          await client.query('SELECT pg_advisory_unlock($1::bigint)', [advisoryKey(tenantId)]);
        }
      }),
    );
  }

  /** The keyed mutex alone (exported for tests); entries are dropped when nobody holds or waits. */
  async inProcess<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
    let entry = this.entries.get(tenantId);
    if (!entry) {
      entry = { mutex: new Mutex(), users: 0 };
      this.entries.set(tenantId, entry);
    }
    entry.users += 1;
    try {
      return await entry.mutex.runExclusive(work);
    } finally {
      entry.users -= 1;
      if (entry.users === 0) this.entries.delete(tenantId);
    }
  }

  /** Tenants with a job running or waiting in this process. */
  activeTenants(): number {
    return this.entries.size;
  }
}

/**
 * A stable 63-bit key per tenant, in the class of keys reserved for tenant locks (high bits
 * 0x43420001, "CB" + 1) so that it cannot meet the migration lock or another feature's keys.
 */
export function advisoryKey(tenantId: string): string {
  const hex = tenantId.replace(/-/g, '').slice(0, 8);
  const low = Number.parseInt(hex || '0', 16) >>> 0;
  return ((BigInt(0x43420001) << 32n) | BigInt(low)).toString();
}
