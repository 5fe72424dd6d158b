import type { Client } from '@microsoft/microsoft-graph-client';
import { type EmulatorEnv, linkPath, seededGraph, type Tenant } from './microsoft-test-env';

const WINDOW = 'startDateTime=2030-01-01T00:00:00Z&endDateTime=2030-02-01T00:00:00Z';
const at = (subject: string) => ({ subject, start: { dateTime: '2030-01-10T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2030-01-10T11:00:00', timeZone: 'UTC' } });

/**
 * https://learn.microsoft.com/en-us/graph/api/user-list-events and user-list-calendarview:
 * collections without a calendar segment are the user's default calendar; other calendars
 * only through /calendars/{id}/... .
 */
describe('Microsoft Graph emulator: which calendar a collection covers', () => {
  let env: EmulatorEnv;
  let tenant: Tenant;
  let client: Client;
  let secondId: string;

  beforeEach(async () => {
    ({ env, tenant, client } = await seededGraph());
    secondId = env.emulator.createCalendar(tenant.alice.email, 'Side project').id;
    env.emulator.seedEvent(tenant.alice.email, at('in default'));
    env.emulator.seedEvent(tenant.alice.email, { ...at('in second'), calendarId: secondId });
  });
  afterEach(() => env.close());

  async function deltaSubjects(path: string): Promise<string[]> {
    const subjects: string[] = [];
    for (let next: string | undefined = path; next; ) {
      const page = await client.api(next).get();
      subjects.push(...page.value.map((e: { subject: string }) => e.subject));
      next = page['@odata.nextLink'] ? linkPath(env, page['@odata.nextLink']) : undefined;
    }
    return [...new Set(subjects)];
  }

  const defaultOnly: [string, (t: Tenant) => string][] = [
    ['/me/events', () => '/me/events'],
    ['/users/{upn}/events', (t) => `/users/${t.alice.email}/events`],
    ['/me/calendarView', () => `/me/calendarView?${WINDOW}`],
    ['/users/{id}/calendarView', (t) => `/users/${t.alice.id}/calendarView?${WINDOW}`],
  ];
  it.each(defaultOnly)('%s lists the default calendar only', async (_name, path) => {
    const page = await client.api(path(tenant)).get();
    expect(page.value.map((e: { subject: string }) => e.subject)).toEqual(['in default']);
  });

  it('/me/calendarView/delta covers the default calendar only; /calendars/{id}/calendarView/delta the named one', async () => {
    expect(await deltaSubjects(`/me/calendarView/delta?${WINDOW}`)).toEqual(['in default']);
    expect(await deltaSubjects(`/users/${tenant.alice.email}/calendarView/delta?${WINDOW}`)).toEqual(['in default']);
    expect(await deltaSubjects(`/me/calendars/${secondId}/calendarView/delta?${WINDOW}`)).toEqual(['in second']);
  });

  it('POST /me/events creates in the default calendar, and an item id still resolves from /me/events/{id}', async () => {
    const created = await client.api('/me/events').post(at('posted'));
    expect(env.emulator.listStoredEvents(tenant.alice.email).find((e) => e.id === created.id)!.calendarId).toBe(env.emulator.listMailboxes().find((m) => m.email === tenant.alice.email)!.defaultCalendarId);
    const inSecond = (await client.api(`/me/calendars/${secondId}/events`).get()).value[0];
    expect((await client.api(`/me/events/${inSecond.id}`).get()).subject).toBe('in second');
    // The calendar-scoped path does not reach another calendar's item.
    await expect(client.api(`/me/calendar/events/${inSecond.id}`).get()).rejects.toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' });
  });
});
