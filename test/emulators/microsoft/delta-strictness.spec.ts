import type { Client, GraphError } from '@microsoft/microsoft-graph-client';
import { type EmulatorEnv, graphClient, linkPath, seedTenant, startEmulator, type Tenant } from './microsoft-test-env';
import type { MicrosoftEmulatorOptions } from '../../../src/sandbox/microsoft/microsoft-emulator';

const WINDOW = 'startDateTime=2030-01-01T00:00:00Z&endDateTime=2030-02-01T00:00:00Z';
type Item = Record<string, unknown>;
const on = (date: string, subject: string) => ({ subject, start: { dateTime: `${date}T10:00:00`, timeZone: 'UTC' }, end: { dateTime: `${date}T11:00:00`, timeZone: 'UTC' } });
const day = (d: number) => `2030-01-${String(d).padStart(2, '0')}`;

/**
 * https://learn.microsoft.com/en-us/graph/api/event-delta and
 * https://learn.microsoft.com/en-us/graph/delta-query-overview: a delta client must
 * tolerate repeats and removals of ids it never saw, and must follow the newest link.
 */
describe('Microsoft Graph emulator: calendarView/delta is as untidy as Graph', () => {
  let env: EmulatorEnv;
  let tenant: Tenant;
  let client: Client;

  async function setup(options: MicrosoftEmulatorOptions = {}): Promise<void> {
    env = await startEmulator(options);
    tenant = seedTenant(env);
    client = graphClient(env, tenant.aliceToken);
  }
  afterEach(() => env.close());

  async function round(path: string, pageSize?: number): Promise<{ items: Item[]; deltaLink: string }> {
    const items: Item[] = [];
    for (let next = path; ; ) {
      const req = client.api(next);
      if (pageSize) req.header('Prefer', `odata.maxpagesize=${pageSize}`);
      const page = await req.get();
      items.push(...page.value);
      if (page['@odata.deltaLink']) return { items, deltaLink: linkPath(env, page['@odata.deltaLink']) };
      next = linkPath(env, page['@odata.nextLink']);
    }
  }

  it('sends @removed for events it never returned: created, changed or deleted outside the window', async () => {
    await setup();
    const inside = await client.api('/me/events').post(on(day(5), 'inside'));
    const outside = await client.api('/me/events').post(on('2030-06-01', 'outside'));
    const initial = await round(`/me/calendarView/delta?${WINDOW}`);
    expect(new Set(initial.items.map((i) => i.id))).toEqual(new Set([inside.id]));

    await client.api(`/me/events/${outside.id}`).patch({ subject: 'outside, renamed' });
    const created = await client.api('/me/events').post(on('2030-07-01', 'created outside'));
    const second = await round(initial.deltaLink);
    const removedIds = second.items.filter((i) => i['@removed']).map((i) => i.id);
    expect(new Set(removedIds)).toEqual(new Set([outside.id, created.id]));
    for (const item of second.items.filter((i) => i['@removed'])) expect(item).toEqual({ '@odata.type': '#microsoft.graph.event', id: item.id, '@removed': { reason: 'deleted' } });

    await client.api(`/me/events/${created.id}`).delete();
    const third = await round(second.deltaLink);
    expect(third.items.filter((i) => i['@removed']).map((i) => i.id)).toEqual([created.id]);
  });

  it('never reports an event that moved into the window as removed', async () => {
    await setup();
    const mover = await client.api('/me/events').post(on('2030-06-01', 'mover'));
    const initial = await round(`/me/calendarView/delta?${WINDOW}`);
    expect(initial.items).toEqual([]);
    await client.api(`/me/events/${mover.id}`).patch(on(day(3), 'mover'));
    const next = await round(initial.deltaLink);
    expect(next.items.filter((i) => i.id === mover.id).map((i) => i['@removed'] ?? i.subject)).toEqual(['mover']);
  });

  it('repeats items within a round and sends unchanged items again in later rounds (seeded)', async () => {
    await setup();
    for (let d = 1; d <= 20; d++) env.emulator.seedEvent(tenant.alice.email, on(day(d), `day ${d}`));
    const initial = await round(`/me/calendarView/delta?${WINDOW}`, 5);
    const ids = initial.items.map((i) => i.id);
    expect(new Set(ids).size).toBe(20);
    expect(ids.length).toBeGreaterThan(20);

    let link = initial.deltaLink;
    let replayed = 0;
    for (let r = 0; r < 5; r++) {
      const quiet = await round(link);
      replayed += quiet.items.length;
      for (const item of quiet.items) expect(initial.items.find((i) => i.id === item.id)!.changeKey).toBe(item.changeKey);
      link = quiet.deltaLink;
    }
    expect(replayed).toBeGreaterThan(0);
  });

  it('is reproducible: the same seed and calls give the same pages', async () => {
    const pages: unknown[][] = [];
    for (const _ of [1, 2]) {
      await setup({ seed: 7 });
      for (let d = 1; d <= 12; d++) env.emulator.seedEvent(tenant.alice.email, on(day(d), `day ${d}`));
      const initial = await round(`/me/calendarView/delta?${WINDOW}`, 4);
      pages.push(initial.items.map((i) => i.subject));
      await env.close();
    }
    expect(pages[1]).toEqual(pages[0]);
    await setup(); // for afterEach
  });

  it('keeps only the newest 3 delta links of a calendar valid; older ones answer 410 SyncStateNotFound', async () => {
    await setup();
    env.emulator.seedEvent(tenant.alice.email, on(day(2), 'one'));
    const links: string[] = [(await round(`/me/calendarView/delta?${WINDOW}`)).deltaLink];
    for (let i = 0; i < 3; i++) links.push((await round(links[links.length - 1])).deltaLink);
    // Another calendar's sync state does not push this calendar's links out.
    const other = env.emulator.createCalendar(tenant.alice.email, 'Other').id;
    for (let i = 0; i < 4; i++) await round(`/me/calendars/${other}/calendarView/delta?${WINDOW}`);

    let err: GraphError | undefined;
    try {
      await client.api(links[0]).get();
    } catch (e) {
      err = e as GraphError;
    }
    expect(err).toMatchObject({ statusCode: 410, code: 'SyncStateNotFound' });
    for (const link of links.slice(1)) await expect(client.api(link).get()).resolves.toHaveProperty('value');
  });

  it('can be made tidy for a test that needs exact-once output', async () => {
    await setup({ delta: { replays: false, phantomRemovals: false } });
    for (let d = 1; d <= 12; d++) env.emulator.seedEvent(tenant.alice.email, on(day(d), `day ${d}`));
    await client.api('/me/events').post(on('2030-06-01', 'outside'));
    const initial = await round(`/me/calendarView/delta?${WINDOW}`, 5);
    expect(initial.items).toHaveLength(12);
    await client.api('/me/events').post(on('2030-07-01', 'outside too'));
    expect((await round(initial.deltaLink)).items).toEqual([]);
  });
});
