import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { LinksService } from '../../src/links/links.service';
import { LinkJobQueue } from '../../src/links/queue/link-job.queue';
import { createTestDatabase, TestDatabase } from '../support/database';
import { addBody, queueEnv, RecordingEngine, seedTenant, startQueueApp, waitFor } from './queue-harness';
import { sql } from './sql';

const NAMESPACE = 0x4342_4c57;

/**
 * A job whose worker's process died is run again at once, not after graphile-worker's 4-hour
 * lock timeout; a job of a worker that is alive in another process is left alone.
 */
describe('Links queue: jobs of dead workers', () => {
  let database: TestDatabase;
  const apps: INestApplication[] = [];
  let otherProcess: Client | undefined;

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await otherProcess?.end();
    otherProcess = undefined;
    await database.drop();
  });

  /** Marks a tenant's waiting job (and its queue) as taken by `workerId` a while ago, as a running worker leaves them. */
  async function lockAsIf(workerId: string, tenantId: string): Promise<void> {
    await sql(
      database.url,
      `UPDATE graphile_worker._private_job_queues SET locked_by = $1, locked_at = now() - interval '5 minutes' WHERE queue_name = $2`,
      [workerId, `tenant:${tenantId}`],
    );
    await sql(
      database.url,
      `UPDATE graphile_worker._private_jobs SET locked_by = $1, locked_at = now() - interval '5 minutes', attempts = 1
        WHERE job_queue_id = (SELECT id FROM graphile_worker._private_job_queues WHERE queue_name = $2)`,
      [workerId, `tenant:${tenantId}`],
    );
  }

  it('releases the jobs of a worker whose process is gone, and only those', async () => {
    const engine = new RecordingEngine('survivor');
    const env = queueEnv(database);
    const enqueuer = await startQueueApp({ ...env, LINKS_QUEUE_CONCURRENCY: '0' }, database, engine);
    apps.push(enqueuer);
    const deadTenant = await seedTenant(enqueuer, 'Dead', { google: 'd.test', ms: 'd-ms.test' });
    const aliveTenant = await seedTenant(enqueuer, 'Alive', { google: 'l.test', ms: 'l-ms.test' });
    const orphan = await enqueuer.get(LinksService).handle(deadTenant, addBody('a@d.test', 'b@d-ms.test'));
    const running = await enqueuer.get(LinksService).handle(aliveTenant, addBody('a@l.test', 'b@l-ms.test'));

    // A worker killed mid-job (its session, and so its liveness lock, is gone)…
    await lockAsIf('worker-killed', deadTenant);
    // …and one still running in another process, which holds its liveness lock.
    otherProcess = new Client({ connectionString: database.url });
    await otherProcess.connect();
    await otherProcess.query('SELECT pg_advisory_lock($1, hashtext($2))', [NAMESPACE, 'worker-elsewhere']);
    await lockAsIf('worker-elsewhere', aliveTenant);

    const worker = await startQueueApp(env, database, engine);
    apps.push(worker);
    await waitFor(() => engine.records.some((record) => record.linkId === orphan.linkId), 15_000, 'the orphaned job to run');

    const locks = await sql<{ locked_by: string | null }>(database.url, 'SELECT locked_by FROM graphile_worker._private_jobs ORDER BY id');
    expect(locks).toEqual([{ locked_by: 'worker-elsewhere' }]);
    expect(engine.records.map((record) => record.linkId)).toEqual([orphan.linkId]);
    expect(engine.records.some((record) => record.linkId === running.linkId)).toBe(false);
    // A later sweep finds nothing more to release while the other process lives…
    expect(await worker.get(LinkJobQueue).releaseOrphanedJobs()).toEqual([]);
    // …and releases its job once that process is gone too.
    await otherProcess.end();
    otherProcess = undefined;
    expect(await worker.get(LinkJobQueue).releaseOrphanedJobs()).toEqual(['worker-elsewhere']);
    await waitFor(() => engine.records.some((record) => record.linkId === running.linkId), 15_000, 'the second job to run');
  });
});
