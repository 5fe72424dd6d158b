import { Inject, Injectable } from '@nestjs/common';
import { LinkEventMappingsRepository } from '../database/repositories/link-event-mappings.repository';
import { CALENDAR_PROVIDERS, CalendarProviderLookup } from './calendar-providers';
import { CopyWriter } from './copy-writer';
import type { LinkRemovalRequest, LinkSyncRequest, LinkSyncResult } from './link-sync.types';
import { readSource } from './source-reader';
import { MappingState, planSync, PlannedWrite } from './sync-plan';

/**
 * The one-way sync engine (SPEC 5), shared by Links and Connections: lists the source (in full
 * or from the cursor), plans copies against the mapping table, writes series before their
 * occurrences, and returns the new cursor and the counts. It throws only ProviderErrors that
 * concern the whole link (AUTH_REVOKED, MAILBOX_NOT_FOUND, PERMISSION_DENIED, QUOTA, or a failed
 * listing); per-event failures are counted and keep the cursor where it was.
 */
@Injectable()
export class SyncEngine {
  constructor(
    private readonly mappings: LinkEventMappingsRepository,
    @Inject(CALENDAR_PROVIDERS) private readonly providers: CalendarProviderLookup,
  ) {}

  async syncLink(request: LinkSyncRequest): Promise<LinkSyncResult> {
    const { tenantId, linkId } = request;
    const snapshot = await readSource(this.providers(request.source.provider), request);
    const rows = await this.mappings.listForLink(tenantId, linkId);
    const plan = planSync(snapshot, rows, { linkId, policy: request.policy, tag: request.tag, sourceTimeZone: request.source.timeZone });

    const writer = new CopyWriter(this.mappings, this.providers(request.destination.provider), request.destination, { tenantId, linkId }, seriesCopies(rows));
    await writer.write(plan.seriesLevel);
    if (plan.seriesGone.length > 0) await this.mappings.removeOccurrencesOf(tenantId, linkId, plan.seriesGone);
    await writer.write(plan.occurrenceLevel);

    const { created, updated, deleted, failed, retryLater } = writer.counts;
    return {
      // Not past changes that failed: the next sync lists them again (idempotent), or scans in full.
      cursor: retryLater ? request.cursor : snapshot.cursor,
      fullScan: snapshot.fullScan,
      created,
      updated,
      deleted,
      unchanged: plan.unchanged,
      skipped: plan.skipped,
      failed,
    };
  }

  /** Deletes every copy this link made (and only those, from its mapping rows), then the rows. */
  async removeCopies(request: LinkRemovalRequest): Promise<{ deleted: number }> {
    const { tenantId, linkId } = request;
    const rows = await this.mappings.listForLink(tenantId, linkId);
    const seriesRows = new Set(rows.filter((row) => row.seriesSourceId === null).map((row) => row.sourceEventId));
    // Occurrence copies live inside their series copy and go with it.
    const deletions: PlannedWrite[] = rows
      .filter((row) => row.seriesSourceId === null || !seriesRows.has(row.seriesSourceId))
      .map((row) => ({ kind: 'delete', sourceEventId: row.sourceEventId, seriesSourceId: row.seriesSourceId, copyEventId: row.copyEventId }));
    const writer = new CopyWriter(this.mappings, this.providers(request.destination.provider), request.destination, { tenantId, linkId }, new Map());
    await writer.write(deletions);
    if (writer.counts.failed > 0) {
      throw new RemovalIncompleteError(linkId, writer.counts.failed);
    }
    await this.mappings.removeOccurrencesOf(tenantId, linkId, [...seriesRows]);
    return { deleted: writer.counts.deleted };
  }
}

/** Some copies could not be deleted (yet): the rows of those remain, so a retry deletes exactly them. */
export class RemovalIncompleteError extends Error {
  constructor(
    readonly linkId: string,
    readonly failed: number,
  ) {
    super(`${failed} copies of link ${linkId} could not be deleted; retry`);
    this.name = 'RemovalIncompleteError';
  }
}

function seriesCopies(rows: MappingState[]): Map<string, string> {
  return new Map(rows.flatMap((row) => (row.seriesSourceId === null && row.copyEventId !== null ? [[row.sourceEventId, row.copyEventId] as const] : [])));
}
