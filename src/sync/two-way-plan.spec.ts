import type { NormalizedEvent } from '../providers/calendar-provider';
import { normalizedEvent } from '../../test/support/normalized-event';
import { crmHash, crmToNormalized, normalizedToCrm, parseRecurrenceLines, recurrenceLines, syncHash } from './two-way-event';
import { planTwoWay, StoreRowState, TwoWayInput } from './two-way-plan';

const HERE = 'c:1:primary';
const WINDOW = { start: '2030-01-01T00:00:00Z', end: '2031-01-01T00:00:00Z' };

function event(id: string, overrides: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return normalizedEvent({ id, etag: `etag-${id}`, title: `Title ${id}`, updatedAt: '2030-02-01T12:00:00Z', ...overrides });
}

/** A row in step with `source` (synced hash = its hash), bound here unless told otherwise. */
function row(id: string, source: NormalizedEvent, overrides: Partial<StoreRowState> = {}): StoreRowState {
  const hash = syncHash(source);
  return {
    id,
    hash,
    syncedHash: hash,
    providerHash: hash,
    target: HERE,
    providerEventId: source.id ?? null,
    providerEtag: source.etag ?? null,
    updatedAt: new Date('2030-02-01T12:00:00Z'),
    deleted: false,
    startAt: new Date('2030-03-04T08:00:00Z'),
    endAt: new Date('2030-03-04T09:00:00Z'),
    recurring: false,
    seriesRowId: null,
    ...overrides,
  };
}

function plan(input: Partial<TwoWayInput>) {
  return planTwoWay({ here: HERE, snapshot: { fullScan: false, changed: [], removed: [] }, rows: [], window: WINDOW, pushes: (target) => target === HERE || target.startsWith('d:'), ...input });
}

const EMPTY = { pullCreate: [], adopt: [], learn: [], pullUpdate: [], exdates: [], pullDelete: [], drop: [], pushCreate: [], pushUpdate: [], pushDelete: [], unchanged: 0, skipped: 0, conflicts: [] };

describe('planTwoWay', () => {
  it('imports provider events the store does not know', () => {
    const a = event('a');
    expect(plan({ snapshot: { fullScan: true, changed: [a], removed: [] } })).toEqual({ ...EMPTY, pullCreate: [{ event: a, seriesRowId: null }] });
  });

  it('leaves an event alone when its content hash says nothing changed, even with a new etag', () => {
    const a = event('a');
    const sameContentNewEtag = { ...a, etag: 'other' };
    expect(plan({ snapshot: { fullScan: false, changed: [sameContentNewEtag], removed: [] }, rows: [row('r', a)] })).toEqual({ ...EMPTY, unchanged: 1 });
  });

  it('the echo of our own write (its etag, the provider restated it) is not a change, and teaches the row its provider form', () => {
    const a = event('a');
    const echo = { ...a, recurrence: { rule: 'FREQ=WEEKLY;BYDAY=MO', exdates: [] } };
    const afterPush = row('r', a, { providerHash: null });
    expect(plan({ snapshot: { fullScan: false, changed: [echo], removed: [] }, rows: [afterPush] })).toEqual({ ...EMPTY, unchanged: 1, learn: [{ rowId: 'r', hash: syncHash(echo), etag: 'etag-a' }] });
    // Once learnt, a change that keeps the etag (Graph: an occurrence deleted from the series) is still seen.
    const learnt = row('r', a, { providerHash: syncHash(echo) });
    const cancelledOne = { ...echo, recurrence: { rule: 'FREQ=WEEKLY;BYDAY=MO', exdates: [{ allDay: false as const, dateTime: '2030-03-11T09:00:00', timeZone: 'Europe/Berlin' }] } };
    expect(plan({ snapshot: { fullScan: false, changed: [cancelledOne], removed: [] }, rows: [learnt] })).toEqual({ ...EMPTY, pullUpdate: [{ rowId: 'r', event: cancelledOne }] });
  });

  it('a provider change updates the row; a provider deletion deletes it', () => {
    const a = event('a');
    const edited = { ...a, etag: 'e2', title: 'New' };
    const b = event('b');
    expect(plan({ snapshot: { fullScan: false, changed: [edited], removed: ['b'] }, rows: [row('ra', a), row('rb', b)] })).toEqual({ ...EMPTY, pullUpdate: [{ rowId: 'ra', event: edited }], pullDelete: ['rb'] });
  });

  it('a cancelled event counts as removed; an occurrence of a single event is skipped; a cancelled occurrence is an EXDATE of its series', () => {
    const a = event('a');
    const occurrence = event('a_1', { occurrenceOf: { seriesId: 'a', originalStart: a.start } });
    expect(plan({ snapshot: { fullScan: false, changed: [{ ...a, status: 'cancelled' }, occurrence], removed: [] }, rows: [row('ra', a)] })).toEqual({ ...EMPTY, pullDelete: ['ra'], skipped: 1 });
    const series = event('s', { recurrence: { rule: 'FREQ=DAILY', exdates: [] } });
    const cancelled = event('s_2', { status: 'cancelled', occurrenceOf: { seriesId: 's', originalStart: { allDay: false, dateTime: '2030-03-05T09:00:00', timeZone: 'Europe/Berlin' } } });
    const orphan = event('t_2', { status: 'cancelled', occurrenceOf: { seriesId: 't', originalStart: cancelled.start } });
    expect(plan({ snapshot: { fullScan: false, changed: [cancelled, orphan], removed: [] }, rows: [row('rs', series, { recurring: true })] })).toEqual({
      ...EMPTY,
      exdates: [{ rowId: 'rs', originalStart: { allDay: false, dateTime: '2030-03-05T09:00:00', timeZone: 'Europe/Berlin' } }],
      skipped: 1,
    });
  });

  describe('modified occurrences (exceptions)', () => {
    const series = event('s', { recurrence: { rule: 'FREQ=WEEKLY', exdates: [] } });
    const seriesRow = row('rs', series, { recurring: true });
    const originalStart = { allDay: false as const, dateTime: '2030-03-11T09:00:00', timeZone: 'Europe/Berlin' };
    const moved = event('s_20300311', { occurrenceOf: { seriesId: 's', originalStart }, start: { allDay: false, dateTime: '2030-03-11T15:00:00', timeZone: 'Europe/Berlin' } });

    it('one of a series the store holds here is imported as an exception row of that series', () => {
      expect(plan({ snapshot: { fullScan: false, changed: [moved], removed: [] }, rows: [seriesRow] })).toEqual({ ...EMPTY, pullCreate: [{ event: moved, seriesRowId: 'rs' }] });
    });

    it('one whose series is unknown, deleted in the CRM, not a series, or deleted in the same listing is skipped', () => {
      const orphan = event('t_1', { occurrenceOf: { seriesId: 't', originalStart } });
      expect(plan({ snapshot: { fullScan: false, changed: [orphan], removed: [] }, rows: [seriesRow] })).toEqual({ ...EMPTY, skipped: 1 });
      expect(plan({ snapshot: { fullScan: false, changed: [moved], removed: [] }, rows: [{ ...seriesRow, deleted: true }] })).toMatchObject({ pullCreate: [], skipped: 1, pushDelete: ['rs'] });
      expect(plan({ snapshot: { fullScan: false, changed: [moved], removed: [] }, rows: [{ ...seriesRow, recurring: false }] })).toEqual({ ...EMPTY, skipped: 1 });
      expect(plan({ snapshot: { fullScan: false, changed: [moved], removed: ['s'] }, rows: [seriesRow] })).toEqual({ ...EMPTY, pullDelete: ['rs'], skipped: 1 });
    });

    it('an exception row is updated, kept, or pushed like any row', () => {
      const exceptionRow = row('rx', moved, { seriesRowId: 'rs' });
      const later = { ...moved, etag: 'e2', start: { allDay: false as const, dateTime: '2030-03-11T16:00:00', timeZone: 'Europe/Berlin' } };
      expect(plan({ snapshot: { fullScan: false, changed: [later], removed: [] }, rows: [seriesRow, exceptionRow] })).toEqual({ ...EMPTY, pullUpdate: [{ rowId: 'rx', event: later }] });
      expect(plan({ snapshot: { fullScan: false, changed: [moved], removed: [] }, rows: [seriesRow, { ...exceptionRow, hash: 'edited' }] })).toEqual({ ...EMPTY, unchanged: 1, pushUpdate: ['rx'] });
      expect(plan({ snapshot: { fullScan: false, changed: [], removed: [] }, rows: [seriesRow, { ...exceptionRow, deleted: true }] })).toEqual({ ...EMPTY, pushDelete: ['rx'] });
    });

    it('cancelling a modified occurrence adds the EXDATE to the series and removes the exception row', () => {
      const cancelled = { ...moved, status: 'cancelled' as const };
      expect(plan({ snapshot: { fullScan: false, changed: [cancelled], removed: [] }, rows: [seriesRow, row('rx', moved, { seriesRowId: 'rs' })] })).toEqual({
        ...EMPTY,
        exdates: [{ rowId: 'rs', originalStart }],
        pullDelete: ['rx'],
      });
    });

    it('a full scan that no longer lists an exception removes its row', () => {
      expect(plan({ snapshot: { fullScan: true, changed: [series], removed: [] }, rows: [seriesRow, row('rx', moved, { seriesRowId: 'rs' })] })).toEqual({ ...EMPTY, unchanged: 1, pullDelete: ['rx'] });
    });

    it('a series new in this listing takes its cancelled occurrences as EXDATEs and its moved ones as exceptions', () => {
      const cancelled = { ...moved, id: 's_20300318', status: 'cancelled' as const, occurrenceOf: { seriesId: 's', originalStart: { ...originalStart, dateTime: '2030-03-18T09:00:00' } } };
      const stranger = { ...moved, id: 'u_1', occurrenceOf: { seriesId: 'u', originalStart } };
      expect(plan({ snapshot: { fullScan: true, changed: [cancelled, moved, series, stranger], removed: [] } })).toEqual({
        ...EMPTY,
        pullCreate: [
          { event: { ...series, recurrence: { rule: 'FREQ=WEEKLY', exdates: [{ ...originalStart, dateTime: '2030-03-18T09:00:00' }] } }, seriesRowId: null },
          { event: moved, seriesRowId: null, seriesEventId: 's' },
        ],
        skipped: 1,
      });
    });

    it('a pending exception create is adopted only by an occurrence of its own series', () => {
      const pendingException = row('px', moved, { providerEventId: null, seriesRowId: 'rs', providerHash: null });
      expect(plan({ snapshot: { fullScan: false, changed: [moved], removed: [] }, rows: [seriesRow, pendingException] })).toEqual({ ...EMPTY, adopt: [{ rowId: 'px', event: moved }] });
      const sameContentSingle = { ...moved, id: 'single', occurrenceOf: null };
      expect(plan({ snapshot: { fullScan: false, changed: [sameContentSingle], removed: [] }, rows: [seriesRow, pendingException] })).toEqual({
        ...EMPTY,
        pullCreate: [{ event: sameContentSingle, seriesRowId: null }],
        pushCreate: ['px'],
      });
    });
  });

  it('CRM changes are pushed: unbound rows created, edited rows updated, tombstones deleted, pending creates re-issued', () => {
    const a = event('a');
    const rows = [
      row('new', a, { target: null, providerEventId: null, syncedHash: null }),
      row('edited', event('b'), { hash: 'changed' }),
      row('gone', event('c'), { deleted: true }),
      row('pending', event('d'), { providerEventId: null }),
      row('quiet', event('e')),
    ];
    expect(plan({ rows })).toEqual({ ...EMPTY, pushCreate: ['new', 'pending'], pushUpdate: ['edited'], pushDelete: ['gone'] });
  });

  it("rows bound to another connection's calendar are that sync's business; a delegated destination's rows are pushed by any", () => {
    const rows = [row('elsewhere', event('a'), { target: 'c:2:primary', hash: 'changed' }), row('delegated', event('b'), { target: 'd:cred:ann@x.test:cal', hash: 'changed' })];
    expect(plan({ rows })).toEqual({ ...EMPTY, pushUpdate: ['delegated'] });
  });

  it('both changed: the later modification wins (provider updatedAt against the CRM updatedAt)', () => {
    const a = event('a');
    const providerLater = { ...a, etag: 'e2', title: 'Provider', updatedAt: '2030-02-02T10:00:00Z' };
    const crmRow = row('r', a, { hash: 'crm-edit', updatedAt: new Date('2030-02-02T09:00:00Z') });
    expect(plan({ snapshot: { fullScan: false, changed: [providerLater], removed: [] }, rows: [crmRow] })).toEqual({ ...EMPTY, pullUpdate: [{ rowId: 'r', event: providerLater }], conflicts: [{ rowId: 'r', winner: 'provider' }] });
    const crmLater = { ...crmRow, updatedAt: new Date('2030-02-02T11:00:00Z') };
    expect(plan({ snapshot: { fullScan: false, changed: [providerLater], removed: [] }, rows: [crmLater] })).toEqual({ ...EMPTY, pushUpdate: ['r'], conflicts: [{ rowId: 'r', winner: 'crm' }] });
    // No provider time: the CRM edit wins the tie.
    const noTime = { ...providerLater, updatedAt: undefined };
    expect(plan({ snapshot: { fullScan: false, changed: [noTime], removed: [] }, rows: [crmRow] }).conflicts).toEqual([{ rowId: 'r', winner: 'crm' }]);
  });

  it('a CRM tombstone whose event the provider deleted goes without a write; a provider edit of it after the deletion revives it', () => {
    const a = event('a');
    expect(plan({ snapshot: { fullScan: false, changed: [], removed: ['a'] }, rows: [row('r', a, { deleted: true })] })).toEqual({ ...EMPTY, drop: ['r'] });
    const revived = { ...a, etag: 'e2', title: 'Edited later', updatedAt: '2030-02-03T00:00:00Z' };
    expect(plan({ snapshot: { fullScan: false, changed: [revived], removed: [] }, rows: [row('r', a, { deleted: true })] })).toEqual({
      ...EMPTY,
      pullUpdate: [{ rowId: 'r', event: revived }],
      conflicts: [{ rowId: 'r', winner: 'provider' }],
    });
  });

  it('a provider event equal in content to a pending create here is that create (adopted), not an import', () => {
    const written = event('x');
    const pending = row('p', written, { providerEventId: null, providerEtag: null, syncedHash: null });
    const stranger = event('y', { title: 'Someone else' });
    expect(plan({ snapshot: { fullScan: false, changed: [written, stranger], removed: [] }, rows: [pending] })).toEqual({ ...EMPTY, adopt: [{ rowId: 'p', event: written }], pullCreate: [{ event: stranger, seriesRowId: null }] });
  });

  it('a full scan deletes bound rows missing from the listing inside the window only', () => {
    const inWindow = row('in', event('a'));
    const past = row('past', event('b'), { startAt: new Date('2029-01-01T00:00:00Z'), endAt: new Date('2029-01-01T01:00:00Z') });
    const pastSeries = row('series', event('c'), { startAt: new Date('2029-01-01T00:00:00Z'), endAt: new Date('2029-01-01T01:00:00Z'), recurring: true });
    const pending = row('pending', event('d'), { providerEventId: null });
    expect(plan({ snapshot: { fullScan: true, changed: [], removed: [] }, rows: [inWindow, past, pastSeries, pending] })).toEqual({ ...EMPTY, pullDelete: ['in', 'series'], pushCreate: ['pending'] });
  });
});

describe('CRM ↔ normalized events', () => {
  it('reads an offset in the event zone, keeps all-day dates and recurrence lines, and hashes alike from both sides', () => {
    const content = { title: 'Call', description: null, location: null, start: '2030-03-04T08:00:00Z', end: '2030-03-04T09:00:00+01:00', timeZone: 'Europe/Berlin', allDay: false, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3', 'EXDATE;TZID=Europe/Berlin:20300311T090000'] };
    const normalized = crmToNormalized(content);
    expect(normalized.start).toEqual({ allDay: false, dateTime: '2030-03-04T09:00:00', timeZone: 'Europe/Berlin' });
    expect(normalized.end).toEqual({ allDay: false, dateTime: '2030-03-04T09:00:00', timeZone: 'Europe/Berlin' });
    expect(normalized.recurrence).toEqual({ rule: 'FREQ=WEEKLY;COUNT=3', exdates: [{ allDay: false, dateTime: '2030-03-11T09:00:00', timeZone: 'Europe/Berlin' }] });
    const back = normalizedToCrm({ ...normalized, id: 'x', start: { ...normalized.start, dateTime: '2030-03-04T09:00:00.0000000' } as never }, 'UTC');
    expect(back).toEqual({ ...content, start: '2030-03-04T09:00:00', end: '2030-03-04T09:00:00' });
    expect(crmHash(back)).toBe(syncHash(normalized));
  });

  it('EXDATE lines: dates, UTC instants and other zones land in the series zone', () => {
    expect(parseRecurrenceLines(['RRULE:FREQ=DAILY', 'EXDATE:20300305T080000Z,20300306T090000', 'EXDATE;TZID=America/New_York:20300307T030000'], 'Europe/Berlin', false)).toEqual({
      rule: 'FREQ=DAILY',
      exdates: [
        { allDay: false, dateTime: '2030-03-05T09:00:00', timeZone: 'Europe/Berlin' },
        { allDay: false, dateTime: '2030-03-06T09:00:00', timeZone: 'Europe/Berlin' },
        { allDay: false, dateTime: '2030-03-07T09:00:00', timeZone: 'Europe/Berlin' },
      ],
    });
    expect(recurrenceLines({ rule: 'FREQ=YEARLY', exdates: [{ allDay: true, date: '2031-01-01' }] }, 'UTC')).toEqual(['RRULE:FREQ=YEARLY', 'EXDATE;VALUE=DATE:20310101']);
    expect(parseRecurrenceLines([], 'UTC', false)).toBeNull();
  });
});
