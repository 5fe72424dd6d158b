import type { EventTime, NormalizedEvent, TimeWindow } from '../providers/calendar-provider';
import { syncHash } from './two-way-event';

/**
 * The two-way planner (Connections, SPEC 4.2): given what the provider says changed in one
 * calendar and the CRM store's rows, decides what is pulled into the store and what is pushed
 * to providers. Pure. Rules:
 * - a provider event unknown to the store is imported; a known one whose content changed since
 *   the last sync (its hash differs from the provider hash then; right after our own write, when
 *   that is not known yet: its etag is not our write's and its hash not what we wrote) updates
 *   the row; the echo of our own write teaches the row the provider's form (`learn`);
 * - a CRM row whose content hash differs from the last synced hash is pushed (update), an unbound
 *   CRM row is created at the provider, a CRM tombstone is deleted there;
 * - both changed since the last sync: the later modification wins (provider `updatedAt` against
 *   the row's CRM `updatedAt`; a provider without a time loses the tie);
 * - a provider deletion deletes the row, even one edited in the CRM since (the deletion is the
 *   newer fact the provider reports; no time comes with it);
 * - a full scan (first sync, forgotten cursor) treats bound rows in the window that the listing
 *   lacks as deleted at the provider;
 * - a modified occurrence of a series the store holds here becomes (or updates) an exception
 *   row of that series (its own times, `seriesRowId`); one of a series the store does not hold is
 *   skipped. A cancelled occurrence (Google lists it as its own item) becomes an EXDATE of its
 *   series' row, and its exception row, if any, goes;
 * - a provider event unknown by id but equal in content to a create of ours still pending here
 *   (written, then the sync died before storing the id) is that create: adopted, not imported.
 */

/** What the planner reads of a store row. */
export interface StoreRowState {
  id: string;
  /** Hash of the row's current CRM content (crmHash). */
  hash: string;
  /** Hash at the last sync; null: never synced. */
  syncedHash: string | null;
  /** Hash of the provider's version at the last sync; null after our own write until its echo is listed. */
  providerHash: string | null;
  /** Binding key (which calendar through which access), null when unbound. */
  target: string | null;
  providerEventId: string | null;
  providerEtag: string | null;
  /** Last CRM modification. */
  updatedAt: Date;
  /** A CRM deletion waiting to be pushed. */
  deleted: boolean;
  startAt: Date;
  endAt: Date;
  recurring: boolean;
  /** An exception row: the row of its series. */
  seriesRowId: string | null;
}

export interface ProviderSnapshot {
  fullScan: boolean;
  changed: NormalizedEvent[];
  removed: string[];
}

export interface TwoWayInput {
  /** The binding key of the calendar the snapshot is from. */
  here: string;
  snapshot: ProviderSnapshot;
  rows: StoreRowState[];
  window: TimeWindow;
  /** Whether this sync pushes the CRM changes of rows bound to `target` (its own calendar, the destination calendar). */
  pushes(target: string): boolean;
}

export interface TwoWayPlan {
  /**
   * Provider events new to the store; a modified occurrence with the row of its series, or, when
   * the series is new in this same listing, the series' provider id (`seriesEventId`).
   */
  pullCreate: { event: NormalizedEvent; seriesRowId: string | null; seriesEventId?: string }[];
  /** Pending creates found at the provider (interrupted syncs): the row takes the event's id. */
  adopt: { rowId: string; event: NormalizedEvent }[];
  /** Our own writes seen again: the provider's form of them, for the next comparisons. */
  learn: { rowId: string; hash: string; etag: string | null }[];
  /** Rows replaced by the provider's version (includes conflicts the provider won and CRM tombstones it revived). */
  pullUpdate: { rowId: string; event: NormalizedEvent }[];
  /** Cancelled occurrences reported apart from their series (Google): EXDATEs of the series' row. */
  exdates: { rowId: string; originalStart: EventTime }[];
  /** Rows deleted because the provider deleted their event. */
  pullDelete: string[];
  /** Rows that go without counting: CRM tombstones whose provider event is already gone. */
  drop: string[];
  /** Unbound CRM rows, or creates recorded but not confirmed: keyed creates. */
  pushCreate: string[];
  pushUpdate: string[];
  /** Tombstones to delete at the provider. */
  pushDelete: string[];
  /** Provider events our own last write explains, or equal in content. */
  unchanged: number;
  /** Modified occurrences and other events not kept as CRM events. */
  skipped: number;
  conflicts: { rowId: string; winner: 'provider' | 'crm' }[];
}

export function planTwoWay(input: TwoWayInput): TwoWayPlan {
  const plan: TwoWayPlan = { pullCreate: [], adopt: [], learn: [], pullUpdate: [], exdates: [], pullDelete: [], drop: [], pushCreate: [], pushUpdate: [], pushDelete: [], unchanged: 0, skipped: 0, conflicts: [] };
  const here = new Map<string, StoreRowState>();
  for (const row of input.rows) if (row.target === input.here && row.providerEventId !== null) here.set(row.providerEventId, row);
  const pending = new Map<string, StoreRowState>();
  for (const row of input.rows) if (row.target === input.here && row.providerEventId === null && !row.deleted && !pending.has(row.hash)) pending.set(row.hash, row);
  const touched = new Set<string>();
  const seen = new Set<string>();
  const removed = new Set(input.snapshot.removed);

  // Occurrences of a series the store does not hold yet: settled once this listing's new series are known.
  const newSeriesOccurrences: NormalizedEvent[] = [];
  for (const event of input.snapshot.changed) {
    if (!event.id) continue;
    seen.add(event.id);
    if (event.status === 'cancelled') {
      const series = event.occurrenceOf ? here.get(event.occurrenceOf.seriesId) : undefined;
      if (event.occurrenceOf && series && !series.deleted) plan.exdates.push({ rowId: series.id, originalStart: event.occurrenceOf.originalStart });
      else if (event.occurrenceOf && !series && !here.has(event.id)) newSeriesOccurrences.push(event);
      else if (event.occurrenceOf && !here.has(event.id)) plan.skipped++;
      // A single event cancelled, or a modified occurrence cancelled: its row goes.
      if (!event.occurrenceOf || here.has(event.id)) removed.add(event.id);
      continue;
    }
    const row = here.get(event.id);
    const series = event.occurrenceOf ? here.get(event.occurrenceOf.seriesId) : undefined;
    if (!row && event.occurrenceOf && !series) {
      newSeriesOccurrences.push(event);
      continue;
    }
    if (!row && event.occurrenceOf && (!series || series.deleted || !series.recurring || series.seriesRowId !== null)) {
      plan.skipped++;
      continue;
    }
    if (!row) {
      const ours = pending.get(syncHash(event));
      if (ours && !touched.has(ours.id) && ours.seriesRowId === (series?.id ?? null)) {
        touched.add(ours.id);
        plan.adopt.push({ rowId: ours.id, event });
      } else plan.pullCreate.push({ event, seriesRowId: series?.id ?? null });
      continue;
    }
    touched.add(row.id);
    const hash = syncHash(event);
    const providerChanged = row.providerHash !== null ? hash !== row.providerHash : hash !== row.syncedHash && !(event.etag !== undefined && event.etag === row.providerEtag);
    const crmChanged = row.deleted || row.hash !== row.syncedHash;
    if (!providerChanged) {
      plan.unchanged++;
      if (row.providerHash !== hash) plan.learn.push({ rowId: row.id, hash, etag: event.etag ?? null });
      if (crmChanged) pushChange(plan, row);
      continue;
    }
    if (!crmChanged) {
      plan.pullUpdate.push({ rowId: row.id, event });
      continue;
    }
    const providerTime = event.updatedAt ? Date.parse(event.updatedAt) : Number.NaN;
    const providerWins = Number.isFinite(providerTime) && providerTime > row.updatedAt.getTime();
    plan.conflicts.push({ rowId: row.id, winner: providerWins ? 'provider' : 'crm' });
    if (providerWins) plan.pullUpdate.push({ rowId: row.id, event });
    else pushChange(plan, row);
  }

  settleNewSeriesOccurrences(plan, newSeriesOccurrences);

  if (input.snapshot.fullScan) {
    const start = Date.parse(input.window.start);
    const end = Date.parse(input.window.end);
    for (const [id, row] of here) {
      const inWindow = row.startAt.getTime() < end && (row.recurring || row.endAt.getTime() > start);
      if (!seen.has(id) && inWindow) removed.add(id);
    }
  }
  for (const id of removed) {
    const row = here.get(id);
    if (!row || touched.has(row.id)) continue;
    touched.add(row.id);
    if (row.deleted) plan.drop.push(row.id);
    else plan.pullDelete.push(row.id);
  }

  // Occurrences of a series deleted in this same listing go with it.
  const goneSeries = new Set(plan.pullDelete);
  const kept = plan.pullCreate.filter((create) => create.seriesRowId === null || !goneSeries.has(create.seriesRowId));
  plan.skipped += plan.pullCreate.length - kept.length;
  plan.pullCreate = kept;

  for (const row of input.rows) {
    if (touched.has(row.id)) continue;
    if (row.target === null) {
      // Never written anywhere: a new CRM event (a deleted one never got a tombstone).
      if (!row.deleted) plan.pushCreate.push(row.id);
      continue;
    }
    if (!input.pushes(row.target)) continue;
    if (row.deleted || row.providerEventId === null || row.hash !== row.syncedHash) pushChange(plan, row);
  }
  return plan;
}

/**
 * Occurrences listed with a series that is itself new in this listing (a first sync, or a series
 * made and changed between two syncs; Google lists them apart): a cancelled one becomes an EXDATE
 * of the series' import, a modified one an import attached to it. Others are skipped.
 */
function settleNewSeriesOccurrences(plan: TwoWayPlan, occurrences: NormalizedEvent[]): void {
  const newSeries = new Map<string, TwoWayPlan['pullCreate'][number]>();
  for (const create of plan.pullCreate) if (create.event.id && create.event.recurrence && !create.event.occurrenceOf) newSeries.set(create.event.id, create);
  for (const event of occurrences) {
    const occurrenceOf = event.occurrenceOf as NonNullable<NormalizedEvent['occurrenceOf']>;
    const series = newSeries.get(occurrenceOf.seriesId);
    const recurrence = series?.event.recurrence;
    if (!series || !recurrence) plan.skipped++;
    else if (event.status === 'cancelled') series.event = { ...series.event, recurrence: { ...recurrence, exdates: [...recurrence.exdates, occurrenceOf.originalStart] } };
    else plan.pullCreate.push({ event, seriesRowId: null, seriesEventId: occurrenceOf.seriesId });
  }
}

function pushChange(plan: TwoWayPlan, row: StoreRowState): void {
  if (row.deleted) plan.pushDelete.push(row.id);
  else if (row.providerEventId === null) plan.pushCreate.push(row.id);
  else plan.pushUpdate.push(row.id);
}
