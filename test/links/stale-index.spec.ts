import { randomUUID } from 'node:crypto';
import { createTestDatabase, TestDatabase } from '../support/database';
import { sql } from './sql';

/**
 * The stale-sync selection stays cheap at 100,000 links: the plan of the cron's claim (the same
 * statement LinksRepository.claimDue runs) reads the partial index IDX_links_stale, not the table.
 */
describe('stale-sync selection at 100,000 links', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    const tenantId = randomUUID();
    await sql(database.url, "INSERT INTO tenants (id, name) VALUES ($1, 'Big')", [tenantId]);
    // 100,000 links: 90% active and synced within the last 4 minutes, 5% stale, 5% failed.
    await sql(
      database.url,
      `INSERT INTO links (tenant_id, source_email, source_type, source_tz, destination_email, destination_type, destination_tz,
                          policy, status, last_sync_at, next_attempt_at)
       SELECT $1, 's' || i || '@a.test', 'google', 'UTC', 'd' || i || '@b.test', 'ms', 'UTC', 'subject',
              CASE WHEN i % 20 = 0 THEN 'failed' ELSE 'active' END,
              CASE WHEN i % 20 = 1 THEN now() - interval '10 minutes' ELSE now() - (i % 240) * interval '1 second' END,
              CASE WHEN i % 20 = 0 THEN now() + interval '1 hour' END
         FROM generate_series(1, 100000) AS i`,
      [tenantId],
    );
    await sql(database.url, 'ANALYZE links');
  }, 60_000);
  afterAll(() => database.drop());

  it('EXPLAIN of the claim uses IDX_links_stale and reads only the stale rows', async () => {
    const plan = await sql<{ 'QUERY PLAN': string }>(
      database.url,
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT)
       UPDATE links SET next_attempt_at = now() + interval '5 minutes'
        WHERE id = ANY(ARRAY(SELECT id FROM links
                      WHERE status = 'active' AND last_sync_at < now() - interval '5 minutes'
                        AND (next_attempt_at IS NULL OR next_attempt_at <= now())
                      ORDER BY last_sync_at LIMIT 5000 FOR UPDATE SKIP LOCKED))`,
    );
    const text = plan.map((line) => line['QUERY PLAN']).join('\n');
    expect(text).toContain('Index Scan on "IDX_links_stale"');
    expect(text).not.toMatch(/Seq Scan on links/);
    const stale = await sql<{ n: number }>(database.url, "SELECT count(*)::int AS n FROM links WHERE next_attempt_at > now() + interval '4 minutes' AND status = 'active'");
    expect(stale).toEqual([{ n: 5000 }]);
  });
});
