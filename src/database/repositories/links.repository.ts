import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { LinkEntity, LinkStatus } from '../entities/link.entity';

export type NewLink = Pick<
  LinkEntity,
  'sourceEmail' | 'sourceType' | 'sourceTz' | 'destinationEmail' | 'destinationType' | 'destinationTz' | 'policy' | 'tag'
>;

/** What a finished sync writes back onto its link. */
export interface SyncOutcome {
  /** Null: the next sync scans in full (the engine held no cursor and some writes failed). */
  cursor: string | null;
  sourceCalendarId: string;
  destinationCalendarId: string;
  created: number;
  updated: number;
  deleted: number;
  /** Events that could not be written this time; they are retried by the next sync. */
  failed: number;
  at: Date;
}

/** The links table; every method takes the tenant first (SPEC 1), except the cron's cluster-wide claim. */
@Injectable()
export class LinksRepository {
  constructor(@InjectRepository(LinkEntity) private readonly links: Repository<LinkEntity>) {}

  /** Inserts a queued link; the unique index (tenant, source, destination) decides duplicates. */
  create(tenantId: string, input: NewLink): Promise<LinkEntity> {
    return this.links.save(this.links.create({ tenantId, ...input, status: 'queued' }));
  }

  findById(tenantId: string, id: string): Promise<LinkEntity | null> {
    return this.links.findOneBy({ tenantId, id });
  }

  findByPair(tenantId: string, sourceEmail: string, destinationEmail: string): Promise<LinkEntity | null> {
    return this.links.findOneBy({ tenantId, sourceEmail, destinationEmail });
  }

  list(tenantId: string): Promise<LinkEntity[]> {
    return this.links.find({ where: { tenantId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Once `deleting`, a link only leaves that state by being deleted. */
  async setStatus(tenantId: string, id: string, status: LinkStatus): Promise<void> {
    const query = this.links.createQueryBuilder().update(LinkEntity).set({ status }).where('tenant_id = :tenantId AND id = :id', { tenantId, id });
    if (status !== 'deleting') query.andWhere('status <> :deleting', { deleting: 'deleting' });
    await query.execute();
  }

  /** Marks a sync as running unless the link is being deleted meanwhile; false then. */
  async markSyncing(tenantId: string, id: string): Promise<boolean> {
    const result = await this.links
      .createQueryBuilder()
      .update(LinkEntity)
      .set({ status: 'syncing' })
      .where('tenant_id = :tenantId AND id = :id AND status <> :deleting', { tenantId, id, deleting: 'deleting' })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Forgets the cursor so that the next sync is a full scan. */
  async requestFullScan(tenantId: string, id: string): Promise<void> {
    await this.links.update({ tenantId, id }, { syncCursor: null });
  }

  async recordCalendars(tenantId: string, id: string, sourceCalendarId: string, destinationCalendarId: string): Promise<void> {
    await this.links.update({ tenantId, id }, { sourceCalendarId, destinationCalendarId });
  }

  /** A successful sync: new cursor, counts added up, failures forgotten. Never revives a link being deleted. */
  async recordSuccess(tenantId: string, id: string, outcome: SyncOutcome): Promise<void> {
    await this.links
      .createQueryBuilder()
      .update(LinkEntity)
      .set({
        status: 'active',
        syncCursor: outcome.cursor,
        sourceCalendarId: outcome.sourceCalendarId,
        destinationCalendarId: outcome.destinationCalendarId,
        lastSyncAt: outcome.at,
        lastError: outcome.failed > 0 ? `${outcome.failed} event(s) could not be written; the next sync retries them` : null,
        failureCount: 0,
        nextAttemptAt: null,
        eventsCreated: () => `events_created + ${Math.trunc(outcome.created)}`,
        eventsUpdated: () => `events_updated + ${Math.trunc(outcome.updated)}`,
        eventsDeleted: () => `events_deleted + ${Math.trunc(outcome.deleted)}`,
      })
      .where('tenant_id = :tenantId AND id = :id AND status <> :deleting', { tenantId, id, deleting: 'deleting' })
      .execute();
  }

  /** A failure that waiting will not fix: `failed`, the readable reason, and when to try again. */
  async recordFailure(tenantId: string, id: string, lastError: string, nextAttemptAt: (failureCount: number) => Date): Promise<void> {
    const link = await this.findById(tenantId, id);
    if (!link || link.status === 'deleting') return;
    const failureCount = link.failureCount + 1;
    await this.links.update(
      { tenantId, id },
      { status: 'failed', lastError, failureCount, nextAttemptAt: nextAttemptAt(failureCount) },
    );
  }

  /** A transient failure: stays in its state, the reason is shown until the retry succeeds. */
  async recordTransientError(tenantId: string, id: string, lastError: string): Promise<void> {
    await this.links.update({ tenantId, id }, { lastError });
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.links.delete({ tenantId, id });
  }

  /**
   * The stale-sync cron's claim, across all tenants: active links last synced before
   * `staleBefore` (served by the partial index IDX_links_stale), then failed links whose back-off
   * has passed. A claim pushes next_attempt_at to `claimUntil` in the same statement, under
   * FOR UPDATE SKIP LOCKED: two replicas sweeping at once never claim the same link.
   */
  async claimDue(now: Date, staleBefore: Date, claimUntil: Date, limit: number): Promise<Array<{ id: string; tenantId: string }>> {
    const stale = await this.claim(
      `status = 'active' AND last_sync_at < $4 AND (next_attempt_at IS NULL OR next_attempt_at <= $3) ORDER BY last_sync_at`,
      [claimUntil, limit, now, staleBefore],
    );
    const retry = await this.claim(`status = 'failed' AND next_attempt_at <= $3 ORDER BY next_attempt_at`, [claimUntil, limit, now]);
    return [...stale, ...retry];
  }

  private async claim(where: string, parameters: unknown[]): Promise<Array<{ id: string; tenantId: string }>> {
    const result: unknown = await this.links.query(
      // `= ANY(ARRAY(…))` rather than `IN (…)`: the claimed ids are then fetched by primary key,
      // where `IN` lets the planner hash-join against a scan of the whole table.
      `UPDATE links SET next_attempt_at = $1
         WHERE id = ANY(ARRAY(SELECT id FROM links WHERE ${where} LIMIT $2 FOR UPDATE SKIP LOCKED))
       RETURNING id, tenant_id`,
      parameters,
    );
    // The postgres driver answers an UPDATE … RETURNING with [rows, affected].
    const rows = (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as Array<{ id: string; tenant_id: string }>;
    return rows.map((row) => ({ id: row.id, tenantId: row.tenant_id }));
  }
}
