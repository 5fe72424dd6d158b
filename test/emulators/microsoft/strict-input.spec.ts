import type { Client } from '@microsoft/microsoft-graph-client';
import { type EmulatorEnv, seededGraph, type Tenant } from './microsoft-test-env';

const WINDOW = 'startDateTime=2030-01-01T00:00:00Z&endDateTime=2030-02-01T00:00:00Z';
const at = (subject: string, timeZone = 'UTC') => ({ subject, start: { dateTime: '2030-01-10T10:00:00', timeZone }, end: { dateTime: '2030-01-10T11:00:00', timeZone } });

/** What Graph v1.0 refuses that a lenient emulator would let through. */
describe('Microsoft Graph emulator: query and body strictness', () => {
  let env: EmulatorEnv;
  let tenant: Tenant;
  let client: Client;

  beforeEach(async () => ({ env, tenant, client } = await seededGraph()));
  afterEach(() => env.close());

  // https://learn.microsoft.com/en-us/graph/api/resources/event?view=graph-rest-1.0 (uid is beta only)
  const unknownSelects: [string, string][] = [
    ['/me/events?$select=subject,uid', 'uid'],
    ['/me/events?$select=occurrenceId', 'occurrenceId'],
    [`/me/calendarView?${WINDOW}&$select=nosuchthing`, 'nosuchthing'],
    [`/me/calendarView/delta?${WINDOW}&$select=subject,uid`, 'uid'],
    ['/me/events?$orderby=nosuchthing desc', 'nosuchthing'],
    ['/me/events?$expand=nosuchthing', 'nosuchthing'],
  ];
  it.each(unknownSelects)('%s → 400 RequestBroker--ParseUri', async (path, name) => {
    await expect(client.api(path).get()).rejects.toMatchObject({
      statusCode: 400,
      code: 'RequestBroker--ParseUri',
      message: `Could not find a property named '${name}' on type 'microsoft.graph.event'.`,
    });
  });

  it('returns no uid property on v1.0 and refuses one in a body', async () => {
    const created = await client.api('/me/events').post(at('no uid'));
    expect(created).not.toHaveProperty('uid');
    expect((await client.api(`/me/events/${created.id}`).get())).not.toHaveProperty('uid');
    await expect(client.api('/me/events').post({ ...at('with uid'), uid: 'abc' })).rejects.toMatchObject({ statusCode: 400, code: 'RequestBodyRead' });
  });

  it('gives every occurrence of a series its own iCalUId, derived from the master', async () => {
    const master = await client.api('/me/events').post({
      ...at('daily'),
      recurrence: { pattern: { type: 'daily', interval: 1 }, range: { type: 'numbered', startDate: '2030-01-10', numberOfOccurrences: 3 } },
    });
    const view = (await client.api(`/me/calendarView?${WINDOW}`).get()).value as { iCalUId: string; seriesMasterId: string }[];
    expect(view).toHaveLength(3);
    const ids = view.map((o) => o.iCalUId);
    expect(new Set([...ids, master.iCalUId]).size).toBe(4);
    // GlobalObjectId: bytes 16-19 carry the occurrence date (0x07EE = 2030, 01, 0A..0C).
    expect(ids).toEqual(['0A', '0B', '0C'].map((day) => `${master.iCalUId.slice(0, 32)}07EE01${day}${master.iCalUId.slice(40)}`));
    expect(master.iCalUId.slice(32, 40)).toBe('00000000');
  });

  // https://learn.microsoft.com/en-us/graph/api/resources/datetimetimezone
  const zones: [string, boolean][] = [
    ['Pacific Standard Time', true],
    ['W. Europe Standard Time', true],
    ['Europe/Berlin', true],
    ['America/Sao_Paulo', true],
    ['Etc/GMT+5', true],
    ['Mars/Olympus_Mons', false],
    ['+05:00', false],
    ['Etc/GMT+15', false],
    ['Central Europe Daylight Time', false],
  ];
  it.each(zones)('time zone %s accepted: %s', async (zone, accepted) => {
    const attempt = client.api('/me/events').post(at(`zone ${zone}`, zone));
    if (accepted) {
      await expect(attempt).resolves.toMatchObject({ originalStartTimeZone: zone });
    } else {
      await expect(attempt).rejects.toMatchObject({
        statusCode: 400,
        code: 'TimeZoneNotSupportedException',
        message: `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${zone}'.`,
      });
    }
  });

  it('refuses an unsupported recurrenceTimeZone', async () => {
    const series = {
      ...at('daily'),
      recurrence: { pattern: { type: 'daily', interval: 1 }, range: { type: 'numbered', startDate: '2030-01-10', numberOfOccurrences: 3, recurrenceTimeZone: 'Atlantis Standard Time' } },
    };
    await expect(client.api('/me/events').post(series)).rejects.toMatchObject({ statusCode: 400, code: 'TimeZoneNotSupportedException' });
    expect(env.emulator.listStoredEvents(tenant.alice.email)).toEqual([]);
  });

  it('refuses an unsupported zone on PATCH and leaves the event unchanged', async () => {
    const created = await client.api('/me/events').post(at('patch me'));
    await expect(client.api(`/me/events/${created.id}`).patch({ end: { dateTime: '2030-01-10T12:00:00', timeZone: 'Nowhere/Land' } })).rejects.toMatchObject({ statusCode: 400, code: 'TimeZoneNotSupportedException' });
    expect(env.emulator.listStoredEvents(tenant.alice.email)[0]).toMatchObject({ end: { dateTime: '2030-01-10T11:00:00.0000000', timeZone: 'UTC' } });
  });

  it('answers a deeply nested $filter with 400, not a 500', async () => {
    const filter = `${'('.repeat(2000)}subject eq 'x'${')'.repeat(2000)}`;
    await expect(client.api('/me/events').filter(filter).get()).rejects.toMatchObject({
      statusCode: 400,
      code: 'BadRequest',
      message: 'Invalid filter clause: Recursion depth exceeded allowed limit.',
    });
    const ok = `${'('.repeat(20)}subject eq 'x'${')'.repeat(20)}`;
    await expect(client.api('/me/events').filter(ok).get()).resolves.toMatchObject({ value: [] });
  });
});
