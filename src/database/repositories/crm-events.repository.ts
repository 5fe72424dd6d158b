import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Repository } from 'typeorm';
import { CrmEventEntity } from '../entities/crm-event.entity';

/** The CRM-editable fields of an event, with the derived instants. */
export interface CrmEventFields {
  title: string;
  description: string | null;
  location: string | null;
  start: string;
  end: string;
  startAt: Date;
  endAt: Date;
  timeZone: string;
  allDay: boolean;
  recurrence: string[];
}

export interface CrmEventPage {
  events: CrmEventEntity[];
  /** Keyset position after the last event of the page; null on the last page. */
  next: { startAt: Date; id: string } | null;
}

/** The CRM event store (seed 001); every method takes the tenant and the user first. */
@Injectable()
export class CrmEventsRepository {
  constructor(@InjectRepository(CrmEventEntity) private readonly events: Repository<CrmEventEntity>) {}

  /**
   * Live events (no tombstones) overlapping [from, to), ordered by start then id, `limit` per
   * page after the keyset position `after`. A series counts by its first occurrence's start and
   * its rule's end is not known here, so a series is listed when it starts before `to`.
   */
  async page(tenantId: string, userId: number, query: { from?: Date; to?: Date; limit: number; after?: { startAt: Date; id: string } }): Promise<CrmEventPage> {
    const builder = this.events
      .createQueryBuilder('e')
      .where('e.tenant_id = :tenantId AND e.user_id = :userId AND e.deleted_at IS NULL', { tenantId, userId })
      .orderBy('e.start_at', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .take(query.limit + 1);
    if (query.from) builder.andWhere("(e.end_at > :from OR e.recurrence <> '[]'::jsonb)", { from: query.from });
    if (query.to) builder.andWhere('e.start_at < :to', { to: query.to });
    if (query.after) builder.andWhere('(e.start_at, e.id) > (:afterAt, :afterId)', { afterAt: query.after.startAt, afterId: query.after.id });
    const rows = await builder.getMany();
    const events = rows.slice(0, query.limit);
    const last = events[events.length - 1];
    return { events, next: rows.length > query.limit && last ? { startAt: last.startAt, id: last.id } : null };
  }

  /** The live exception of the user's series `seriesId` for the occurrence at `originalStart`, if any. */
  findException(tenantId: string, userId: number, seriesId: string, originalStart: string): Promise<CrmEventEntity | null> {
    return this.events.findOneBy({ tenantId, userId, seriesId, originalStart, deletedAt: IsNull() });
  }

  /** A live event of the user; null for another user's, a tombstone, or none. */
  findLive(tenantId: string, userId: number, id: string): Promise<CrmEventEntity | null> {
    return this.events.findOneBy({ tenantId, userId, id, deletedAt: IsNull() });
  }

  /** A CRM-made event; with `exception`, a modified occurrence of that series (the caller checked it is the user's). */
  async create(tenantId: string, userId: number, fields: CrmEventFields, now: Date, exception: { seriesId: string; originalStart: string } | null = null): Promise<CrmEventEntity> {
    return this.events.save(
      this.events.create({
        tenantId,
        userId,
        ...fields,
        seriesId: exception?.seriesId ?? null,
        originalStart: exception?.originalStart ?? null,
        origin: 'crm',
        connectionId: null,
        delegationCredentialId: null,
        mailbox: null,
        calendarId: null,
        providerEventId: null,
        syncedHash: null,
        providerHash: null,
        providerEtag: null,
        providerUpdatedAt: null,
        updatedAt: now,
        deletedAt: null,
      }),
    );
  }

  async updateFields(tenantId: string, userId: number, id: string, fields: CrmEventFields, now: Date): Promise<void> {
    await this.events.update({ tenantId, userId, id, deletedAt: IsNull() }, { ...fields, updatedAt: now });
  }

  /**
   * A CRM deletion: an event never written to a provider goes at once; a bound one (or one whose
   * create may be in flight) stays as a tombstone until the next sync deleted it at the provider.
   */
  async deleteFromCrm(tenantId: string, userId: number, id: string, now: Date): Promise<boolean> {
    const row = await this.findLive(tenantId, userId, id);
    if (!row) return false;
    // A series' exceptions go with it (the provider deletes a series' occurrences with the series).
    await this.events.delete({ tenantId, userId, seriesId: id });
    const bound = row.connectionId !== null || row.delegationCredentialId !== null;
    if (bound) await this.events.update({ tenantId, userId, id }, { deletedAt: now, updatedAt: now });
    else await this.events.delete({ tenantId, userId, id });
    return true;
  }

  /** Everything a sync of the user looks at: live events and tombstones. */
  listForUser(tenantId: string, userId: number): Promise<CrmEventEntity[]> {
    return this.events.find({ where: { tenantId, userId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Inserts or updates rows as the sync computed them (scoped: the rows must be this user's). */
  async saveAll(tenantId: string, userId: number, rows: CrmEventEntity[]): Promise<void> {
    if (rows.some((row) => row.tenantId !== tenantId || row.userId !== userId)) throw new Error('CrmEventsRepository.saveAll: a row of another user');
    if (rows.length > 0) await this.events.save(rows, { chunk: 200 });
  }

  /** Hard-deletes rows (imported events deleted at the provider, tombstones whose deletion was pushed). */
  async removeAll(tenantId: string, userId: number, ids: string[]): Promise<void> {
    for (let index = 0; index < ids.length; index += 500) {
      await this.events.delete({ tenantId, userId, id: In(ids.slice(index, index + 500)) });
    }
  }

  /**
   * Disconnect (forgetConnection): the events imported from the connection go, and so do
   * tombstones bound to it; CRM-made events it held stay, unbound, so the next sync of another
   * connection (or the destination calendar) can push them again. Returns how many rows went.
   */
  async deleteImported(tenantId: string, userId: number, connectionId: number): Promise<number> {
    const removed = await this.events
      .createQueryBuilder()
      .delete()
      .where('tenant_id = :tenantId AND user_id = :userId AND connection_id = :connectionId', { tenantId, userId, connectionId })
      .andWhere("(origin = 'provider' OR deleted_at IS NOT NULL)")
      .execute();
    await this.events.update(
      { tenantId, userId, connectionId },
      { connectionId: null, calendarId: null, providerEventId: null, syncedHash: null, providerHash: null, providerEtag: null, providerUpdatedAt: null },
    );
    return removed.affected ?? 0;
  }
}
