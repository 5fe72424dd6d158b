import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { LinkEventMappingEntity } from '../entities/link-event-mapping.entity';

export interface MappingIntent {
  sourceEventId: string;
  contentHash: string;
  seriesSourceId: string | null;
}

export interface MappingCompletion {
  sourceEventId: string;
  copyEventId: string;
  contentHash: string;
}

/**
 * The sync engine's idempotency records (one row per source event and its copy). Every method
 * is scoped by tenant and link first. A row with `copyEventId` null is an intent: the create
 * may or may not have reached the provider, and is re-issued with the same key.
 */
@Injectable()
export class LinkEventMappingsRepository {
  constructor(@InjectRepository(LinkEventMappingEntity) private readonly mappings: Repository<LinkEventMappingEntity>) {}

  listForLink(tenantId: string, linkId: string): Promise<LinkEventMappingEntity[]> {
    return this.mappings.find({ where: { tenantId, linkId }, order: { sourceEventId: 'ASC' } });
  }

  /** Records creates about to be issued; rows that already exist (pending or done) are left as they are. */
  async recordIntents(tenantId: string, linkId: string, intents: MappingIntent[]): Promise<void> {
    if (intents.length === 0) return;
    await this.mappings
      .createQueryBuilder()
      .insert()
      .values(intents.map((intent) => ({ tenantId, linkId, copyEventId: null, ...intent })))
      .orIgnore()
      .execute();
  }

  /** The copy exists with this content: store its id and hash. */
  async complete(tenantId: string, linkId: string, sourceEventId: string, copyEventId: string, contentHash: string): Promise<void> {
    await this.mappings.update({ tenantId, linkId, sourceEventId }, { copyEventId, contentHash });
  }

  /**
   * Many completions in one statement (a chunk of writes): one round trip instead of one UPDATE
   * per row, which was most of the database time of a large first sync.
   */
  async completeMany(tenantId: string, linkId: string, completions: MappingCompletion[]): Promise<void> {
    if (completions.length === 0) return;
    await this.mappings.query(
      `UPDATE link_event_mappings AS m
          SET copy_event_id = v.copy_event_id, content_hash = v.content_hash, updated_at = now()
         FROM unnest($3::text[], $4::text[], $5::text[]) AS v(source_event_id, copy_event_id, content_hash)
        WHERE m.tenant_id = $1 AND m.link_id = $2 AND m.source_event_id = v.source_event_id`,
      [tenantId, linkId, completions.map((c) => c.sourceEventId), completions.map((c) => c.copyEventId), completions.map((c) => c.contentHash)],
    );
  }

  /** The copy is gone at the provider (deleted by hand): the next write re-creates it by key. */
  async markPending(tenantId: string, linkId: string, sourceEventId: string): Promise<void> {
    await this.mappings.update({ tenantId, linkId, sourceEventId }, { copyEventId: null });
  }

  async remove(tenantId: string, linkId: string, sourceEventIds: string[]): Promise<number> {
    if (sourceEventIds.length === 0) return 0;
    const result = await this.mappings.delete({ tenantId, linkId, sourceEventId: In(sourceEventIds) });
    return result.affected ?? 0;
  }

  /** The rows of a series' occurrences, which go with the series. */
  async removeOccurrencesOf(tenantId: string, linkId: string, seriesSourceIds: string[]): Promise<number> {
    if (seriesSourceIds.length === 0) return 0;
    const result = await this.mappings.delete({ tenantId, linkId, seriesSourceId: In(seriesSourceIds) });
    return result.affected ?? 0;
  }
}
