import fc from 'fast-check';
import type { NormalizedEvent } from '../providers/calendar-provider';
import { buildCopy } from './copy-policy';
import { contentHash } from './content-hash';
import { parsePolicy } from './link-policy';
import { MappingState, planSync, PlannedWrite, SourceSnapshot } from './sync-plan';
import { normalizedEvent } from '../../test/support/normalized-event';

const parsed = parsePolicy('subject|busyonly');
if (!parsed.ok) throw new Error('policy');
const context = { linkId: 'L', policy: parsed.policy, tag: null, sourceTimeZone: 'UTC' };

function event(id: string, overrides: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return normalizedEvent({
    id,
    title: id,
    start: { allDay: false, dateTime: '2026-12-01T09:00:00', timeZone: 'UTC' },
    end: { allDay: false, dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' },
    ...overrides,
  });
}
const series = (id: string) => event(id, { recurrence: { rule: 'FREQ=WEEKLY', exdates: [] } });
const occurrence = (seriesId: string, key: string) =>
  event(`${seriesId}#${key}`, { occurrenceOf: { seriesId, originalStart: { allDay: false, dateTime: key, timeZone: 'UTC' } } });
const hashOf = (source: NormalizedEvent) => contentHash(buildCopy(source, context));
const row = (sourceEventId: string, contentHash: string, copyEventId: string | null = `copy-${sourceEventId}`, seriesSourceId: string | null = null): MappingState => ({
  sourceEventId,
  contentHash,
  copyEventId,
  seriesSourceId,
});
const full = (changed: NormalizedEvent[]): SourceSnapshot => ({ fullScan: true, changed, removed: [], cursor: 'c' });
const incremental = (changed: NormalizedEvent[], removed: string[] = []): SourceSnapshot => ({ fullScan: false, changed, removed, cursor: 'c' });
const summary = (writes: PlannedWrite[]) => writes.map((write) => `${write.kind}:${write.kind === 'delete' ? write.sourceEventId : write.item.sourceEventId}`);

describe('planSync', () => {
  it('puts series masters and single events before occurrences, whatever order the source listed them in', () => {
    const plan = planSync(full([occurrence('S', '2026-12-08T09:00:00'), event('A'), series('S')]), [], context);
    expect(summary(plan.seriesLevel)).toEqual(['create:A', 'create:S']);
    expect(summary(plan.occurrenceLevel)).toEqual(['create:S#2026-12-08T09:00:00']);
    expect(plan.occurrenceLevel[0].kind === 'create' && plan.occurrenceLevel[0].item.seriesSourceId).toBe('S');
  });

  it('an unchanged event (same hash) is not written; a changed one is updated at its copy', () => {
    const a = event('A');
    const b = event('B');
    const plan = planSync(full([a, b]), [row('A', hashOf(a)), row('B', 'old')], context);
    expect([summary(plan.seriesLevel), plan.unchanged]).toEqual([['update:B'], 1]);
    expect(plan.seriesLevel[0]).toMatchObject({ kind: 'update', copyEventId: 'copy-B' });
  });

  it('a pending row (create in flight when the last sync died) re-issues the create, remembering the hash it meant to write', () => {
    const a = event('A');
    const plan = planSync(full([a]), [row('A', 'meant', null)], context);
    expect(plan.seriesLevel).toEqual([expect.objectContaining({ kind: 'create', intent: 'pending', pendingHash: 'meant' })]);
  });

  it('a full scan deletes copies whose source is gone; a gone series takes its occurrence rows without writes', () => {
    const plan = planSync(full([event('A')]), [row('A', hashOf(event('A'))), row('B', 'h'), row('S', 'h'), row('S#1', 'h', 'copy-S#1', 'S')], context);
    expect(summary(plan.seriesLevel)).toEqual(['delete:B', 'delete:S']);
    expect(plan.occurrenceLevel).toEqual([]);
    expect(plan.seriesGone).toEqual(['B', 'S']);
  });

  it('an incremental listing deletes what it reports removed and leaves the rest alone', () => {
    const plan = planSync(incremental([], ['B', 'unknown']), [row('A', 'h'), row('B', 'h')], context);
    expect(summary(plan.seriesLevel)).toEqual(['delete:B']);
  });

  it('a removed modified occurrence of a kept series is deleted (cancelled) on its own', () => {
    const plan = planSync(incremental([], ['S#1']), [row('S', 'h'), row('S#1', 'h', 'copy-S#1', 'S')], context);
    expect([summary(plan.seriesLevel), summary(plan.occurrenceLevel)]).toEqual([[], ['delete:S#1']]);
  });

  it('busyonly: a series that became free loses its copy, and its occurrences are skipped, not written', () => {
    const free = series('S');
    free.transparency = 'free';
    const plan = planSync(full([free, occurrence('S', '1')]), [row('S', 'h'), row('S#1', 'h', 'copy-S#1', 'S')], context);
    expect([summary(plan.seriesLevel), summary(plan.occurrenceLevel), plan.skipped]).toEqual([['delete:S'], [], 2]);
  });

  it('copies are skipped and never deleted by the copy rule; cancelled events are deleted, not counted as skipped', () => {
    const copy = event('C', { copyMarker: { linkId: 'other', sourceEventId: 'x' } });
    const cancelled = event('X', { status: 'cancelled' });
    const plan = planSync(incremental([copy, cancelled]), [row('X', 'h')], context);
    expect([summary(plan.seriesLevel), plan.skipped]).toEqual([['delete:X'], 1]);
  });

  it('an id listed twice (delta replays) is planned once, from its later version', () => {
    const plan = planSync(incremental([event('A', { title: 'old' }), event('A', { title: 'new' })]), [], context);
    expect(plan.seriesLevel.map((write) => write.kind !== 'delete' && write.item.copy.title)).toEqual(['new']);
  });

  it('plans at most one write per source event, and exactly one for each new event to copy (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 20 }), fc.integer({ min: 0, max: 20 }), (ids, mapped) => {
        const events = ids.map((id) => event(id));
        const rows = ids.slice(0, mapped).map((id) => row(id, hashOf(event(id))));
        const plan = planSync(full(events), rows, context);
        const written = [...plan.seriesLevel, ...plan.occurrenceLevel].map((write) => (write.kind === 'delete' ? write.sourceEventId : write.item.sourceEventId));
        expect(new Set(written).size).toBe(written.length);
        expect(written.length + plan.unchanged).toBe(ids.length);
      }),
    );
  });
});
