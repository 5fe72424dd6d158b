import type { NormalizedEvent } from '../providers/calendar-provider';
import { buildCopy, copyDecision, CopyContext } from './copy-policy';
import { contentHash } from './content-hash';

/** What the source said: everything in the window (full scan) or what changed since the cursor. */
export interface SourceSnapshot {
  fullScan: boolean;
  changed: NormalizedEvent[];
  removed: string[];
  cursor: string;
}

/** The part of a mapping row the planner reads. */
export interface MappingState {
  sourceEventId: string;
  copyEventId: string | null;
  contentHash: string;
  seriesSourceId: string | null;
}

export interface PlannedCopy {
  sourceEventId: string;
  /** For an occurrence: the source series id (its copy's id is looked up at write time). */
  seriesSourceId: string | null;
  copy: NormalizedEvent;
  hash: string;
}

export type PlannedWrite =
  /** `intent`: 'new' records the row first; 'pending' re-issues a create whose row exists (hash: what it was meant to write). */
  | { kind: 'create'; item: PlannedCopy; intent: 'new' | 'pending'; pendingHash: string | null }
  | { kind: 'update'; item: PlannedCopy; copyEventId: string }
  | { kind: 'delete'; sourceEventId: string; seriesSourceId: string | null; copyEventId: string | null };

export interface SyncPlan {
  /** Series masters and single events: written first, so occurrences find their series copy. */
  seriesLevel: PlannedWrite[];
  /** Modified occurrences of series. */
  occurrenceLevel: PlannedWrite[];
  /** Source series whose copy goes away (with all its occurrences: their rows are dropped without writes). */
  seriesGone: string[];
  unchanged: number;
  skipped: number;
}

/**
 * Decides, from the source snapshot and the mapping rows alone, which copies to create, update
 * or delete. Pure: the same snapshot and rows always give the same plan.
 */
export function planSync(snapshot: SourceSnapshot, rows: MappingState[], context: CopyContext): SyncPlan {
  const byId = new Map(rows.map((row) => [row.sourceEventId, row]));
  const seen = new Set<string>();
  const writes: PlannedWrite[] = [];
  const seriesGone = new Set<string>();
  let unchanged = 0;
  let skipped = 0;

  const planDelete = (row: MappingState): void => {
    writes.push({ kind: 'delete', sourceEventId: row.sourceEventId, seriesSourceId: row.seriesSourceId, copyEventId: row.copyEventId });
    if (row.seriesSourceId === null) seriesGone.add(row.sourceEventId);
  };

  for (const [id, event] of latestById(snapshot.changed)) {
    seen.add(id);
    const existing = byId.get(id);
    const decision = copyDecision(event, context.policy);
    if (decision !== 'copy') {
      if (decision !== 'cancelled') skipped++;
      if (event.recurrence) seriesGone.add(id);
      if (existing && decision !== 'is-a-copy') planDelete(existing);
      continue;
    }
    const copy = buildCopy(event, context);
    const item: PlannedCopy = { sourceEventId: id, seriesSourceId: event.occurrenceOf?.seriesId ?? null, copy, hash: contentHash(copy) };
    if (!existing) writes.push({ kind: 'create', item, intent: 'new', pendingHash: null });
    else if (existing.copyEventId === null) writes.push({ kind: 'create', item, intent: 'pending', pendingHash: existing.contentHash });
    else if (existing.contentHash === item.hash) unchanged++;
    else writes.push({ kind: 'update', item, copyEventId: existing.copyEventId });
  }

  for (const id of snapshot.removed) {
    const existing = byId.get(id);
    if (existing && !seen.has(id)) planDelete(existing);
    seen.add(id);
  }
  if (snapshot.fullScan) {
    for (const row of rows) if (!seen.has(row.sourceEventId)) planDelete(row);
  }

  // An occurrence of a series that goes away needs no write of its own: the series copy takes it along.
  const keep = (write: PlannedWrite): boolean => {
    const series = write.kind === 'delete' ? write.seriesSourceId : write.item.seriesSourceId;
    return series === null || !seriesGone.has(series);
  };
  const isOccurrence = (write: PlannedWrite): boolean => (write.kind === 'delete' ? write.seriesSourceId : write.item.seriesSourceId) !== null;
  const kept = writes.filter(keep);
  skipped += writes.filter((write) => write.kind !== 'delete' && !keep(write)).length;
  return {
    seriesLevel: kept.filter((write) => !isOccurrence(write)),
    occurrenceLevel: kept.filter(isOccurrence),
    seriesGone: [...seriesGone],
    unchanged,
    skipped,
  };
}

/** One event per id; when a listing repeats an id (Graph delta replays items), the later one wins. */
function latestById(events: NormalizedEvent[]): Map<string, NormalizedEvent> {
  const byId = new Map<string, NormalizedEvent>();
  for (const event of events) if (event.id) byId.set(event.id, event);
  return byId;
}
