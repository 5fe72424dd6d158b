import type { CalendarProvider, NormalizedEvent, WriteOperation, WriteResult } from '../providers/calendar-provider';
import { ProviderError, ProviderErrorKind } from '../providers/provider-errors';
import type { LinkEventMappingsRepository, MappingCompletion } from '../database/repositories/link-event-mappings.repository';
import type { LinkEndpoint } from './link-sync.types';
import type { PlannedWrite } from './sync-plan';

/**
 * Operations handed to the driver at once; drivers batch (Google 50, Graph 20) and pace inside.
 * A multiple of both batch sizes, so that no chunk ends in a part-filled batch (with 50, Graph
 * sent 20 + 20 + 10: 660 $batch requests for 10,500 writes instead of 525; bench links-initial-sync).
 */
export const WRITE_CHUNK_SIZE = 100;

/** Failures that concern the whole link, not one event: the sync stops and the link is marked failed. */
const WHOLE_LINK_FAILURES: readonly ProviderErrorKind[] = ['AUTH_REVOKED', 'MAILBOX_NOT_FOUND', 'PERMISSION_DENIED', 'QUOTA'];

export interface WriteCounts {
  created: number;
  updated: number;
  deleted: number;
  failed: number;
  /** Some failure can succeed later: the cursor must not move past these changes. */
  retryLater: boolean;
}

/** The deterministic create key: a create retried after a crash finds the copy the driver already made. */
export function createKey(linkId: string, sourceEventId: string): string {
  return `${linkId}:${sourceEventId}`;
}

/** Mapping-row changes of one chunk, stored together after its writes. */
interface RowChanges {
  completions: MappingCompletion[];
  removed: string[];
  seriesRemoved: string[];
}

interface Scope {
  tenantId: string;
  linkId: string;
}

/**
 * Carries out planned writes against the destination, in chunks, keeping the mapping rows
 * crash-safe: a create's row is recorded (copy id null) before the write and completed after
 * it; an update's hash is stored after it; a delete's row goes after it. Killed at any point, a
 * re-run re-issues the same keyed creates and idempotent updates and deletes.
 */
export class CopyWriter {
  readonly counts: WriteCounts = { created: 0, updated: 0, deleted: 0, failed: 0, retryLater: false };

  constructor(
    private readonly mappings: LinkEventMappingsRepository,
    private readonly provider: CalendarProvider,
    private readonly destination: LinkEndpoint,
    private readonly scope: Scope,
    /** Source series id → its copy's id at the destination (filled as series copies are created). */
    readonly seriesCopyIds: Map<string, string>,
  ) {}

  async write(writes: PlannedWrite[]): Promise<void> {
    const followUps: PlannedWrite[] = [];
    for (let start = 0; start < writes.length; start += WRITE_CHUNK_SIZE) {
      followUps.push(...(await this.writeChunk(writes.slice(start, start + WRITE_CHUNK_SIZE))));
    }
    if (followUps.length > 0) await this.write(followUps);
  }

  private async writeChunk(chunk: PlannedWrite[]): Promise<PlannedWrite[]> {
    const { tenantId, linkId } = this.scope;
    const ready: { write: PlannedWrite; operation: WriteOperation }[] = [];
    for (const write of chunk) {
      if (write.kind === 'delete' && write.copyEventId === null && write.seriesSourceId !== null) {
        // A pending occurrence lives inside its series copy, which has no keyed create to find it by.
        await this.mappings.remove(tenantId, linkId, [write.sourceEventId]);
        continue;
      }
      const operation = this.toOperation(write);
      if (operation) ready.push({ write, operation });
      else this.fail(false); // an occurrence whose series has no copy: nothing to attach it to
    }
    const intents = ready.flatMap(({ write }) => (write.kind === 'create' && write.intent === 'new' ? [write.item] : []));
    await this.mappings.recordIntents(
      tenantId,
      linkId,
      intents.map((item) => ({ sourceEventId: item.sourceEventId, contentHash: item.hash, seriesSourceId: item.seriesSourceId })),
    );
    if (ready.length === 0) return [];
    const results = await this.provider.writeEvents(this.destination.access, this.destination.calendarId, ready.map((entry) => entry.operation));

    let wholeLinkFailure: ProviderError | null = null;
    // The rows of one chunk are independent of each other: their changes are collected and
    // stored in one statement each (a round trip per row was most of a large sync's database time).
    const rows: RowChanges = { completions: [], removed: [], seriesRemoved: [] };
    const followUps = await Promise.all(
      ready.map(async ({ write }, index) => {
        const result = results[index];
        if (!result) {
          this.fail(true);
          return null;
        }
        if (!result.ok && WHOLE_LINK_FAILURES.includes(result.error.kind)) wholeLinkFailure ??= result.error;
        return this.apply(write, result, rows);
      }),
    );
    await this.mappings.completeMany(tenantId, linkId, rows.completions);
    await this.mappings.remove(tenantId, linkId, rows.removed);
    await this.mappings.removeOccurrencesOf(tenantId, linkId, rows.seriesRemoved);
    if (wholeLinkFailure) throw wholeLinkFailure;
    return followUps.filter((followUp): followUp is PlannedWrite => followUp !== null);
  }

  private toOperation(write: PlannedWrite): WriteOperation | null {
    if (write.kind === 'delete') {
      // A create that may have happened before a crash: the keyed create finds it (or makes a stand-in), then it is deleted.
      if (write.copyEventId === null) return { op: 'create', key: createKey(this.scope.linkId, write.sourceEventId), event: placeholderCopy(this.scope.linkId, write.sourceEventId) };
      return { op: 'delete', id: write.copyEventId };
    }
    const event = this.withSeriesCopy(write.item.copy);
    if (!event) return null;
    if (write.kind === 'update') return { op: 'update', id: write.copyEventId, event };
    return { op: 'create', key: createKey(this.scope.linkId, write.item.sourceEventId), event };
  }

  /** An occurrence's copy points at the destination copy of its series. */
  private withSeriesCopy(copy: NormalizedEvent): NormalizedEvent | null {
    if (!copy.occurrenceOf) return copy;
    const seriesId = this.seriesCopyIds.get(copy.occurrenceOf.seriesId);
    return seriesId ? { ...copy, occurrenceOf: { ...copy.occurrenceOf, seriesId } } : null;
  }

  /** Counts the result and notes the mapping rows it changes (stored for the whole chunk at once, after its writes). */
  private async apply(write: PlannedWrite, result: WriteResult, rows: RowChanges): Promise<PlannedWrite | null> {
    const { tenantId, linkId } = this.scope;
    if (write.kind === 'delete' && write.copyEventId === null) {
      if (!result.ok) this.fail(result.error.kind !== 'INVALID_REQUEST');
      return result.ok ? { ...write, copyEventId: result.id } : null;
    }
    if (write.kind === 'delete') {
      if (result.ok || result.error.kind === 'NOT_FOUND') {
        rows.removed.push(write.sourceEventId);
        if (write.seriesSourceId === null) rows.seriesRemoved.push(write.sourceEventId);
        this.counts.deleted++;
      } else this.fail(result.error.kind !== 'INVALID_REQUEST');
      return null;
    }
    const { item } = write;
    if (!result.ok) {
      // A copy removed at the destination by hand: forget its id, the retry re-creates it by key.
      if (write.kind === 'update' && result.error.kind === 'NOT_FOUND') await this.mappings.markPending(tenantId, linkId, item.sourceEventId);
      this.fail(result.error.kind !== 'INVALID_REQUEST');
      return null;
    }
    if (item.seriesSourceId === null) this.seriesCopyIds.set(item.sourceEventId, result.id);
    if (write.kind === 'update') {
      rows.completions.push({ sourceEventId: item.sourceEventId, copyEventId: result.id, contentHash: item.hash });
      this.counts.updated++;
      return null;
    }
    this.counts.created++;
    if (write.intent === 'pending' && write.pendingHash !== item.hash) {
      // The interrupted create may have written older content, which a keyed retry does not replace.
      rows.completions.push({ sourceEventId: item.sourceEventId, copyEventId: result.id, contentHash: write.pendingHash ?? item.hash });
      return { kind: 'update', item, copyEventId: result.id };
    }
    rows.completions.push({ sourceEventId: item.sourceEventId, copyEventId: result.id, contentHash: item.hash });
    return null;
  }

  private fail(retryable: boolean): void {
    this.counts.failed++;
    if (retryable) this.counts.retryLater = true;
  }
}

/** What a keyed create writes when only the copy's id is wanted (to delete it): a short, marked, busy block. */
export function placeholderCopy(linkId: string, sourceEventId: string): NormalizedEvent {
  return {
    title: 'Busy',
    description: null,
    location: null,
    start: { allDay: true, date: '2000-01-01' },
    end: { allDay: true, date: '2000-01-02' },
    recurrence: null,
    occurrenceOf: null,
    transparency: 'busy',
    visibility: 'private',
    status: 'confirmed',
    organizer: null,
    attendees: [],
    selfResponse: null,
    onlineMeetingUrl: null,
    copyMarker: { linkId, sourceEventId },
  };
}
