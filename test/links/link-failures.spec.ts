import { INestApplication } from '@nestjs/common';
import { MetricsService } from '../../src/common/observability/metrics.service';
import { LinksService } from '../../src/links/links.service';
import { LinkJobRunner } from '../../src/links/queue/link-job.runner';
import { StaleSyncCron } from '../../src/links/queue/stale-sync.cron';
import { ProviderError } from '../../src/providers/provider-errors';
import { createTestDatabase, TestDatabase } from '../support/database';
import { addBody, queueEnv, RecordingEngine, seedTenant, startQueueApp, waitFor } from './queue-harness';
import { jobs, sql } from './sql';

interface LinkRow {
  id: string;
  status: string;
  last_error: string | null;
  failure_count: number;
  backoff_seconds: number | null;
}

/** Failures are per link: the failed one is marked and backs off, the others (and other tenants) go on. */
describe('Link job failures', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let engine: RecordingEngine;
  let tenantA: string;
  let tenantB: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    engine = new RecordingEngine('solo');
    app = await startQueueApp(queueEnv(database, { LINKS_QUEUE_CONCURRENCY: '2', LINKS_FAILURE_BACKOFF_SECONDS: '300' }), database, engine);
    tenantA = await seedTenant(app, 'A', { google: 'a.test', ms: 'a-ms.test' });
    tenantB = await seedTenant(app, 'B', { google: 'b.test', ms: 'b-ms.test' });
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  const add = (tenantId: string, source: string, destination: string) => app.get(LinksService).handle(tenantId, addBody(source, destination));
  const row = async (id: string): Promise<LinkRow> =>
    (
      await sql<LinkRow>(
        database.url,
        `SELECT id, status, last_error, failure_count,
                round(extract(epoch FROM next_attempt_at - updated_at))::int AS backoff_seconds
           FROM links WHERE id = $1`,
        [id],
      )
    )[0];
  const settled = (ids: string[]) => async () => (await Promise.all(ids.map(row))).every((link) => ['active', 'failed'].includes(link.status));

  it('a missing mailbox and a revoked grant mark their links failed with readable errors and a back-off; the rest sync', async () => {
    const missing = await add(tenantA, 'missing-person@a.test', 'x@a-ms.test');
    const revoked = await add(tenantA, 'revoked@a.test', 'y@a-ms.test');
    engine.failures.set(revoked.linkId, {
      error: new ProviderError('AUTH_REVOKED', 'invalid_grant: the service account was disabled', { provider: 'google', status: 401 }),
      once: false,
    });
    const fine = await add(tenantA, 'fine@a.test', 'z@a-ms.test');
    const otherTenant = await add(tenantB, 'someone@b.test', 'else@b-ms.test');
    const ids = [missing.linkId, revoked.linkId, fine.linkId, otherTenant.linkId];

    await waitFor(settled(ids), 20_000, 'links settled');

    expect(await row(missing.linkId)).toEqual({
      id: missing.linkId,
      status: 'failed',
      last_error: 'Error creating sync, users may not exist',
      failure_count: 1,
      backoff_seconds: 300,
    });
    expect(await row(revoked.linkId)).toEqual({
      id: revoked.linkId,
      status: 'failed',
      last_error: "Access to the google mailbox was revoked: the organisation's delegation no longer works (invalid_grant: the service account was disabled)",
      failure_count: 1,
      backoff_seconds: 300,
    });
    expect((await row(fine.linkId)).status).toBe('active');
    expect((await row(otherTenant.linkId)).status).toBe('active');
    // Permanent failures are not retried by the queue: nothing left waiting.
    expect(await jobs(database.url)).toEqual([]);

    // The link's own view shows the error and when it is tried again.
    const view = await app.get(LinksService).get(tenantA, missing.linkId);
    expect(view.lastError).toBe('Error creating sync, users may not exist');
    expect(view.nextAttemptAt).not.toBeNull();

    const metrics = await app.get(MetricsService).registry.metrics();
    expect(metrics).toContain('links_jobs_queued_total{task="links.sync"} 4');
    expect(metrics).toContain('links_jobs_finished_total{task="links.sync",outcome="failed"} 2');
    expect(metrics).toContain('links_jobs_finished_total{task="links.sync",outcome="succeeded"} 2');
    expect(metrics).toContain('links_events_written_total{operation="created"} 4');
    expect(metrics).toContain('links_provider_errors_total{provider="google",kind="MAILBOX_NOT_FOUND"} 1');
    expect(metrics).toContain('links_provider_errors_total{provider="google",kind="AUTH_REVOKED"} 1');
    expect(metrics).toContain('links_provider_calls_total{provider="google",operation="resolve-mailbox"} 4');
    expect(metrics).toContain('links_jobs_running{task="links.sync"} 0');
    expect(metrics).toContain('links_queue_depth 0');
  });

  it('a failed link is retried by the cron once its back-off passed, and backs off longer when it fails again', async () => {
    const link = await add(tenantA, 'revoked-again@a.test', 'w@a-ms.test');
    engine.failures.set(link.linkId, { error: new ProviderError('PERMISSION_DENIED', 'calendar is read-only', { provider: 'microsoft', status: 403 }), once: false });
    await waitFor(async () => (await row(link.linkId)).status === 'failed', 20_000, 'first failure');
    // Still backing off: the cron leaves every failed link alone.
    expect(await app.get(StaleSyncCron).sweep()).toBe(0);

    await sql(database.url, "UPDATE links SET next_attempt_at = now() - interval '1 second' WHERE status = 'failed'");
    // The three failed links (missing mailbox, revoked, read-only) are due again.
    expect(await app.get(StaleSyncCron).sweep()).toBe(3);
    await waitFor(async () => (await row(link.linkId)).failure_count === 2, 20_000, 'second failure');
    expect(await row(link.linkId)).toEqual({
      id: link.linkId,
      status: 'failed',
      last_error: 'Not allowed at microsoft: calendar is read-only',
      failure_count: 2,
      backoff_seconds: 600,
    });
  });

  it('a temporary provider failure goes back to the queue and the retry succeeds', async () => {
    const link = await add(tenantB, 'flaky@b.test', 'v@b-ms.test');
    engine.failures.set(link.linkId, { error: new ProviderError('TEMPORARY', 'HTTP 503 backendError', { provider: 'google', status: 503 }), once: true });
    await waitFor(async () => (await row(link.linkId)).status === 'active', 25_000, 'retry succeeded');
    expect(await row(link.linkId)).toEqual({ id: link.linkId, status: 'active', last_error: null, failure_count: 0, backoff_seconds: null });
    expect(engine.records.filter((record) => record.linkId === link.linkId)).toHaveLength(1);
  });

  it('delete removes the copies at the destination, then the link', async () => {
    const link = await add(tenantB, 'leaving@b.test', 'u@b-ms.test');
    await waitFor(async () => (await row(link.linkId)).status === 'active', 20_000, 'synced');
    const body = { action: 'delete', sourceEmail: 'leaving@b.test', sourceType: 'google', destinationEmail: 'u@b-ms.test', destinationType: 'ms' };
    expect(await app.get(LinksService).handle(tenantB, body)).toEqual({ message: 'added to queue', linkId: link.linkId });
    await waitFor(async () => (await row(link.linkId)) === undefined, 20_000, 'link removed');
    expect(engine.removals).toEqual([
      expect.objectContaining({ tenantId: tenantB, linkId: link.linkId, destination: expect.objectContaining({ provider: 'microsoft', calendarId: 'primary:u@b-ms.test' }) }),
    ]);
  });
});

describe('a delete queued while a sync waits', () => {
  let database: TestDatabase;
  let app: INestApplication;
  const engine = new RecordingEngine('solo');

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startQueueApp(queueEnv(database, { LINKS_QUEUE_CONCURRENCY: '0' }), database, engine);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('skips the sync (no engine call, status stays deleting) and the delete job removes the link', async () => {
    const tenantId = await seedTenant(app, 'A', { google: 'a.test', ms: 'a-ms.test' });
    const { linkId } = await app.get(LinksService).handle(tenantId, addBody('s@a.test', 'd@a-ms.test'));
    await app.get(LinksService).handle(tenantId, { action: 'delete', sourceEmail: 's@a.test', sourceType: 'google', destinationEmail: 'd@a-ms.test', destinationType: 'ms' });
    const runner = app.get(LinkJobRunner);
    expect(await runner.sync({ tenantId, linkId })).toBe('skipped');
    expect(engine.records).toEqual([]);
    expect(await sql(database.url, 'SELECT status FROM links WHERE id = $1', [linkId])).toEqual([{ status: 'deleting' }]);
    expect(await runner.remove({ tenantId, linkId })).toBe('succeeded');
    expect(await sql(database.url, 'SELECT id FROM links WHERE id = $1', [linkId])).toEqual([]);
    // Never synced: no calendar known, so there were no copies to remove.
    expect(engine.removals).toEqual([]);
  });
});
