import type { ConnectionEntity } from '../../src/database/entities/connection.entity';
import { DateTime } from 'luxon';
import type { CalendarProvider, EventTime, NormalizedEvent } from '../../src/providers/calendar-provider';
import { ProviderRegistry } from '../../src/providers/provider-registry';
import { accessOf, connectAccount, createCrmUser, CrmUser, SandboxApp, startSandboxApp } from '../support/connections';
import { http } from '../support/http';
import { normalizedEvent } from '../support/normalized-event';

jest.setTimeout(120_000);

const ZERO = { success: true, error: null, eventsCreated: 0, eventsUpdated: 0, eventsDeleted: 0, eventsPushed: 0 };
const BERLIN = 'Europe/Berlin';

/** Dates inside the sync window whenever the suite runs. */
function day(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}
const at = (date: string, time: string) => ({ allDay: false as const, dateTime: `${date}T${time}`, timeZone: BERLIN });
const instant = (time: EventTime) => (time.allDay ? time.date : DateTime.fromISO(time.dateTime.slice(0, 19), { zone: time.timeZone ?? 'UTC' }).toMillis());
const compact = (date: string, time: string) => `${date.replace(/-/g, '')}T${time.replace(/:/g, '')}`;

/**
 * Modified occurrences (exceptions) of a series in the CRM store: a moved or edited occurrence
 * at the provider becomes an event of its own naming its series (recurringEventId, originalStart);
 * CRM edits and deletions of it, and exceptions made in the CRM, reach the provider's occurrence.
 */
describe.each([
  { driver: 'google' as const, path: 'google', mailbox: 'exa@gmail.test' },
  { driver: 'microsoft' as const, path: 'outlook', mailbox: 'exa@contoso.test' },
])('Connections: exceptions of a series against the $driver emulator', ({ driver, path, mailbox }) => {
  let s: SandboxApp;
  let user: CrmUser;
  let connection: ConnectionEntity;
  let provider: CalendarProvider;
  const upper = path.toUpperCase();
  const start = day(7);

  const sync = async () => {
    const response = await http(s.baseUrl, 'POST', `/api/v1/crm/calendar/connections/${path}/sync`, { headers: user.headers });
    expect(response.status).toBe(200);
    return response.body;
  };
  const api = (method: string, suffix = '', json?: unknown) => http(s.baseUrl, method, `/api/v1/crm/calendar/events${suffix}`, { headers: user.headers, json });
  const events = async () => ((await api('GET', '?limit=500')).body.events as Array<Record<string, any>>).filter((event) => event.title !== undefined);
  const window = () => ({ start: new Date(Date.now() - 5 * 86_400_000).toISOString(), end: new Date(Date.now() + 120 * 86_400_000).toISOString() });
  /** Everything the provider lists in the window (masters, exceptions and, for Google, cancelled instances). */
  const atProvider = async (): Promise<NormalizedEvent[]> => (await provider.listEvents(await accessOf(s.app, connection), connection.calendarId, window())).events;
  const providerWrite = async (operations: Parameters<CalendarProvider['writeEvents']>[2]) => {
    const results = await provider.writeEvents(await accessOf(s.app, connection), connection.calendarId, operations);
    for (const result of results) if (!result.ok) throw result.error;
    return results.map((result) => (result.ok ? result.id : ''));
  };
  /** The series' occurrence originally at 09:00 Berlin on `date` (providers may state it in another zone). */
  const occurrenceAt = (events: NormalizedEvent[], seriesId: string, date: string) =>
    events.find((event) => event.occurrenceOf?.seriesId === seriesId && instant(event.occurrenceOf.originalStart) === instant(at(date, '09:00:00')));

  let seriesProviderId: string;
  let seriesRowId: string;
  let exceptionRowId: string;

  beforeAll(async () => {
    s = await startSandboxApp();
    provider = s.app.get(ProviderRegistry).get(driver);
    user = await createCrmUser(s.baseUrl, s.adminToken, `exa-${driver}`);
    connection = await connectAccount(s.app, user, driver, mailbox);
    [seriesProviderId] = await providerWrite([
      { op: 'create', key: 'exa-weekly', event: normalizedEvent({ title: 'Weekly 1:1', start: at(start, '09:00:00'), end: at(start, '09:30:00'), recurrence: { rule: 'FREQ=WEEKLY;COUNT=6', exdates: [] } }) },
    ]);
    expect(await sync()).toEqual({ provider: upper, ...ZERO, eventsCreated: 1 });
    seriesRowId = (await events())[0].id;
  });
  afterAll(() => s.close());

  it('an occurrence moved at the provider becomes an exception event of its series; the next sync is quiet', async () => {
    await providerWrite([
      { op: 'create', key: 'exa-move', event: normalizedEvent({ title: 'Weekly 1:1 (moved)', start: at(day(14), '15:00:00'), end: at(day(14), '15:45:00'), occurrenceOf: { seriesId: seriesProviderId, originalStart: at(day(14), '09:00:00') } }) },
    ]);
    expect(await sync()).toEqual({ provider: upper, ...ZERO, eventsCreated: 1 });
    const stored = await events();
    expect(stored).toHaveLength(2);
    const series = stored.find((event) => event.id === seriesRowId)!;
    expect(series).toMatchObject({ title: 'Weekly 1:1', recurringEventId: null, originalStart: null, start: `${start}T09:00:00` });
    const exception = stored.find((event) => event.id !== seriesRowId)!;
    expect(exception).toMatchObject({
      title: 'Weekly 1:1 (moved)',
      start: `${day(14)}T15:00:00`,
      end: `${day(14)}T15:45:00`,
      timeZone: BERLIN,
      recurrence: [],
      recurringEventId: seriesRowId,
      originalStart: `${day(14)}T09:00:00`,
      origin: 'provider',
      provider: upper,
    });
    exceptionRowId = exception.id;
    expect(await sync()).toEqual({ provider: upper, ...ZERO });
  });

  it('a CRM edit of the exception is written to that occurrence at the provider, and does not echo', async () => {
    const patched = await api('PATCH', `/${exceptionRowId}`, { title: 'Weekly 1:1 (moved, room 3)', start: `${day(14)}T16:00:00`, end: `${day(14)}T16:30:00` });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ recurringEventId: seriesRowId, originalStart: `${day(14)}T09:00:00` });
    expect(await sync()).toEqual({ provider: upper, ...ZERO, eventsPushed: 1 });
    const occurrence = occurrenceAt(await atProvider(), seriesProviderId, day(14));
    expect(occurrence).toMatchObject({ title: 'Weekly 1:1 (moved, room 3)', status: 'confirmed' });
    expect(occurrence!.start).toMatchObject({ dateTime: expect.stringMatching(new RegExp(`^${day(14)}T16:00:00`)) });
    expect(await sync()).toEqual({ provider: upper, ...ZERO });
  });

  it('PATCH cannot re-attach an exception or make it recur', async () => {
    const reattach = await api('PATCH', `/${exceptionRowId}`, { recurringEventId: seriesRowId });
    expect(reattach.status).toBe(400);
    expect(reattach.body.detail).toBe(`Validation failed: recurringEventId: recurringEventId cannot be changed`);
    const recur = await api('PATCH', `/${exceptionRowId}`, { recurrence: ['RRULE:FREQ=DAILY'] });
    expect(recur.status).toBe(400);
    expect(recur.body.detail).toBe(`Validation failed: recurrence: an exception (recurringEventId) is one occurrence: recurrence must be empty`);
  });

  it('an exception made in the CRM (POST with recurringEventId) changes that occurrence at the provider', async () => {
    const bad = await api('POST', '', { title: 'x', start: `${day(21)}T11:00:00`, end: `${day(21)}T12:00:00`, timeZone: BERLIN, recurringEventId: seriesRowId, originalStart: `${day(21)}T10:00:00` });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toBe(`Validation failed: originalStart: originalStart must be a date-time on which one of the series' occurrences starts`);
    const taken = await api('POST', '', { title: 'x', start: `${day(14)}T11:00:00`, end: `${day(14)}T12:00:00`, timeZone: BERLIN, recurringEventId: seriesRowId, originalStart: `${day(14)}T09:00:00` });
    expect(taken.status).toBe(400);
    expect(taken.body.detail).toBe(`Validation failed: originalStart: that occurrence already has an exception: ${exceptionRowId}`);
    const notSeries = await api('POST', '', { title: 'x', start: `${day(14)}T11:00:00`, end: `${day(14)}T12:00:00`, recurringEventId: exceptionRowId, originalStart: `${day(14)}T09:00:00` });
    expect(notSeries.status).toBe(400);
    expect(notSeries.body.detail).toBe(`Validation failed: recurringEventId: recurringEventId must be the id of one of your recurring events`);

    // 08:00 in London is 09:00 in Berlin: the original start is read in the exception's zone.
    const made = await api('POST', '', { title: 'Weekly 1:1 (offsite)', start: `${day(21)}T12:00:00`, end: `${day(21)}T13:00:00`, timeZone: 'Europe/London', recurringEventId: seriesRowId, originalStart: `${day(21)}T08:00:00` });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ recurringEventId: seriesRowId, originalStart: `${day(21)}T08:00:00`, origin: 'crm', provider: null });
    expect(await sync()).toEqual({ provider: upper, ...ZERO, eventsPushed: 1 });
    const listed = await atProvider();
    expect(occurrenceAt(listed, seriesProviderId, day(21))).toMatchObject({ title: 'Weekly 1:1 (offsite)' });
    expect(listed.filter((event) => !event.occurrenceOf)).toHaveLength(1);
    expect((await api('GET', `/${made.body.id}`)).body).toMatchObject({ provider: upper, start: `${day(21)}T12:00:00` });
    expect(await sync()).toEqual({ provider: upper, ...ZERO });
  });

  it('deleting an exception in the CRM cancels that occurrence; the next sync records it as an EXDATE of the series', async () => {
    expect((await api('DELETE', `/${exceptionRowId}`)).status).toBe(204);
    expect(await sync()).toEqual({ provider: upper, ...ZERO, eventsPushed: 1 });
    const listed = await atProvider();
    const series = listed.find((event) => event.id === seriesProviderId)!;
    const cancelledInSeries = (series.recurrence?.exdates ?? []).some((time) => instant(time) === instant(at(day(14), '09:00:00')));
    const cancelledInstance = listed.some((event) => event.status === 'cancelled' && event.occurrenceOf && instant(event.occurrenceOf.originalStart) === instant(at(day(14), '09:00:00')));
    expect(cancelledInSeries || cancelledInstance).toBe(true);
    expect(await sync()).toEqual({ provider: upper, ...ZERO, eventsUpdated: 1 });
    const stored = (await events()).find((event) => event.id === seriesRowId)!;
    expect(stored.recurrence).toContain(`EXDATE;TZID=${BERLIN}:${compact(day(14), '09:00:00')}`);
    expect(await sync()).toEqual({ provider: upper, ...ZERO });
  });

  it('deleting the series in the CRM takes its exceptions along, in the API at once and at the provider on the next sync', async () => {
    expect((await events()).filter((event) => event.recurringEventId === seriesRowId)).toHaveLength(1);
    expect((await api('DELETE', `/${seriesRowId}`)).status).toBe(204);
    expect(await events()).toEqual([]);
    expect(await sync()).toEqual({ provider: upper, ...ZERO, eventsPushed: 1 });
    expect((await atProvider()).filter((event) => event.status !== 'cancelled')).toEqual([]);
    expect(await sync()).toEqual({ provider: upper, ...ZERO });
  });

  it('a series deleted at the provider takes its imported exceptions along', async () => {
    const [other] = await providerWrite([
      { op: 'create', key: 'exa-daily', event: normalizedEvent({ title: 'Standup', start: at(day(3), '09:00:00'), end: at(day(3), '09:15:00'), recurrence: { rule: 'FREQ=DAILY;COUNT=5', exdates: [] } }) },
    ]);
    await providerWrite([
      { op: 'create', key: 'exa-daily-move', event: normalizedEvent({ title: 'Standup (late)', start: at(day(4), '11:00:00'), end: at(day(4), '11:15:00'), occurrenceOf: { seriesId: other, originalStart: at(day(4), '09:00:00') } }) },
    ]);
    expect(await sync()).toEqual({ provider: upper, ...ZERO, eventsCreated: 2 });
    expect((await events()).map((event) => event.title).sort()).toEqual(['Standup', 'Standup (late)']);
    await providerWrite([{ op: 'delete', id: other }]);
    const result = await sync();
    expect(result).toMatchObject({ provider: upper, success: true, eventsCreated: 0, eventsUpdated: 0, eventsPushed: 0 });
    expect(await events()).toEqual([]);
    expect(await sync()).toEqual({ provider: upper, ...ZERO });
  });
});
