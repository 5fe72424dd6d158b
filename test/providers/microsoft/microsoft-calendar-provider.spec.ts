import { isProviderError, type ProviderError } from '../../../src/providers/provider-errors';
import type { CalendarAccess, NormalizedEvent } from '../../../src/providers/calendar-provider';
import { COPY_MARKER_PROPERTY_ID } from '../../../src/providers/microsoft/graph-event-mapper';
import { byTitle, comparable, startProviderEnv, type ProviderEnv } from './microsoft-provider-env';
import { normalizedEvent } from '../../support/normalized-event';

const WINDOW = { start: '2030-03-01T00:00:00Z', end: '2030-05-01T00:00:00Z' };

function seedSource(p: ProviderEnv): void {
  const e = p.env.emulator;
  const alice = p.tenant.alice.email;
  e.seedEvent(alice, {
    subject: 'Weekly review',
    body: { contentType: 'text', content: 'Agenda in the doc' },
    location: { displayName: 'Room 4' },
    start: { dateTime: '2030-03-04T09:00:00', timeZone: 'Pacific Standard Time' },
    end: { dateTime: '2030-03-04T09:30:00', timeZone: 'Pacific Standard Time' },
    recurrence: {
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'sunday' },
      range: { type: 'numbered', startDate: '2030-03-04', numberOfOccurrences: 8 },
    },
    exceptions: [{ originalStartDate: '2030-03-11', subject: 'Weekly review (moved)', start: { dateTime: '2030-03-12T14:00:00', timeZone: 'Pacific Standard Time' }, end: { dateTime: '2030-03-12T14:30:00', timeZone: 'Pacific Standard Time' } }],
    cancelledOccurrences: ['2030-03-18'],
  });
  e.seedEvent(alice, {
    subject: 'Offsite',
    isAllDay: true,
    showAs: 'free',
    start: { dateTime: '2030-03-20T00:00:00', timeZone: 'UTC' },
    end: { dateTime: '2030-03-22T00:00:00', timeZone: 'UTC' },
  });
  e.seedEvent(alice, {
    subject: 'Berlin call',
    sensitivity: 'private',
    start: { dateTime: '2030-03-26T16:00:00', timeZone: 'W. Europe Standard Time' },
    end: { dateTime: '2030-03-26T17:15:00', timeZone: 'W. Europe Standard Time' },
    attendees: [{ emailAddress: { address: 'carol@fabrikam.test', name: 'Carol' }, type: 'optional' }],
  });
}

async function errorOf(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    if (isProviderError(error)) return error;
    throw error;
  }
  throw new Error('expected a ProviderError');
}

describe('MicrosoftCalendarProvider against the Graph emulator', () => {
  let p: ProviderEnv;
  let alice: CalendarAccess;
  let aliceCalendar: string;

  beforeEach(async () => {
    p = await startProviderEnv();
    alice = p.app(p.tenant.alice.email);
    aliceCalendar = (await p.provider.resolveMailbox(alice)).primaryCalendarId;
  });
  afterEach(() => p.close());

  it('resolves the mailbox, its primary calendar and zone, and lists calendars', async () => {
    const info = await p.provider.resolveMailbox(alice);
    expect(info).toEqual({ mailbox: 'alice@contoso.test', primaryCalendarId: p.env.emulator.listMailboxes().find((m) => m.email === 'alice@contoso.test')!.defaultCalendarId, timeZone: 'America/Los_Angeles' });
    p.env.emulator.createCalendar('alice@contoso.test', 'Side');
    const calendars = await p.provider.listCalendars(alice);
    expect(calendars.map((c) => [c.name, c.primary, c.readOnly])).toEqual([['Calendar', true, false], ['Side', false, false]]);
  });

  it('a calendar shared read-only (canEdit false) is readOnly; one shared with edit rights is not; a write into the read-only one is PERMISSION_DENIED', async () => {
    const e = p.env.emulator;
    const readOnly = e.addSharedCalendar(p.tenant.alice.email, { name: 'Carol (read-only)', owner: { address: 'carol@fabrikam.test' } }).id;
    const editable = e.addSharedCalendar(p.tenant.alice.email, { name: 'Carol (edit)', owner: { address: 'carol@fabrikam.test' }, canEdit: true }).id;
    expect(await p.provider.listCalendars(alice)).toEqual([
      { id: aliceCalendar, name: 'Calendar', primary: true, readOnly: false, timeZone: null },
      { id: readOnly, name: 'Carol (read-only)', primary: false, readOnly: true, timeZone: null },
      { id: editable, name: 'Carol (edit)', primary: false, readOnly: false, timeZone: null },
    ]);
    const event = normalizedEvent({ title: 'Into a shared calendar' });
    const refused = await p.provider.writeEvents(alice, readOnly, [{ op: 'create', key: 'ro-1', event }]).then(
      (results) => results[0],
      (error: unknown) => ({ ok: false as const, error: error as ProviderError }),
    );
    expect(refused).toMatchObject({ ok: false, error: { kind: 'PERMISSION_DENIED', status: 403, providerCode: 'ErrorAccessDenied' } });
    expect(e.listStoredEvents(p.tenant.alice.email, readOnly)).toEqual([]);
    const [written] = await p.provider.writeEvents(alice, editable, [{ op: 'create', key: 'rw-1', event }]);
    expect(written).toMatchObject({ ok: true });
    expect(e.listStoredEvents(p.tenant.alice.email, editable).map((stored) => stored.subject)).toEqual(['Into a shared calendar']);
  });

  it('lists a window in full as series master + exception + singles, with zones, all-day dates and exdates', async () => {
    seedSource(p);
    const sentBefore = p.sent.length;
    const { events } = await p.provider.listEvents(alice, aliceCalendar, WINDOW);
    // 9 instances in the window (7 of the series, 2 singles): one delta page, then one $batch reading 4 events.
    expect(p.sent.slice(sentBefore).map((s) => s.url.replace(/\?.*$/, '').split('/').pop())).toEqual(['delta', '$batch']);
    const sorted = [...events].sort(byTitle);
    expect(sorted.map((e) => e.title)).toEqual(['Berlin call', 'Offsite', 'Weekly review', 'Weekly review (moved)']);
    const [berlin, offsite, series, moved] = sorted;
    expect(berlin.start).toEqual({ allDay: false, dateTime: '2030-03-26T16:00:00', timeZone: 'Europe/Berlin' });
    expect(berlin.end).toEqual({ allDay: false, dateTime: '2030-03-26T17:15:00', timeZone: 'Europe/Berlin' });
    expect(berlin.visibility).toBe('private');
    expect(berlin.attendees).toEqual([{ email: 'carol@fabrikam.test', name: 'Carol', response: 'needsAction', optional: true }]);
    expect(offsite.start).toEqual({ allDay: true, date: '2030-03-20' });
    expect(offsite.end).toEqual({ allDay: true, date: '2030-03-22' });
    expect(offsite.transparency).toBe('free');
    expect(series.recurrence).toEqual({
      rule: 'FREQ=WEEKLY;BYDAY=MO;WKST=SU;COUNT=8',
      exdates: [{ allDay: false, dateTime: '2030-03-18T09:00:00', timeZone: 'America/Los_Angeles' }],
    });
    expect(series.start).toEqual({ allDay: false, dateTime: '2030-03-04T09:00:00', timeZone: 'America/Los_Angeles' });
    expect(series.description).toBe('Agenda in the doc');
    expect(series.location).toBe('Room 4');
    expect(moved.occurrenceOf).toEqual({ seriesId: series.id, originalStart: { allDay: false, dateTime: '2030-03-11T09:00:00', timeZone: 'America/Los_Angeles' } });
    expect(moved.start).toEqual({ allDay: false, dateTime: '2030-03-12T14:00:00', timeZone: 'America/Los_Angeles' });
  });

  it('lists exactly the changes since the cursor, across phantom removals and replayed changes', async () => {
    seedSource(p);
    const deltaHistory: unknown[] = [];
    p.hook.current = async (url, _init, send) => {
      const response = await send();
      if (url.includes('/calendarView/delta')) deltaHistory.push(...((await response.clone().json()) as { value: unknown[] }).value);
      return response;
    };
    const full = await p.provider.listEvents(alice, aliceCalendar, WINDOW);
    const id = (title: string) => full.events.find((e) => e.title === title)!.id!;

    const sentBefore = p.sent.length;
    const nothing = await p.provider.listChanges(alice, aliceCalendar, full.cursor, WINDOW);
    expect(nothing.changed).toEqual([]);
    expect(nothing.removed).toEqual([]);
    // A sync with no change costs one request: the delta link.
    expect(p.sent.slice(sentBefore).map((s) => s.url.includes('/calendarView/delta'))).toEqual([true]);

    // Change one single, delete the other, cancel one more occurrence of the series.
    const berlin = full.events.find((e) => e.title === 'Berlin call')!;
    const occurrence = await findOccurrence(p, alice, id('Weekly review'), '2030-03-25');
    const writes = await p.provider.writeEvents(alice, aliceCalendar, [
      { op: 'update', id: berlin.id!, event: { ...berlin, title: 'Berlin call (renamed)' } },
      { op: 'delete', id: id('Offsite') },
      { op: 'delete', id: occurrence },
    ]);
    expect(writes.map((w) => w.ok)).toEqual([true, true, true]);

    // Graph may repeat changes already delivered, older versions after newer ones, and report
    // removals of events it never listed.
    p.hook.current = async (url, _init, send) => {
      const response = await send();
      if (!url.includes('/calendarView/delta')) return response;
      const body = (await response.json()) as { value: unknown[] };
      const replayed = [...deltaHistory].reverse();
      deltaHistory.push(...body.value);
      body.value = [...body.value, ...replayed, { '@odata.type': '#microsoft.graph.event', id: 'AAMkAPhantomOutsideTheWindowAAA=', '@removed': { reason: 'deleted' } }];
      return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
    };
    const changes = await p.provider.listChanges(alice, aliceCalendar, nothing.cursor, WINDOW);
    expect(changes.removed).toEqual([id('Offsite')]);
    expect(changes.changed.map((e) => e.title).sort()).toEqual(['Berlin call (renamed)', 'Weekly review']);
    const series = changes.changed.find((e) => e.title === 'Weekly review')!;
    expect(series.recurrence!.exdates.map((d) => (d.allDay ? d.date : d.dateTime))).toEqual(['2030-03-18T09:00:00', '2030-03-25T09:00:00']);

    // The same round replayed again, plus phantoms: nothing new.
    const again = await p.provider.listChanges(alice, aliceCalendar, changes.cursor, WINDOW);
    expect(again.changed).toEqual([]);
    expect(again.removed).toEqual([]);
  });

  it('reports an event moved out of the window as removed and moved back in as changed', async () => {
    seedSource(p);
    const full = await p.provider.listEvents(alice, aliceCalendar, WINDOW);
    const berlin = full.events.find((e) => e.title === 'Berlin call')!;
    const at = (day: string) => ({ ...berlin, start: { ...berlin.start, dateTime: `${day}T16:00:00` }, end: { ...berlin.end, dateTime: `${day}T17:15:00` } });
    await p.provider.writeEvents(alice, aliceCalendar, [{ op: 'update', id: berlin.id!, event: at('2030-06-10') }]);
    const out = await p.provider.listChanges(alice, aliceCalendar, full.cursor, WINDOW);
    expect([out.changed, out.removed]).toEqual([[], [berlin.id]]);
    await p.provider.writeEvents(alice, aliceCalendar, [{ op: 'update', id: berlin.id!, event: at('2030-04-10') }]);
    const back = await p.provider.listChanges(alice, aliceCalendar, out.cursor, WINDOW);
    expect([back.changed.map((e) => [e.id, e.start]), back.removed]).toEqual([[[berlin.id, { allDay: false, dateTime: '2030-04-10T16:00:00', timeZone: 'Europe/Berlin' }]], []]);
  });

  it('reports a deleted series as its master and its exception removed', async () => {
    seedSource(p);
    const full = await p.provider.listEvents(alice, aliceCalendar, WINDOW);
    const series = full.events.find((e) => e.title === 'Weekly review')!;
    const exception = full.events.find((e) => e.title === 'Weekly review (moved)')!;
    expect((await p.provider.writeEvents(alice, aliceCalendar, [{ op: 'delete', id: series.id! }]))[0].ok).toBe(true);
    const changes = await p.provider.listChanges(alice, aliceCalendar, full.cursor, WINDOW);
    expect(changes.changed).toEqual([]);
    expect([...changes.removed].sort()).toEqual([series.id, exception.id].sort());
  });

  it('reports an expired delta link as SYNC_CURSOR_EXPIRED', async () => {
    seedSource(p);
    const full = await p.provider.listEvents(alice, aliceCalendar, WINDOW);
    p.env.emulator.expireDeltaTokens(p.tenant.alice.email);
    const error = await errorOf(p.provider.listChanges(alice, aliceCalendar, full.cursor, WINDOW));
    expect([error.kind, error.status, error.providerCode]).toEqual(['SYNC_CURSOR_EXPIRED', 410, 'SyncStateNotFound']);
    expect((await errorOf(p.provider.listChanges(alice, aliceCalendar, 'not-a-cursor', WINDOW))).kind).toBe('SYNC_CURSOR_EXPIRED');
  });

  it('round-trips a series with a moved and a cancelled occurrence, an all-day and a Windows-zoned event through the model', async () => {
    seedSource(p);
    const source = (await p.provider.listEvents(alice, aliceCalendar, WINDOW)).events;
    const bob = p.app(p.tenant.bob.email);
    const bobCalendar = (await p.provider.resolveMailbox(bob)).primaryCalendarId;
    const masters = source.filter((e) => !e.occurrenceOf);
    const created = await p.provider.writeEvents(bob, bobCalendar, masters.map((event) => ({ op: 'create', key: `copy:${event.id}`, event: { ...event, copyMarker: { linkId: 'link-1', sourceEventId: event.id! } } })));
    expect(created.every((r) => r.ok)).toBe(true);
    const newId = new Map(masters.map((m, i) => [m.id!, (created[i] as { id: string }).id]));
    const exceptions = source.filter((e) => e.occurrenceOf);
    const exceptionWrites = await p.provider.writeEvents(bob, bobCalendar, exceptions.map((event) => ({
      op: 'create', key: `copy:${event.id}`,
      event: { ...event, occurrenceOf: { ...event.occurrenceOf!, seriesId: newId.get(event.occurrenceOf!.seriesId)! }, copyMarker: { linkId: 'link-1', sourceEventId: event.id! } },
    })));
    expect(exceptionWrites.every((r) => r.ok)).toBe(true);

    const copies = (await p.provider.listEvents(bob, bobCalendar, WINDOW)).events;
    const titleIn = (events: NormalizedEvent[]) => (seriesId: string) => events.find((e) => e.id === seriesId)!.title;
    const expected = source.map((e) => comparable({ ...e, copyMarker: { linkId: 'link-1', sourceEventId: e.id! } }, titleIn(source))).sort(byTitle as never);
    expect(copies.map((e) => comparable(e, titleIn(copies))).sort(byTitle as never)).toEqual(expected);
    // The marker is the documented single-value extended property.
    const stored = p.env.emulator.listStoredEvents(p.tenant.bob.email).find((e) => e.subject === 'Berlin call')!;
    expect(stored.singleValueExtendedProperties).toEqual([{ id: COPY_MARKER_PROPERTY_ID, value: JSON.stringify({ linkId: 'link-1', sourceEventId: source.find((e) => e.title === 'Berlin call')!.id }) }]);
    expect(stored.start).toMatchObject({ timeZone: 'UTC' });
    expect(stored.originalStartTimeZone).toBe('W. Europe Standard Time');
  });
});

async function findOccurrence(p: ProviderEnv, access: CalendarAccess, seriesId: string, date: string): Promise<string> {
  const token = p.env.emulator.issueToken({ clientId: p.tenant.clientId, tenantId: p.tenant.tenantId }).access_token;
  const res = await fetch(`${p.env.graphRoot}/users/${access.mailbox}/events/${seriesId}/instances?startDateTime=${date}T00:00:00Z&endDateTime=${date}T23:59:59Z&$select=id`, { headers: { Authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { value: { id: string }[] };
  return body.value[0].id;
}

