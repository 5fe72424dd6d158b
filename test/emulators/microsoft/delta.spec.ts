import type { Client, GraphError } from '@microsoft/microsoft-graph-client';
import { type EmulatorEnv, jsonOf, linkPath, seededGraph, type Tenant } from './microsoft-test-env';

interface DeltaPage {
  value: Record<string, unknown>[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

const WINDOW = 'startDateTime=2030-01-01T00:00:00Z&endDateTime=2030-02-01T00:00:00Z';

type Item = Record<string, unknown>;

/**
 * What a correct delta client keeps: Graph may send an item more than once and may send
 * @removed for ids it never returned, so items are upserted by id and removals of unknown
 * ids are no-ops.
 */
function apply(store: Map<string, Item>, items: Item[]): Map<string, Item> {
  for (const item of items) {
    if (item['@removed']) store.delete(item.id as string);
    else store.set(item.id as string, item);
  }
  return store;
}

const uniqueIds = (items: Item[]) => [...new Set(items.map((i) => i.id as string))];
const subjectsOf = (store: Map<string, Item>) => [...store.values()].map((i) => i.subject as string).sort();

describe('Microsoft Graph emulator: calendarView/delta', () => {
  let env: EmulatorEnv;
  let tenant: Tenant;
  let client: Client;

  beforeEach(async () => ({ env, tenant, client } = await seededGraph()));
  afterEach(() => env.close());

  const eventOn = (day: number, subject: string) => ({
    subject,
    start: { dateTime: `2030-01-${String(day).padStart(2, '0')}T10:00:00`, timeZone: 'UTC' },
    end: { dateTime: `2030-01-${String(day).padStart(2, '0')}T11:00:00`, timeZone: 'UTC' },
  });

  /** Follows nextLinks to the end of a round; returns all items, the page count and the deltaLink. */
  async function round(first: string, pageSize?: number): Promise<{ items: Record<string, unknown>[]; pages: number; deltaLink: string; nextLinks: string[] }> {
    const items: Record<string, unknown>[] = [];
    const nextLinks: string[] = [];
    let path = first;
    for (let pages = 1; ; pages++) {
      const req = client.api(path);
      if (pageSize) req.header('Prefer', `odata.maxpagesize=${pageSize}`);
      const page = (await req.get()) as DeltaPage;
      items.push(...page.value);
      if (page['@odata.nextLink']) {
        expect(page['@odata.deltaLink']).toBeUndefined();
        nextLinks.push(page['@odata.nextLink']);
        path = linkPath(env, page['@odata.nextLink']);
        continue;
      }
      expect(page['@odata.deltaLink']).toBeDefined();
      return { items, pages, deltaLink: page['@odata.deltaLink']!, nextLinks };
    }
  }

  it('pages the initial round with $skiptoken and ends with a $deltatoken link', async () => {
    for (let d = 1; d <= 7; d++) await client.api('/me/events').post(eventOn(d, `day ${d}`));
    await client.api('/me/events').post({ ...eventOn(1, 'outside'), start: { dateTime: '2030-03-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2030-03-01T11:00:00', timeZone: 'UTC' } });

    const result = await round(`/me/calendarView/delta?${WINDOW}`, 3);
    // 7 items in pages of 3, plus whatever Graph repeats.
    expect(result.pages).toBe(Math.ceil(result.items.length / 3));
    expect(result.pages).toBeGreaterThanOrEqual(3);
    const store = apply(new Map(), result.items);
    expect(subjectsOf(store)).toEqual(['day 1', 'day 2', 'day 3', 'day 4', 'day 5', 'day 6', 'day 7']);
    // First appearances keep calendarView order; repeats only come later.
    expect(uniqueIds(result.items).map((id) => store.get(id)!.subject)).toEqual(['day 1', 'day 2', 'day 3', 'day 4', 'day 5', 'day 6', 'day 7']);
    for (const link of result.nextLinks) expect(link).toMatch(new RegExp(`^${env.graphRoot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/me/calendarView/delta\\?\\$skiptoken=`));
    expect(result.deltaLink).toMatch(/\/me\/calendarView\/delta\?\$deltatoken=[\w-]+$/);

    // Nothing changed: one request; anything it returns is a repeat of what the client has.
    env.emulator.resetRequestCounts();
    const again = await round(linkPath(env, result.deltaLink));
    for (const item of again.items) expect(item.changeKey).toBe(store.get(item.id as string)!.changeKey);
    expect(subjectsOf(apply(store, again.items))).toEqual(['day 1', 'day 2', 'day 3', 'day 4', 'day 5', 'day 6', 'day 7']);
    expect(env.emulator.requestCounts().byEndpoint).toEqual({ 'GET /me/calendarView/delta': 1 });
  });

  it('returns exactly the created, updated and deleted events after the deltaLink, deletions as @removed', async () => {
    const keep = await client.api('/me/events').post(eventOn(2, 'keep'));
    const change = await client.api('/me/events').post(eventOn(3, 'change'));
    const remove = await client.api('/me/events').post(eventOn(4, 'remove'));
    const moveOut = await client.api('/me/events').post(eventOn(5, 'move out'));
    const initial = await round(`/users/${tenant.alice.email}/calendarView/delta?${WINDOW}`);
    expect(uniqueIds(initial.items)).toHaveLength(4);
    const store = apply(new Map(), initial.items);

    const added = await client.api('/me/events').post(eventOn(6, 'added'));
    await client.api(`/me/events/${change.id}`).patch({ subject: 'changed' });
    await client.api(`/me/events/${remove.id}`).delete();
    await client.api(`/me/events/${moveOut.id}`).patch({ start: { dateTime: '2031-01-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2031-01-01T11:00:00', timeZone: 'UTC' } });

    const next = await round(linkPath(env, initial.deltaLink));
    const byId = new Map(next.items.map((i) => [i.id as string, i]));
    // Every change is there; anything else is a repeat of the unchanged event.
    expect([...byId.keys()].filter((id) => id !== keep.id).sort()).toEqual([added.id, change.id, remove.id, moveOut.id].sort());
    if (byId.has(keep.id)) expect(byId.get(keep.id)!.changeKey).toBe(store.get(keep.id)!.changeKey);
    expect(byId.get(added.id)).toMatchObject({ subject: 'added', type: 'singleInstance' });
    expect(byId.get(change.id)).toMatchObject({ subject: 'changed' });
    expect(byId.get(remove.id)).toEqual({ '@odata.type': '#microsoft.graph.event', id: remove.id, '@removed': { reason: 'deleted' } });
    expect(byId.get(moveOut.id)).toMatchObject({ '@removed': { reason: 'deleted' } });
    expect(subjectsOf(apply(store, next.items))).toEqual(['added', 'changed', 'keep']);
    expect(next.deltaLink).toContain(`/users/${tenant.alice.email}/calendarView/delta?$deltatoken=`);

    // The new deltaLink starts from the new state. moveOut, now outside the window, is not
    // changed again, so nothing but repeats comes back.
    const quiet = await round(linkPath(env, next.deltaLink));
    expect(subjectsOf(apply(store, quiet.items))).toEqual(['added', 'changed', 'keep']);
  });

  it('answers 410 SyncStateNotFound once the mailbox delta tokens are expired, and for unknown tokens', async () => {
    await client.api('/me/events').post(eventOn(2, 'one'));
    const initial = await round(`/me/calendarView/delta?${WINDOW}`);
    expect(env.emulator.expireDeltaTokens(tenant.alice.email)).toBeGreaterThan(0);
    let err: GraphError | undefined;
    try {
      await client.api(linkPath(env, initial.deltaLink)).get();
    } catch (e) {
      err = e as GraphError;
    }
    expect(err?.statusCode).toBe(410);
    expect(err?.code).toBe('SyncStateNotFound');

    const raw = await fetch(`${env.graphRoot}/me/calendarView/delta?$deltatoken=not-a-token`, { headers: { Authorization: `Bearer ${tenant.aliceToken}` } });
    expect(raw.status).toBe(410);
    const body = await jsonOf(raw);
    expect(body.error.code).toBe('SyncStateNotFound');
    expect(body.error.innerError['request-id']).toMatch(/^[0-9a-f-]{36}$/);

    // A full resync works again.
    const fresh = await round(`/me/calendarView/delta?${WINDOW}`);
    expect(subjectsOf(apply(new Map(), fresh.items))).toEqual(['one']);
  });

  it('requires the time window on the initial request', async () => {
    const res = await fetch(`${env.graphRoot}/me/calendarView/delta`, { headers: { Authorization: `Bearer ${tenant.aliceToken}` } });
    expect(res.status).toBe(400);
    expect((await jsonOf(res)).error.code).toBe('ErrorInvalidParameter');
  });

  it('reports occurrences of a series in the view, and only the touched occurrence after an exception edit', async () => {
    const series = await client.api('/me/events').post({
      ...eventOn(7, 'standup'),
      recurrence: { pattern: { type: 'daily', interval: 1 }, range: { type: 'numbered', startDate: '2030-01-07', numberOfOccurrences: 3 } },
    });
    const initial = await round(`/me/calendarView/delta?${WINDOW}`);
    const store = apply(new Map(), initial.items);
    expect([...store.values()].map((i) => [i.type, i.seriesMasterId])).toEqual([
      ['occurrence', series.id],
      ['occurrence', series.id],
      ['occurrence', series.id],
    ]);
    const second = [...store.values()][1];
    await client.api(`/me/events/${second.id}`).patch({ subject: 'standup (late)' });
    const next = await round(linkPath(env, initial.deltaLink));
    // Only the touched occurrence changed; the others may come again unchanged.
    const changed = next.items.filter((i) => store.get(i.id as string)?.changeKey !== i.changeKey);
    expect(uniqueIds(changed)).toEqual([second.id]);
    expect(changed[0]).toMatchObject({ id: second.id, type: 'exception', subject: 'standup (late)' });
  });
});
