import { randomBytes } from 'node:crypto';
import { encodeCursor } from '../../src/providers/caldav/caldav-cursor';
import { ProviderError } from '../../src/providers/provider-errors';
import type { LinkSyncRequest, LinkSyncResult } from '../../src/sync/link-sync.types';
import { isRadicaleAvailable, RadicaleCalendar, RunningRadicale, startRadicale } from '../support/radicale';
import {
  BERLIN_TZ,
  crashAfter,
  deleteSource,
  insertLink,
  newCalendars,
  openWorld,
  putSource,
  rawVevents,
  SyncWorld,
  syncRequest,
  temporaryFaults,
  vcalendar,
  vevent,
} from './support/sync-harness';

const describeIfRadicale = isRadicaleAvailable() || process.env.CI === 'true' ? describe : describe.skip;

/** A weekly series (8 Mondays) with the 30 Nov occurrence moved to 15:00 and the 7 Dec one cancelled. */
const SERIES = vcalendar(
  BERLIN_TZ,
  vevent('series-1', [
    'DTSTART;TZID=Europe/Berlin:20261123T100000', 'DTEND;TZID=Europe/Berlin:20261123T103000', 'SUMMARY:Weekly',
    'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=8', 'EXDATE;TZID=Europe/Berlin:20261207T100000',
  ]),
  vevent('series-1', [
    'RECURRENCE-ID;TZID=Europe/Berlin:20261130T100000', 'DTSTART;TZID=Europe/Berlin:20261130T150000', 'DTEND;TZID=Europe/Berlin:20261130T153000',
    'SUMMARY:Weekly (moved)',
  ]),
);

/** A one-hour UTC event on a December day. */
function single(uid: string, title: string, day: number, hour = 9): string {
  const date = `202612${String(day).padStart(2, '0')}`;
  const at = (h: number): string => `${date}T${String(h).padStart(2, '0')}0000Z`;
  return vcalendar(vevent(uid, [`DTSTART:${at(hour)}`, `DTEND:${at(hour + 1)}`, `SUMMARY:${title}`]));
}

/** Every HTTP request made while `work` runs (the CalDAV driver uses the global fetch). */
async function countingHttpRequests<T>(work: () => Promise<T>): Promise<{ value: T; sent: string[] }> {
  const realFetch = globalThis.fetch;
  const sent: string[] = [];
  globalThis.fetch = (input, init) => {
    sent.push(`${init?.method ?? 'GET'} ${input instanceof Request ? input.url : String(input)}`);
    return realFetch(input, init);
  };
  try {
    return { value: await work(), sent };
  } finally {
    globalThis.fetch = realFetch;
  }
}

describeIfRadicale('sync engine: series, incremental changes, loops, crashes and faults (CalDAV → CalDAV on Radicale)', () => {
  let radicale: RunningRadicale;
  let world: SyncWorld;

  beforeAll(async () => {
    radicale = await startRadicale();
    world = await openWorld();
  });
  afterAll(async () => {
    await world?.close();
    await radicale?.stop();
  });
  beforeEach(() => world.provider.reset());

  interface Pair {
    linkId: string;
    source: RadicaleCalendar;
    destination: RadicaleCalendar;
    request(cursor: string | null): LinkSyncRequest;
  }

  async function newPair(sources: Record<string, string>, policy = 'subject'): Promise<Pair> {
    const { source, destination } = await newCalendars(radicale);
    for (const [filename, ics] of Object.entries(sources)) await putSource(source, filename, ics);
    return linkBetween(source, destination, policy);
  }

  async function linkBetween(source: RadicaleCalendar, destination: RadicaleCalendar, policy = 'subject'): Promise<Pair> {
    const suffix = randomBytes(4).toString('hex');
    const linkId = await insertLink(world, `s-${suffix}@example.test`, `d-${suffix}@example.test`, policy);
    return { linkId, source, destination, request: (cursor) => syncRequest(world, { linkId, radicale, source, destination, policy, cursor }) };
  }

  const titles = async (calendar: RadicaleCalendar): Promise<string[]> => (await rawVevents(calendar)).map((vevent) => vevent.props.SUMMARY[0]);

  it('copies a weekly series with a moved and a cancelled occurrence as one series copy (two writes, not one per instance)', async () => {
    const pair = await newPair({ 'series.ics': SERIES });
    const result = await world.engine.syncLink(pair.request(null));
    expect(result).toMatchObject({ fullScan: true, created: 2, updated: 0, deleted: 0, unchanged: 0, skipped: 0, failed: 0 });
    expect(world.provider.counts).toEqual({ listEvents: 1, listChanges: 0, writeCalls: 2, create: 2, update: 0, delete: 0 });

    const objects = await pair.destination.objects();
    expect(objects).toHaveLength(1);
    const copies = await rawVevents(pair.destination);
    expect(copies.map((copy) => [copy.props.SUMMARY[0], copy.recurrenceId, copy.props.DTSTART[0], copy.startTzid])).toEqual([
      ['Weekly', null, '2026-11-23T10:00:00', 'Europe/Berlin'],
      ['Weekly (moved)', '2026-11-30T10:00:00', '2026-11-30T15:00:00', 'Europe/Berlin'],
    ]);
    expect(copies[0].props.RRULE).toEqual(['FREQ=WEEKLY;COUNT=8;BYDAY=MO']);
    expect(copies[0].props.EXDATE).toEqual(['2026-12-07T10:00:00']);
    expect(new Set(copies.map((copy) => copy.uid)).size).toBe(1);

    const rows = await world.mappings.listForLink(world.tenantId, pair.linkId);
    const seriesUrl = new URL('series.ics', pair.source.calendar.url).toString();
    expect(rows.map((row) => [row.sourceEventId, row.seriesSourceId, row.copyEventId])).toEqual([
      [seriesUrl, null, objects[0].url],
      [`${seriesUrl}#2026-11-30T10:00:00`, seriesUrl, `${objects[0].url}#2026-11-30T10:00:00`],
    ]);
  });

  it('an unchanged source costs one list request and no writes; edits, moves and deletions reach the copies on the next incremental sync', async () => {
    const pair = await newPair({ 'a.ics': single('a', 'Alpha', 1), 'b.ics': single('b', 'Bravo', 2), 'c.ics': single('c', 'Charlie', 3), 'series.ics': SERIES });
    const first = await world.engine.syncLink(pair.request(null));
    expect(first).toMatchObject({ created: 5, failed: 0 });

    world.provider.reset();
    const requests = await countingHttpRequests(() => world.engine.syncLink(pair.request(first.cursor)));
    const idle = requests.value;
    expect(idle).toEqual({ cursor: first.cursor, fullScan: false, created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 0, failed: 0 });
    expect(world.provider.counts).toEqual({ listEvents: 0, listChanges: 1, writeCalls: 0, create: 0, update: 0, delete: 0 });
    // On the wire: one sync-collection REPORT to the source calendar, nothing else.
    expect(requests.sent).toEqual([`REPORT ${pair.source.calendar.url}`]);

    await putSource(pair.source, 'a.ics', single('a', 'Alpha renamed', 1));
    await putSource(pair.source, 'b.ics', single('b', 'Bravo', 4, 14));
    await deleteSource(pair.source, 'c.ics');
    await putSource(pair.source, 'series.ics', SERIES.replace('SUMMARY:Weekly (moved)', 'SUMMARY:Weekly (moved again)').replace('20261130T150000', '20261130T160000').replace('20261130T153000', '20261130T163000'));
    world.provider.reset();
    const changes = await world.engine.syncLink(pair.request(idle.cursor));
    // The series resource changed as a whole: its master is unchanged (same hash), its occurrence is updated.
    expect(changes).toMatchObject({ fullScan: false, created: 0, updated: 3, deleted: 1, unchanged: 1, failed: 0 });
    expect(world.provider.counts).toMatchObject({ listEvents: 0, listChanges: 1, create: 0, update: 3, delete: 1 });

    const copies = await rawVevents(pair.destination);
    expect(copies.map((copy) => [copy.props.SUMMARY[0], copy.props.DTSTART[0]])).toEqual([
      ['Alpha renamed', '2026-12-01T09:00:00Z'],
      ['Bravo', '2026-12-04T14:00:00Z'],
      ['Weekly', '2026-11-23T10:00:00'],
      ['Weekly (moved again)', '2026-11-30T16:00:00'],
    ]);

    await deleteSource(pair.source, 'series.ics');
    const seriesGone = await world.engine.syncLink(pair.request(changes.cursor));
    expect(seriesGone).toMatchObject({ deleted: 1, failed: 0 });
    expect(await titles(pair.destination)).toEqual(['Alpha renamed', 'Bravo']);
    expect((await world.mappings.listForLink(world.tenantId, pair.linkId)).map((row) => row.seriesSourceId)).toEqual([null, null]);
  });

  it('cancelling the moved occurrence at the source cancels its copy on the next incremental sync', async () => {
    const pair = await newPair({ 'series.ics': SERIES });
    const first = await world.engine.syncLink(pair.request(null));
    const cancelled = vcalendar(
      BERLIN_TZ,
      vevent('series-1', [
        'DTSTART;TZID=Europe/Berlin:20261123T100000', 'DTEND;TZID=Europe/Berlin:20261123T103000', 'SUMMARY:Weekly',
        'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=8', 'EXDATE;TZID=Europe/Berlin:20261207T100000', 'EXDATE;TZID=Europe/Berlin:20261130T100000',
      ]),
    );
    await putSource(pair.source, 'series.ics', cancelled);
    world.provider.reset();
    const result = await world.engine.syncLink(pair.request(first.cursor));
    expect(result).toMatchObject({ fullScan: false, created: 0, updated: 1, deleted: 1, failed: 0 });
    const copies = await rawVevents(pair.destination);
    expect(copies.map((copy) => [copy.props.SUMMARY[0], copy.recurrenceId])).toEqual([['Weekly', null]]);
    expect([...copies[0].props.EXDATE].sort()).toEqual(['2026-11-30T10:00:00', '2026-12-07T10:00:00']);
    expect(await world.mappings.listForLink(world.tenantId, pair.linkId)).toHaveLength(1);
  });

  it('a full scan deletes the copies whose source event is gone', async () => {
    const pair = await newPair({ 'a.ics': single('a', 'Alpha', 1), 'b.ics': single('b', 'Bravo', 2) });
    await world.engine.syncLink(pair.request(null));
    await deleteSource(pair.source, 'b.ics');
    const rescan = await world.engine.syncLink(pair.request(null));
    expect(rescan).toMatchObject({ fullScan: true, created: 0, updated: 0, deleted: 1, unchanged: 1 });
    expect(await titles(pair.destination)).toEqual(['Alpha']);
  });

  it('A→B plus B→A on the same pair never loops: counts stay fixed over several rounds', async () => {
    const { source: a, destination: b } = await newCalendars(radicale);
    await putSource(a, 'a1.ics', single('a1', 'From A one', 1));
    await putSource(a, 'a2.ics', single('a2', 'From A two', 2));
    await putSource(b, 'b1.ics', single('b1', 'From B', 3));
    const aToB = await linkBetween(a, b);
    const bToA = await linkBetween(b, a);
    let cursorAB: string | null = null;
    let cursorBA: string | null = null;
    const rounds: number[][] = [];
    for (let round = 0; round < 4; round++) {
      const ab: LinkSyncResult = await world.engine.syncLink(aToB.request(cursorAB));
      const ba: LinkSyncResult = await world.engine.syncLink(bToA.request(cursorBA));
      cursorAB = ab.cursor;
      cursorBA = ba.cursor;
      rounds.push([(await a.objects()).length, (await b.objects()).length, ab.created + ba.created]);
    }
    expect(rounds).toEqual([
      [3, 3, 3],
      [3, 3, 0],
      [3, 3, 0],
      [3, 3, 0],
    ]);
    expect(await titles(a)).toEqual(['From A one', 'From A two', 'From B']);
    expect(await titles(b)).toEqual(['From A one', 'From A two', 'From B']);
  });

  it.each([0, 1, 2, 3, 4, 5])('killed when %i writes had reached the provider, a re-run leaves exactly one copy per source event', async (budget) => {
    const pair = await newPair({ 'a.ics': single('a', 'Alpha', 1), 'b.ics': single('b', 'Bravo', 2), 'c.ics': single('c', 'Charlie', 3), 'series.ics': SERIES });
    world.provider.hook = crashAfter(budget);
    await expect(world.engine.syncLink(pair.request(null))).rejects.toThrow(/killed/);
    world.provider.reset();
    // The runner stores a cursor only after a sync returned: the re-run starts from the same (null) cursor.
    const rerun = await world.engine.syncLink(pair.request(null));
    expect(rerun.failed).toBe(0);
    expect(await titles(pair.destination)).toEqual(['Alpha', 'Bravo', 'Charlie', 'Weekly', 'Weekly (moved)']);
    expect((await pair.destination.objects()).length).toBe(4);
    const rows = await world.mappings.listForLink(world.tenantId, pair.linkId);
    expect(rows.map((row) => row.copyEventId === null)).toEqual([false, false, false, false, false]);
    // Nothing left to do afterwards.
    world.provider.reset();
    const after = await world.engine.syncLink(pair.request(rerun.cursor));
    expect(after).toMatchObject({ created: 0, updated: 0, deleted: 0 });
  });

  it('with one write in ten failing TEMPORARY, re-runs (cursor kept back while anything failed) end with exact counts', async () => {
    const sources: Record<string, string> = { 'series.ics': SERIES };
    for (let day = 1; day <= 20; day++) sources[`e${day}.ics`] = single(`e${day}`, `Event ${String(day).padStart(2, '0')}`, day);
    const pair = await newPair(sources);
    let cursor: string | null = null;
    const history: { failed: number; cursorKept: boolean }[] = [];
    const faults = temporaryFaults();
    world.provider.hook = faults;
    for (let run = 0; run < 10; run++) {
      const result: LinkSyncResult = await world.engine.syncLink(pair.request(cursor));
      history.push({ failed: result.failed, cursorKept: result.cursor === cursor });
      cursor = result.cursor;
      if (result.failed === 0) break;
    }
    // 22 writes in the first run: the 4th and 14th fail (one dropped, one carried out with its answer lost).
    expect(history[0]).toEqual({ failed: 2, cursorKept: true });
    expect(faults.injected.dropped).toBeGreaterThanOrEqual(1);
    expect(faults.injected.answerLost).toBeGreaterThanOrEqual(1);
    expect(history[history.length - 1].failed).toBe(0);
    expect(history.filter((entry) => entry.failed > 0).every((entry) => entry.cursorKept)).toBe(true);
    const titlesNow = await titles(pair.destination);
    expect(titlesNow).toHaveLength(22);
    expect(new Set(titlesNow).size).toBe(22);
    expect((await pair.destination.objects()).length).toBe(21);
    expect(await world.mappings.listForLink(world.tenantId, pair.linkId)).toHaveLength(22);
  });

  it('an expired cursor (SYNC_CURSOR_EXPIRED) falls back to a full scan without duplicates', async () => {
    const pair = await newPair({ 'a.ics': single('a', 'Alpha', 1), 'series.ics': SERIES });
    await world.engine.syncLink(pair.request(null));
    await putSource(pair.source, 'b.ics', single('b', 'Bravo', 2));
    world.provider.reset();
    const forgotten = encodeCursor({ syncToken: 'http://radicale.org/ns/sync/0000000000000000000000000000000000000000000000000000000000000000' });
    const result = await world.engine.syncLink(pair.request(forgotten));
    expect(result).toMatchObject({ fullScan: true, created: 1, updated: 0, deleted: 0, unchanged: 3, failed: 0 });
    expect(world.provider.counts).toMatchObject({ listChanges: 1, listEvents: 1 });
    expect(await titles(pair.destination)).toEqual(['Alpha', 'Bravo', 'Weekly', 'Weekly (moved)']);
  });

  it('a copy deleted by hand at the destination is re-created (by its key) once its source changes', async () => {
    const pair = await newPair({ 'a.ics': single('a', 'Alpha', 1) });
    const first = await world.engine.syncLink(pair.request(null));
    const [copy] = await pair.destination.objects();
    await pair.destination.client.deleteCalendarObject({ calendarObject: copy });
    await putSource(pair.source, 'a.ics', single('a', 'Alpha edited', 1));
    const failed = await world.engine.syncLink(pair.request(first.cursor));
    expect(failed).toMatchObject({ updated: 0, failed: 1, cursor: first.cursor });
    const retried = await world.engine.syncLink(pair.request(failed.cursor));
    expect(retried).toMatchObject({ created: 1, failed: 0 });
    expect(await titles(pair.destination)).toEqual(['Alpha edited']);
    expect((await pair.destination.objects()).map((object) => object.url)).toEqual([copy.url]);
  });

  it('whole-link failures are thrown as ProviderErrors: refused credentials at the source or the destination, a read-only destination', async () => {
    const pair = await newPair({ 'a.ics': single('a', 'Alpha', 1) });
    const wrongPassword = (endpoint: LinkSyncRequest['source']): LinkSyncRequest['source'] => ({
      ...endpoint,
      access: { ...endpoint.access, credentials: { ...(endpoint.access.credentials as { kind: 'caldav-basic'; serverUrl: string; username: string; password: string }), password: 'wrong' } },
    });
    const request = pair.request(null);
    await expect(world.engine.syncLink({ ...request, source: wrongPassword(request.source) })).rejects.toMatchObject({ name: 'ProviderError', kind: 'AUTH_REVOKED', status: 401 });
    await expect(world.engine.syncLink({ ...request, destination: wrongPassword(request.destination) })).rejects.toMatchObject({ name: 'ProviderError', kind: 'AUTH_REVOKED', status: 401 });
    expect((await world.mappings.listForLink(world.tenantId, pair.linkId)).map((row) => row.copyEventId)).toEqual([null]);

    world.provider.hook = async (operations) =>
      operations.map(() => ({ ok: false as const, error: new ProviderError('PERMISSION_DENIED', 'read-only calendar', { provider: 'caldav', status: 403 }) }));
    await expect(world.engine.syncLink(request)).rejects.toMatchObject({ kind: 'PERMISSION_DENIED' });
    world.provider.hook = null;
    // Once allowed again, the pending row's keyed create makes exactly one copy.
    expect(await world.engine.syncLink(request)).toMatchObject({ created: 1, failed: 0 });
    expect(await titles(pair.destination)).toEqual(['Alpha']);
  });

  it('removeCopies deletes exactly the copies this link made, then its rows', async () => {
    const { source, destination } = await newCalendars(radicale);
    await putSource(source, 'a.ics', single('a', 'Alpha', 1));
    await putSource(source, 'series.ics', SERIES);
    await putSource(destination, 'own.ics', single('own', 'Own event', 5));
    const pair = await linkBetween(source, destination);
    await world.engine.syncLink(pair.request(null));
    expect(await titles(destination)).toEqual(['Alpha', 'Own event', 'Weekly', 'Weekly (moved)']);
    const removal = await world.engine.removeCopies({ tenantId: world.tenantId, linkId: pair.linkId, destination: pair.request(null).destination });
    expect(removal).toEqual({ deleted: 2 });
    expect(await titles(destination)).toEqual(['Own event']);
    expect(await world.mappings.listForLink(world.tenantId, pair.linkId)).toEqual([]);
  });
});
