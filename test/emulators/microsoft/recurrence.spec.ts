import type { Client } from '@microsoft/microsoft-graph-client';
import { type EmulatorEnv, seededGraph, type Tenant } from './microsoft-test-env';

describe('Microsoft Graph emulator: recurring series', () => {
  let env: EmulatorEnv;
  let tenant: Tenant;
  let client: Client;

  beforeEach(async () => ({ env, tenant, client } = await seededGraph()));
  afterEach(() => env.close());

  /** Weekly on Mon/Wed 09:00 Pacific, 6 occurrences from Mon 2030-03-04 (crosses the US DST change on 2030-03-10). */
  function seedSeries() {
    return env.emulator.seedEvent(tenant.alice.email, {
      subject: 'Team sync',
      start: { dateTime: '2030-03-04T09:00:00', timeZone: 'Pacific Standard Time' },
      end: { dateTime: '2030-03-04T09:30:00', timeZone: 'Pacific Standard Time' },
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday', 'wednesday'], firstDayOfWeek: 'sunday' },
        range: { type: 'numbered', startDate: '2030-03-04', numberOfOccurrences: 6 },
      },
      exceptions: [{ originalStartDate: '2030-03-11', subject: 'Team sync (moved)', start: { dateTime: '2030-03-11T13:00:00', timeZone: 'Pacific Standard Time' }, end: { dateTime: '2030-03-11T14:00:00', timeZone: 'Pacific Standard Time' } }],
      cancelledOccurrences: ['2030-03-13'],
    });
  }

  it('returns the series master with its patternedRecurrence', async () => {
    const seeded = seedSeries();
    const master = await client.api(`/me/events/${seeded.id}`).get();
    expect(master.type).toBe('seriesMaster');
    expect(master.recurrence).toEqual({
      pattern: { type: 'weekly', interval: 1, month: 0, dayOfMonth: 0, daysOfWeek: ['monday', 'wednesday'], firstDayOfWeek: 'sunday', index: 'first' },
      range: { type: 'numbered', startDate: '2030-03-04', endDate: '0001-01-01', recurrenceTimeZone: 'Pacific Standard Time', numberOfOccurrences: 6 },
    });
    const withCancelled = await client.api(`/me/events/${seeded.id}`).select('subject,cancelledOccurrences').get();
    expect(withCancelled.cancelledOccurrences).toEqual([`OID.${seeded.id}.2030-03-13`]);
    const withExceptions = await client.api(`/me/events/${seeded.id}`).expand('exceptionOccurrences').get();
    expect(withExceptions.exceptionOccurrences.map((e: { subject: string }) => e.subject)).toEqual(['Team sync (moved)']);
  });

  it('expands the series in calendarView: occurrences at the local time across DST, the exception moved, the cancelled one gone', async () => {
    const seeded = seedSeries();
    const view = await client
      .api('/me/calendarView')
      .query({ startDateTime: '2030-03-01T00:00:00Z', endDateTime: '2030-04-01T00:00:00Z' })
      .header('Prefer', 'outlook.timezone="Pacific Standard Time"')
      .get();
    const rows = view.value.map((e: { type: string; start: { dateTime: string }; subject: string; seriesMasterId: string; originalStart: string }) => [e.type, e.start.dateTime, e.subject, e.seriesMasterId, e.originalStart]);
    expect(rows).toEqual([
      ['occurrence', '2030-03-04T09:00:00.0000000', 'Team sync', seeded.id, '2030-03-04T17:00:00Z'],
      ['occurrence', '2030-03-06T09:00:00.0000000', 'Team sync', seeded.id, '2030-03-06T17:00:00Z'],
      ['exception', '2030-03-11T13:00:00.0000000', 'Team sync (moved)', seeded.id, '2030-03-11T16:00:00Z'],
      ['occurrence', '2030-03-18T09:00:00.0000000', 'Team sync', seeded.id, '2030-03-18T16:00:00Z'],
      ['occurrence', '2030-03-20T09:00:00.0000000', 'Team sync', seeded.id, '2030-03-20T16:00:00Z'],
    ]);
    // In UTC the wall-clock 09:00 moves from 17:00Z to 16:00Z after DST starts.
    const utc = await client.api('/me/calendarView').query({ startDateTime: '2030-03-18T00:00:00Z', endDateTime: '2030-03-19T00:00:00Z' }).get();
    expect(utc.value[0].start).toEqual({ dateTime: '2030-03-18T16:00:00.0000000', timeZone: 'UTC' });
    expect(utc.value[0].recurrence).toBeNull();
  });

  it('lists instances, turns a PATCHed occurrence into an exception and a DELETEd one into a cancelled occurrence', async () => {
    const master = await client.api('/me/events').post({
      subject: 'Monthly review',
      start: { dateTime: '2030-01-08T15:00:00', timeZone: 'UTC' },
      end: { dateTime: '2030-01-08T16:00:00', timeZone: 'UTC' },
      recurrence: { pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['tuesday'], index: 'second' }, range: { type: 'endDate', startDate: '2030-01-08', endDate: '2030-06-30' } },
    });
    const instances = await client.api(`/me/events/${master.id}/instances`).query({ startDateTime: '2030-01-01T00:00:00Z', endDateTime: '2031-01-01T00:00:00Z' }).get();
    expect(instances.value.map((e: { start: { dateTime: string } }) => e.start.dateTime.slice(0, 10))).toEqual(['2030-01-08', '2030-02-12', '2030-03-12', '2030-04-09', '2030-05-14', '2030-06-11']);

    const [, feb, mar] = instances.value;
    const patched = await client.api(`/me/events/${feb.id}`).patch({ subject: 'Monthly review (Feb)' });
    expect(patched).toMatchObject({ id: feb.id, type: 'exception', subject: 'Monthly review (Feb)', seriesMasterId: master.id });
    await client.api(`/me/events/${mar.id}`).delete();

    const after = await client.api(`/me/events/${master.id}/instances`).query({ startDateTime: '2030-01-01T00:00:00Z', endDateTime: '2031-01-01T00:00:00Z' }).get();
    expect(after.value.map((e: { type: string; subject: string }) => `${e.type}:${e.subject}`)).toEqual([
      'occurrence:Monthly review',
      'exception:Monthly review (Feb)',
      'occurrence:Monthly review',
      'occurrence:Monthly review',
      'occurrence:Monthly review',
    ]);
    const stored = env.emulator.listStoredEvents(tenant.alice.email);
    expect(stored).toHaveLength(1);
    expect(stored[0].cancelledOccurrences).toEqual([`OID.${master.id}.2030-03-12`]);
    expect((stored[0].exceptionOccurrences as { subject: string }[]).map((e) => e.subject)).toEqual(['Monthly review (Feb)']);
  });

  it('keeps all-day series on dates', async () => {
    await client.api('/me/events').post({
      subject: 'Payday',
      isAllDay: true,
      start: { dateTime: '2030-01-31T00:00:00', timeZone: 'UTC' },
      end: { dateTime: '2030-02-01T00:00:00', timeZone: 'UTC' },
      recurrence: { pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 }, range: { type: 'numbered', startDate: '2030-01-31', numberOfOccurrences: 3 } },
    });
    const view = await client.api('/me/calendarView').query({ startDateTime: '2030-01-01T00:00:00Z', endDateTime: '2030-06-01T00:00:00Z' }).get();
    expect(view.value.map((e: { start: { dateTime: string }; end: { dateTime: string }; isAllDay: boolean }) => [e.start.dateTime, e.end.dateTime, e.isAllDay])).toEqual([
      ['2030-01-31T00:00:00.0000000', '2030-02-01T00:00:00.0000000', true],
      ['2030-02-28T00:00:00.0000000', '2030-03-01T00:00:00.0000000', true],
      ['2030-03-31T00:00:00.0000000', '2030-04-01T00:00:00.0000000', true],
    ]);
  });

  it('rejects an invalid recurrence', async () => {
    await expect(
      client.api('/me/events').post({
        subject: 'bad',
        start: { dateTime: '2030-01-08T15:00:00', timeZone: 'UTC' },
        end: { dateTime: '2030-01-08T16:00:00', timeZone: 'UTC' },
        recurrence: { pattern: { type: 'weekly', interval: 1 }, range: { type: 'noEnd', startDate: '2030-01-08' } },
      }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });
});
