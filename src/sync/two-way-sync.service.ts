import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { CrmEventEntity } from '../database/entities/crm-event.entity';
import { CrmEventsRepository } from '../database/repositories/crm-events.repository';
import type { EventTime, NormalizedEvent, WriteOperation, WriteResult } from '../providers/calendar-provider';
import { ProviderError, ProviderErrorKind } from '../providers/provider-errors';
import { CALENDAR_PROVIDERS, CalendarProviderLookup } from './calendar-providers';
import { placeholderCopy, WRITE_CHUNK_SIZE } from './copy-writer';
import { readSource } from './source-reader';
import { crmHash, crmToNormalized, CrmEventContent, instantOf, normalizedToCrm, parseRecurrenceLines, recurrenceLines, syncHash, timeOf, timeText } from './two-way-event';
import { planTwoWay, StoreRowState } from './two-way-plan';
import { bindingKey, TwoWayBinding, TwoWaySyncRequest, TwoWaySyncResult, TwoWayTarget } from './two-way-sync.types';

/** Failures that concern the whole connection: the sync stops (the runner marks it FAILED). */
const WHOLE_CONNECTION_FAILURES: readonly ProviderErrorKind[] = ['AUTH_REVOKED', 'MAILBOX_NOT_FOUND', 'PERMISSION_DENIED', 'QUOTA'];

/** The deterministic create key of a CRM event: a create retried after a crash finds the event already made. */
export function crmCreateKey(rowId: string): string {
  return `crm:${rowId}`;
}

type PushKind = 'create' | 'update' | 'delete';

interface Push {
  row: CrmEventEntity;
  kind: PushKind;
}

/**
 * Two-way sync between the CRM event store and one provider calendar (SPEC 4.2): reads the
 * calendar (incremental from the cursor, in full when there is none or it expired), plans with
 * planTwoWay, applies the provider's changes to the store, then pushes the CRM's changes.
 * Crash-safe like the Links copy writer: a create's binding is stored (provider id null) before
 * the keyed write and completed after it, so a retried sync re-issues the same keyed create.
 */
@Injectable()
export class TwoWaySyncService {
  constructor(
    private readonly store: CrmEventsRepository,
    @Inject(CALENDAR_PROVIDERS) private readonly providers: CalendarProviderLookup,
  ) {}

  async sync(request: TwoWaySyncRequest): Promise<TwoWaySyncResult> {
    const { tenantId, userId } = request;
    const snapshot = await readSource(this.providers(request.here.provider), { source: { access: request.here.access, calendarId: request.here.binding.calendarId }, cursor: request.cursor, window: request.window });
    const rows = await this.store.listForUser(tenantId, userId);
    const byId = new Map(rows.map((row) => [row.id, row]));
    const hereKey = bindingKey(request.here.binding);
    const bindings = new Map<string, TwoWayBinding>();
    for (const row of rows) {
      const binding = bindingOf(row);
      if (binding) bindings.set(bindingKey(binding), binding);
    }
    const plan = planTwoWay({
      here: hereKey,
      snapshot,
      rows: rows.map(stateOf),
      window: request.window,
      pushes: (key) => {
        const binding = bindings.get(key);
        return binding ? request.pushes(binding) : false;
      },
    });

    // Pull: the provider's changes into the store.
    const now = new Date();
    const saved: CrmEventEntity[] = [];
    // Series first (an exception names its series' row, which gets its id here).
    const newRows = new Map<string, CrmEventEntity>();
    for (const { event, seriesRowId, seriesEventId } of [...plan.pullCreate].sort((a, b) => Number(a.seriesEventId !== undefined) - Number(b.seriesEventId !== undefined))) {
      const seriesId = seriesEventId !== undefined ? (newRows.get(seriesEventId)?.id ?? null) : seriesRowId;
      const row = { id: randomUUID(), tenantId, userId, origin: 'provider', deletedAt: null, seriesId, originalStart: null, ...bindingColumns(request.here.binding) } as CrmEventEntity;
      applyProviderVersion(row, event, request.timeZone, now);
      if (event.id) newRows.set(event.id, row);
      saved.push(row);
    }
    for (const { rowId, event } of plan.pullUpdate) {
      const row = byId.get(rowId) as CrmEventEntity;
      const before = { recurrence: row.recurrence, start: row.start, timeZone: row.timeZone, allDay: row.allDay };
      applyProviderVersion(row, event, request.timeZone, now);
      if (request.here.provider === 'google') keepCancelledOccurrences(row, before);
      row.deletedAt = null;
      saved.push(row);
    }
    // Cancelled occurrences Google reports apart from the series: EXDATEs of the series' row.
    const exdated = new Set<string>();
    for (const { rowId, originalStart } of plan.exdates) {
      const row = byId.get(rowId) as CrmEventEntity;
      const wasClean = crmHash(contentOf(row)) === row.syncedHash || saved.includes(row);
      const recurrence = parseRecurrenceLines(row.recurrence, row.timeZone, row.allDay);
      if (!recurrence) continue;
      const key = (time: typeof originalStart) => (time.allDay ? time.date : time.dateTime.slice(0, 19));
      const lines = recurrenceLines({ ...recurrence, exdates: [...recurrence.exdates, originalStart] }, row.timeZone);
      if (recurrence.exdates.some((time) => key(time) === key(originalStart)) || lines.join('\n') === row.recurrence.join('\n')) continue;
      row.recurrence = lines;
      if (wasClean) row.syncedHash = crmHash(contentOf(row));
      if (!saved.includes(row)) saved.push(row);
      exdated.add(row.id);
    }
    for (const { rowId, event } of plan.adopt) {
      const row = byId.get(rowId) as CrmEventEntity;
      row.providerEventId = event.id ?? null;
      row.providerEtag = event.etag ?? null;
      row.syncedHash = crmHash(contentOf(row));
      row.providerHash = syncHash(event);
      saved.push(row);
    }
    for (const { rowId, hash, etag } of plan.learn) {
      const row = byId.get(rowId) as CrmEventEntity;
      row.providerHash = hash;
      row.providerEtag = etag;
      if (!saved.includes(row)) saved.push(row);
    }
    await this.store.saveAll(tenantId, userId, saved);
    await this.store.removeAll(tenantId, userId, [...plan.pullDelete, ...plan.drop]);

    // Push: the CRM's changes out, grouped by the calendar they go to.
    const pushes: Push[] = [
      ...plan.pushCreate.map((id) => ({ row: byId.get(id) as CrmEventEntity, kind: 'create' as const })),
      ...plan.pushUpdate.map((id) => ({ row: byId.get(id) as CrmEventEntity, kind: 'update' as const })),
      ...plan.pushDelete.map((id) => ({ row: byId.get(id) as CrmEventEntity, kind: 'delete' as const })),
    ];
    const counts = { pushed: 0, failed: 0, deleted: plan.pullDelete.length, created: [] as CrmEventEntity[] };
    // An exception is written as a change of its series' occurrence: once the series exists at the
    // provider (a series made in this sync first), in the series' calendar.
    const seriesOf = (push: Push) => (push.row.seriesId !== null ? byId.get(push.row.seriesId) : undefined);
    const waitsForSeries = (push: Push) => push.row.seriesId !== null && push.kind !== 'delete' && !seriesOf(push)?.providerEventId;
    const waiting = new Set(pushes.filter(waitsForSeries));
    await this.pushGroups(request, byId, pushes.filter((push) => !waiting.has(push)), counts);
    // Those whose series is still not written wait for a later sync.
    await this.pushGroups(request, byId, [...waiting].filter((push) => !waitsForSeries(push)), counts);
    // A keyed create that found an event this sync just imported (an interrupted create whose
    // content the provider restated): one event, one row — the CRM's.
    const imported = new Map(saved.filter((row) => row.origin === 'provider' && row.providerEventId !== null && plan.pullCreate.some(({ event }) => event.id === row.providerEventId)).map((row) => [`${bindingKey(request.here.binding)}|${row.providerEventId}`, row]));
    const duplicates = counts.created.flatMap((row) => {
      const binding = bindingOf(row);
      const twin = binding ? imported.get(`${bindingKey(binding)}|${row.providerEventId}`) : undefined;
      return twin && twin.id !== row.id ? [twin.id] : [];
    });
    await this.store.removeAll(tenantId, userId, duplicates);

    return {
      cursor: snapshot.cursor,
      fullScan: snapshot.fullScan,
      created: plan.pullCreate.length - duplicates.length,
      updated: new Set([...plan.pullUpdate.map((update) => update.rowId), ...exdated]).size,
      deleted: counts.deleted,
      pushed: counts.pushed,
      failed: counts.failed,
      conflicts: plan.conflicts.length,
    };
  }

  /** Pushes grouped by the calendar they go to: a row's binding, an unbound exception's series' binding, else the new-events calendar. */
  private async pushGroups(request: TwoWaySyncRequest, byId: Map<string, CrmEventEntity>, pushes: Push[], counts: PushCounts): Promise<void> {
    const { tenantId, userId } = request;
    const hereKey = bindingKey(request.here.binding);
    const groups = new Map<string, { binding: TwoWayBinding | null; pushes: Push[] }>();
    for (const push of pushes) {
      const series = push.row.seriesId !== null ? byId.get(push.row.seriesId) : undefined;
      const binding = bindingOf(push.row) ?? (series ? bindingOf(series) : null);
      const key = binding ? bindingKey(binding) : 'new';
      const group = groups.get(key) ?? { binding, pushes: [] };
      group.pushes.push(push);
      groups.set(key, group);
    }
    for (const group of groups.values()) {
      const target = group.binding === null ? request.newEvents : bindingKey(group.binding) === hereKey ? request.here : await request.resolve(group.binding);
      if (!target) {
        counts.failed += group.pushes.length;
        continue;
      }
      try {
        await this.push(tenantId, userId, target, group.pushes, byId, counts);
      } catch (error) {
        // Another calendar (the destination) refusing us is that calendar's problem: its rows wait
        // for the next sync; only this connection's own failures fail this connection's sync.
        if (target === request.here || !(error instanceof ProviderError)) throw error;
        counts.failed += group.pushes.length;
      }
    }
  }

  private async push(tenantId: string, userId: number, target: TwoWayTarget, pushes: Push[], byId: Map<string, CrmEventEntity>, counts: PushCounts): Promise<void> {
    // Record every create's binding first (provider id still null): a crash after the write leaves a keyed create to re-issue.
    const intents = pushes.filter((push) => push.kind === 'create' && bindingOf(push.row) === null);
    for (const { row } of intents) Object.assign(row, bindingColumns(target.binding), { providerEventId: null });
    await this.store.saveAll(tenantId, userId, intents.map((push) => push.row));

    const provider = this.providers(target.provider);
    let pending = pushes;
    while (pending.length > 0) {
      const followUps: Push[] = [];
      for (let start = 0; start < pending.length; start += WRITE_CHUNK_SIZE) {
        const chunk = pending.slice(start, start + WRITE_CHUNK_SIZE);
        const results = await provider.writeEvents(target.access, target.binding.calendarId, chunk.map((push) => operationOf(push, byId)));
        const wholeFailure = results.find((result): result is { ok: false; error: ProviderError } => !result.ok && WHOLE_CONNECTION_FAILURES.includes(result.error.kind));
        const done: CrmEventEntity[] = [];
        const gone: string[] = [];
        chunk.forEach((push, index) => {
          const result = results[index];
          const followUp = applyResult(push, result, done, gone, counts);
          if (followUp) followUps.push(followUp);
        });
        await this.store.saveAll(tenantId, userId, done);
        await this.store.removeAll(tenantId, userId, gone);
        if (wholeFailure) throw wholeFailure.error;
      }
      pending = followUps;
    }
  }
}

/** A tombstone whose create may have happened before a crash: the keyed create finds it, then it is deleted. */
function operationOf(push: Push, byId: Map<string, CrmEventEntity>): WriteOperation {
  const { row } = push;
  const occurrenceOf = occurrenceOfRow(row, byId);
  if (push.kind === 'delete') {
    if (row.providerEventId === null) return { op: 'create', key: crmCreateKey(row.id), event: { ...placeholderCopy('crm', row.id), copyMarker: null, occurrenceOf } };
    return { op: 'delete', id: row.providerEventId };
  }
  const event = { ...crmToNormalized(contentOf(row)), occurrenceOf };
  if (push.kind === 'update' && row.providerEventId !== null) return { op: 'update', id: row.providerEventId, event };
  return { op: 'create', key: crmCreateKey(row.id), event };
}

interface PushCounts {
  pushed: number;
  failed: number;
  deleted: number;
  /** Rows whose create succeeded, with the provider id. */
  created: CrmEventEntity[];
}

function applyResult(push: Push, result: WriteResult | undefined, done: CrmEventEntity[], gone: string[], counts: PushCounts): Push | null {
  const { row } = push;
  if (!result) {
    counts.failed++;
    return null;
  }
  if (push.kind === 'delete') {
    if (row.providerEventId === null) {
      if (!result.ok) {
        counts.failed++;
        return null;
      }
      row.providerEventId = result.id;
      return push;
    }
    if (result.ok || result.error.kind === 'NOT_FOUND') {
      gone.push(row.id);
      if (result.ok) counts.pushed++;
    } else counts.failed++;
    return null;
  }
  if (!result.ok) {
    if (push.kind === 'update' && result.error.kind === 'NOT_FOUND') {
      // Deleted at the provider after our last listing: the deletion wins, as in the planner.
      gone.push(row.id);
      counts.deleted++;
    } else counts.failed++;
    return null;
  }
  row.providerEventId = result.id;
  row.providerEtag = result.etag ?? null;
  row.syncedHash = crmHash(contentOf(row));
  // How the provider restates what we wrote is known when the listing shows it (planner: learn).
  row.providerHash = null;
  done.push(row);
  counts.pushed++;
  if (push.kind === 'create') counts.created.push(row);
  return null;
}

/** An exception row's place in its series at the provider (the series' provider id and the original start); null for other rows. */
function occurrenceOfRow(row: CrmEventEntity, byId: Map<string, CrmEventEntity>): NormalizedEvent['occurrenceOf'] {
  const seriesEventId = row.seriesId !== null ? byId.get(row.seriesId)?.providerEventId : null;
  if (!seriesEventId || row.originalStart === null) return null;
  return { seriesId: seriesEventId, originalStart: timeOf(row.originalStart, row.timeZone, row.allDay) };
}

function contentOf(row: CrmEventEntity): CrmEventContent {
  return { title: row.title, description: row.description, location: row.location, start: row.start, end: row.end, timeZone: row.timeZone, allDay: row.allDay, recurrence: row.recurrence };
}

function bindingOf(row: CrmEventEntity): TwoWayBinding | null {
  if (row.calendarId === null || (row.connectionId === null && row.delegationCredentialId === null)) return null;
  return { connectionId: row.connectionId, delegationCredentialId: row.delegationCredentialId, mailbox: row.mailbox, calendarId: row.calendarId };
}

function bindingColumns(binding: TwoWayBinding): Pick<CrmEventEntity, 'connectionId' | 'delegationCredentialId' | 'mailbox' | 'calendarId'> {
  return { connectionId: binding.connectionId, delegationCredentialId: binding.delegationCredentialId, mailbox: binding.mailbox, calendarId: binding.calendarId };
}

function stateOf(row: CrmEventEntity): StoreRowState {
  const binding = bindingOf(row);
  return {
    id: row.id,
    hash: crmHash(contentOf(row)),
    syncedHash: row.syncedHash,
    providerHash: row.providerHash,
    target: binding ? bindingKey(binding) : null,
    providerEventId: row.providerEventId,
    providerEtag: row.providerEtag,
    updatedAt: row.updatedAt,
    deleted: row.deletedAt !== null,
    startAt: row.startAt,
    endAt: row.endAt,
    recurring: row.recurrence.length > 0,
    seriesRowId: row.seriesId,
  };
}

/** The provider's version of an event becomes the row's content (and the agreed hash). */
function applyProviderVersion(row: CrmEventEntity, event: NormalizedEvent, fallbackZone: string, now: Date): void {
  const content = normalizedToCrm(event, fallbackZone);
  Object.assign(row, limited(content));
  row.startAt = instantOf(content.start, content.timeZone, content.allDay) ?? now;
  row.endAt = instantOf(content.end, content.timeZone, content.allDay) ?? row.startAt;
  row.providerEventId = event.id ?? null;
  row.providerEtag = event.etag ?? null;
  if (event.occurrenceOf) row.originalStart = timeText(event.occurrenceOf.originalStart, content.timeZone);
  // The CRM side as stored (cut to the columns' limits, zone-converted) and the provider side as listed.
  row.syncedHash = crmHash(contentOf(row));
  row.providerHash = syncHash(event);
  const updated = event.updatedAt ? new Date(event.updatedAt) : null;
  row.providerUpdatedAt = updated && !Number.isNaN(updated.getTime()) ? updated : null;
  row.updatedAt = row.providerUpdatedAt ?? now;
}

/**
 * Google keeps a cancelled occurrence apart from its series (a cancelled instance, folded into the
 * row as an EXDATE when it was listed) and never adds it to the master's `recurrence`; an
 * incremental listing that brings only the edited master would otherwise drop those EXDATEs.
 * They are kept while the series still starts at the same time (the EXDATEs still name its
 * occurrences); a series moved in time starts over from what Google lists.
 */
function keepCancelledOccurrences(row: CrmEventEntity, before: Pick<CrmEventEntity, 'recurrence' | 'start' | 'timeZone' | 'allDay'>): void {
  if (before.start !== row.start || before.timeZone !== row.timeZone || before.allDay !== row.allDay) return;
  const current = parseRecurrenceLines(row.recurrence, row.timeZone, row.allDay);
  const earlier = parseRecurrenceLines(before.recurrence, before.timeZone, before.allDay);
  if (!current || !earlier) return;
  const key = (time: EventTime) => (time.allDay ? time.date : time.dateTime.slice(0, 19));
  const known = new Set(current.exdates.map(key));
  const kept = earlier.exdates.filter((time) => !known.has(key(time)));
  if (kept.length === 0) return;
  row.recurrence = recurrenceLines({ ...current, exdates: [...current.exdates, ...kept] }, row.timeZone);
  row.syncedHash = crmHash(contentOf(row));
}

/** Provider events can be longer than the store's columns allow (title, location: 1,024). */
function limited(content: CrmEventContent): CrmEventContent {
  return { ...content, title: content.title.slice(0, 1024), location: content.location === null ? null : content.location.slice(0, 1024) };
}
