import { INestApplication } from '@nestjs/common';
import { LinksService } from '../../src/links/links.service';
import { StaleSyncCron } from '../../src/links/queue/stale-sync.cron';
import { createTestDatabase, TestDatabase } from '../support/database';
import { addBody, overlapping, queueEnv, RecordingEngine, seedTenant, startQueueApp, SyncRecord, waitFor } from './queue-harness';
import { jobs, sql } from './sql';

/**
 * The job queue with the real graphile-worker on real Postgres and the real runner, mutex and
 * cron; only the sync engine and the drivers' mailbox lookup are stand-ins that record timing.
 */
describe('Links job queue', () => {
  let database: TestDatabase;
  const apps: INestApplication[] = [];

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await database.drop();
  });

  async function start(env: Record<string, string | undefined>, engine: RecordingEngine): Promise<INestApplication> {
    const app = await startQueueApp(env, database, engine);
    apps.push(app);
    return app;
  }

  const linkStatuses = async () => sql<{ id: string; status: string }>(database.url, 'SELECT id, status FROM links ORDER BY created_at');

  /** Adds `count` links for the tenant, in order; returns their ids in that order. */
  async function addLinks(app: INestApplication, tenantId: string, prefix: string, count: number, domains = { google: 'a.test', ms: 'a-ms.test' }): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const queued = await app.get(LinksService).handle(tenantId, addBody(`${prefix}${i}@${domains.google}`, `${prefix}${i}@${domains.ms}`));
      ids.push(queued.linkId);
    }
    return ids;
  }

  function expectSequentialInOrder(records: SyncRecord[], tenantId: string, ids: string[]): void {
    const mine = records.filter((record) => record.tenantId === tenantId);
    expect(mine.map((record) => record.linkId)).toEqual(ids);
    expect(overlapping(mine)).toEqual([]);
  }

  it("runs one tenant's ten links strictly one after another, in order, while another tenant's run alongside", async () => {
    const engine = new RecordingEngine('solo');
    engine.meetOtherTenantWithinMs = 5_000;
    const env = queueEnv(database, { LINKS_QUEUE_CONCURRENCY: '4' });
    // Everything is queued before the worker starts, so both tenants have work waiting at once.
    const enqueuer = await start({ ...env, LINKS_QUEUE_CONCURRENCY: '0' }, engine);
    const a = await seedTenant(enqueuer, 'A', { google: 'a.test', ms: 'a-ms.test' });
    const b = await seedTenant(enqueuer, 'B', { google: 'b.test', ms: 'b-ms.test' });
    const idsA = await addLinks(enqueuer, a, 'a', 10);
    const idsB = await addLinks(enqueuer, b, 'b', 10, { google: 'b.test', ms: 'b-ms.test' });
    await start(env, engine);

    await waitFor(async () => (await linkStatuses()).every((link) => link.status === 'active'), 30_000, 'all links active');

    expectSequentialInOrder(engine.records, a, idsA);
    expectSequentialInOrder(engine.records, b, idsB);
    // The two tenants ran in parallel: some sync of A overlapped some sync of B.
    expect(overlapping(engine.records).length).toBeGreaterThan(0);
    // First syncs are full scans; the outcome is written back onto each link.
    expect(engine.records.every((record) => record.cursor === null)).toBe(true);
    const rows = await sql(database.url, 'SELECT source_calendar_id, destination_calendar_id, sync_cursor, events_created, events_updated, last_sync_at IS NOT NULL AS synced FROM links WHERE id = $1', [idsA[0]]);
    expect(rows).toEqual([
      { source_calendar_id: 'primary:a0@a.test', destination_calendar_id: 'primary:a0@a-ms.test', sync_cursor: expect.stringMatching(/^cursor-\d+$/), events_created: 2, events_updated: 1, synced: true },
    ]);
    expect(await jobs(database.url)).toEqual([]);
  });

  it('two app instances on one database keep each tenant sequential and in order, and both do work', async () => {
    const shared: SyncRecord[] = [];
    const first = new RecordingEngine('first', shared);
    const second = new RecordingEngine('second', shared);
    const env = queueEnv(database, { LINKS_QUEUE_CONCURRENCY: '2' });
    // The first instance enqueues only until every link is in: then both workers compete.
    const one = await start({ ...env, LINKS_QUEUE_CONCURRENCY: '0' }, first);
    const a = await seedTenant(one, 'A', { google: 'a.test', ms: 'a-ms.test' });
    const b = await seedTenant(one, 'B', { google: 'b.test', ms: 'b-ms.test' });
    const c = await seedTenant(one, 'C', { google: 'c.test', ms: 'c-ms.test' });
    const idsA = await addLinks(one, a, 'a', 10);
    const idsB = await addLinks(one, b, 'b', 10, { google: 'b.test', ms: 'b-ms.test' });
    const idsC = await addLinks(one, c, 'c', 10, { google: 'c.test', ms: 'c-ms.test' });
    await start(env, first);
    await start(env, second);

    await waitFor(async () => (await linkStatuses()).every((link) => link.status === 'active'), 40_000, 'all links active');

    expectSequentialInOrder(shared, a, idsA);
    expectSequentialInOrder(shared, b, idsB);
    expectSequentialInOrder(shared, c, idsC);
    expect(first.records.length).toBeGreaterThan(0);
    expect(second.records.length).toBeGreaterThan(0);
    expect(first.records.length + second.records.length).toBe(30);
  });

  it('queues each cron tick once per cluster, and overlapping sweeps queue each stale link once', async () => {
    const env = queueEnv(database, { LINKS_QUEUE_CONCURRENCY: '0' });
    const one = await start(env, new RecordingEngine('one'));
    const two = await start(env, new RecordingEngine('two'));
    const now = new Date('2030-05-01T10:15:42.500Z');
    await Promise.all([one.get(StaleSyncCron).scheduleNextTick(now), two.get(StaleSyncCron).scheduleNextTick(now)]);
    await one.get(StaleSyncCron).scheduleNextTick(new Date('2030-05-01T10:15:59.999Z'));
    const ticks = (await jobs(database.url)).filter((job) => job.task_identifier === 'links.stale-tick');
    expect(ticks).toEqual([
      { task_identifier: 'links.stale-tick', queue_name: null, key: 'links:stale-tick:2030-05-01T10:16:00.000Z', payload: { minute: '2030-05-01T10:16:00.000Z' } },
    ]);

    const a = await seedTenant(one, 'A', { google: 'a.test', ms: 'a-ms.test' });
    const ids = await addLinks(one, a, 'a', 6);
    await sql(database.url, 'DELETE FROM graphile_worker._private_jobs');
    // 0-3 were last synced 10 minutes ago (stale), 4 a minute ago (fresh), 5 failed with its back-off passed.
    await sql(database.url, "UPDATE links SET status = 'active', last_sync_at = now() - interval '10 minutes' WHERE id = ANY($1)", [ids.slice(0, 4)]);
    await sql(database.url, "UPDATE links SET status = 'active', last_sync_at = now() - interval '1 minute' WHERE id = $1", [ids[4]]);
    await sql(database.url, "UPDATE links SET status = 'failed', failure_count = 1, next_attempt_at = now() - interval '1 second' WHERE id = $1", [ids[5]]);

    const [claimedOne, claimedTwo] = await Promise.all([one.get(StaleSyncCron).sweep(), two.get(StaleSyncCron).sweep()]);
    expect(claimedOne + claimedTwo).toBe(5);
    const queued = (await jobs(database.url)).filter((job) => job.task_identifier === 'links.sync');
    expect(queued.map((job) => job.payload.linkId).sort()).toEqual([...ids.slice(0, 4), ids[5]].sort());
    expect(new Set(queued.map((job) => job.queue_name))).toEqual(new Set([`tenant:${a}`]));
    // A sweep right after claims nothing: the claimed links wait for their sync.
    expect(await one.get(StaleSyncCron).sweep()).toBe(0);
  });

  it('runs the stale-tick job once when both instances queued it, and the tick syncs the stale links', async () => {
    const shared: SyncRecord[] = [];
    const engines = [new RecordingEngine('one', shared), new RecordingEngine('two', shared)];
    const env = queueEnv(database, { LINKS_QUEUE_CONCURRENCY: '2' });
    const one = await start(env, engines[0]);
    const two = await start(env, engines[1]);
    const a = await seedTenant(one, 'A', { google: 'a.test', ms: 'a-ms.test' });
    const ids = await addLinks(one, a, 'a', 3);
    await waitFor(async () => (await linkStatuses()).every((link) => link.status === 'active'), 20_000, 'first syncs');
    await sql(database.url, "UPDATE links SET last_sync_at = now() - interval '10 minutes'");
    const sweeps = [jest.spyOn(one.get(StaleSyncCron), 'sweep'), jest.spyOn(two.get(StaleSyncCron), 'sweep')];
    const before = shared.length;

    // Both replicas' crons add the tick for the same minute ahead of its time (here: 1.5 s ahead).
    const minute = new Date(Date.now() + 1500);
    await Promise.all([one.get(StaleSyncCron)['queue'].enqueueStaleTick(minute), two.get(StaleSyncCron)['queue'].enqueueStaleTick(minute)]);
    await waitFor(() => shared.length === before + 3, 20_000, 'stale syncs');
    await new Promise((resolve) => setTimeout(resolve, 1500));

    expect(sweeps[0].mock.calls.length + sweeps[1].mock.calls.length).toBe(1);
    const staleSyncs = shared.slice(before);
    expect(shared).toHaveLength(6);
    expect(staleSyncs.map((record) => record.linkId).sort()).toEqual([...ids].sort());
    // Incremental: each stale sync started from the stored cursor.
    expect(staleSyncs.every((record) => record.cursor !== null)).toBe(true);
  });

  it('a job survives a restart: queued by an instance that stops, run by a new one', async () => {
    const env = queueEnv(database, { LINKS_QUEUE_CONCURRENCY: '0' });
    const enqueuer = await start(env, new RecordingEngine('enqueuer'));
    const a = await seedTenant(enqueuer, 'A', { google: 'a.test', ms: 'a-ms.test' });
    const ids = await addLinks(enqueuer, a, 'a', 3);
    await apps.pop()!.close();
    expect((await jobs(database.url)).length).toBe(3);

    const engine = new RecordingEngine('restarted');
    await start({ ...env, LINKS_QUEUE_CONCURRENCY: '2' }, engine);
    await waitFor(async () => (await linkStatuses()).every((link) => link.status === 'active'), 20_000, 'links active after restart');
    expect(engine.records.map((record) => record.linkId)).toEqual(ids);
  });
});
