import type { Pool, PoolClient } from 'pg';

/** Advisory-lock namespace for worker liveness (two-int form; the tenant mutex uses the bigint form). */
const LIVENESS_NAMESPACE = 0x4342_4c57; // "CBLW"

/** A job locked this long by a worker that holds no liveness lock is an orphan (covers a worker that just started and is taking its lock). */
const ORPHAN_AFTER_SECONDS = 5;

/**
 * Which graphile-worker workers are alive, across replicas, without a heartbeat table: each
 * process holds a session advisory lock per worker it runs, on a connection kept for its
 * lifetime. When a process dies (SIGKILL, crash, lost host), Postgres ends its session and the
 * locks go with it. A job locked by a worker whose lock anyone can take is an orphan: its locks
 * are released with force_unlock_workers, and the job runs again now — not after
 * graphile-worker's fixed 4-hour lock timeout. The sync engine is idempotent, so a rerun of a
 * half-done sync leaves exactly one copy per event.
 */
export class WorkerLiveness {
  private client?: PoolClient;
  private readonly mine = new Set<string>();

  constructor(private readonly pool: Pool) {}

  async start(): Promise<void> {
    this.client = await this.pool.connect();
  }

  /** Called for every worker this process creates, before it can take a job for long. */
  async claim(workerId: string): Promise<void> {
    this.mine.add(workerId);
    await this.requireClient().query('SELECT pg_advisory_lock($1, hashtext($2))', [LIVENESS_NAMESPACE, workerId]);
  }

  /** Worker ids that lock jobs but whose process is gone. */
  async findDeadWorkers(schema: string): Promise<string[]> {
    const client = this.requireClient();
    const { rows } = await client.query<{ locked_by: string }>(
      `SELECT DISTINCT locked_by FROM ${schema}._private_jobs
        WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $1)`,
      [ORPHAN_AFTER_SECONDS],
    );
    const dead: string[] = [];
    for (const { locked_by: workerId } of rows) {
      if (this.mine.has(workerId)) continue;
      const { rows: taken } = await client.query<{ free: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS free', [LIVENESS_NAMESPACE, workerId]);
      if (!taken[0]?.free) continue;
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LIVENESS_NAMESPACE, workerId]);
      dead.push(workerId);
    }
    return dead;
  }

  /** Ends the session: this process's workers read as dead to the others from now on. */
  stop(): void {
    this.client?.release(true);
    this.client = undefined;
    this.mine.clear();
  }

  private requireClient(): PoolClient {
    if (!this.client) throw new Error('WorkerLiveness used before start()');
    return this.client;
  }
}
