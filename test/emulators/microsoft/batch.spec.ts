import { BatchRequestContent, BatchResponseContent, type Client } from '@microsoft/microsoft-graph-client';
import { type EmulatorEnv, graphClient, jsonOf, seededGraph, type Tenant } from './microsoft-test-env';

const event = (subject: string, transactionId?: string) => ({
  subject,
  start: { dateTime: '2030-01-10T10:00:00', timeZone: 'UTC' },
  end: { dateTime: '2030-01-10T11:00:00', timeZone: 'UTC' },
  ...(transactionId ? { transactionId } : {}),
});

describe('Microsoft Graph emulator: JSON $batch', () => {
  let env: EmulatorEnv;
  let tenant: Tenant;
  let client: Client;

  beforeEach(async () => ({ env, tenant, client } = await seededGraph()));
  afterEach(() => env.close());

  it('runs dependent requests in order and answers per request with status, headers and body', async () => {
    const existing = await client.api('/me/events').post(event('to delete'));
    const res = await client.api('/$batch').post({
      requests: [
        { id: '1', method: 'POST', url: '/me/events', headers: { 'Content-Type': 'application/json' }, body: event('one', 'tx-1') },
        { id: '2', method: 'POST', url: `/users/${tenant.alice.email}/events`, headers: { 'Content-Type': 'application/json' }, body: event('two', 'tx-2'), dependsOn: ['1'] },
        { id: '3', method: 'GET', url: '/me/events?$select=subject', dependsOn: ['2'] },
        { id: '4', method: 'DELETE', url: `/me/events/${existing.id}` },
        { id: '5', method: 'GET', url: '/me/events/AAMkAdoesnotexist' },
      ],
    });
    const byId = new Map<string, { status: number; headers: Record<string, string>; body?: Record<string, unknown> }>(res.responses.map((r: { id: string }) => [r.id, r]));
    expect(byId.get('1')!.status).toBe(201);
    expect(byId.get('1')!.body).toMatchObject({ subject: 'one', transactionId: 'tx-1' });
    expect(byId.get('1')!.headers['Content-Type']).toMatch(/^application\/json/);
    expect(byId.get('2')!.status).toBe(201);
    // 3 ran after 1 and 2 (dependsOn); 4 may run before or after 3.
    const listed = (byId.get('3')!.body!.value as { subject: string }[]).map((e) => e.subject);
    expect(listed).toEqual(expect.arrayContaining(['one', 'two']));
    expect(byId.get('4')!.status).toBe(204);
    expect(byId.get('4')!.body).toBeUndefined();
    expect(byId.get('5')!.status).toBe(404);
    expect(byId.get('5')!.body).toMatchObject({ error: { code: 'ErrorItemNotFound' } });

    // Each sub-request was counted against the mailbox.
    const counts = env.emulator.requestCounts();
    expect(counts.byMailbox['alice@contoso.test']).toBe(1 + 5);
    expect(counts.byEndpoint['POST /$batch']).toBe(1);
    expect(counts.byEndpoint['POST /me/events']).toBe(2);
  });

  it('answers 424 for a request whose dependency failed', async () => {
    const res = await client.api('/$batch').post({
      requests: [
        { id: 'a', method: 'PATCH', url: '/me/events/AAMkAmissing', headers: { 'Content-Type': 'application/json' }, body: { subject: 'x' } },
        { id: 'b', method: 'POST', url: '/me/events', headers: { 'Content-Type': 'application/json' }, body: event('never'), dependsOn: ['a'] },
      ],
    });
    const byId = responsesById(res);
    expect(byId.a).toMatchObject({ id: 'a', status: 404 });
    expect(byId.b).toMatchObject({ id: 'b', status: 424 });
    expect(env.emulator.listStoredEvents(tenant.alice.email)).toEqual([]);
  });

  it('rejects more than 20 requests, duplicate ids and unknown dependencies with 400', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: '/me' }));
    await expect(client.api('/$batch').post({ requests })).rejects.toMatchObject({ statusCode: 400 });
    await expect(client.api('/$batch').post({ requests: [{ id: '1', method: 'GET', url: '/me' }, { id: '1', method: 'GET', url: '/me' }] })).rejects.toMatchObject({ statusCode: 400 });
    await expect(client.api('/$batch').post({ requests: [{ id: '1', method: 'GET', url: '/me', dependsOn: ['9'] }] })).rejects.toMatchObject({ statusCode: 400 });
    expect(env.emulator.listStoredEvents(tenant.alice.email)).toEqual([]);
  });

  it('works with the client library BatchRequestContent helpers', async () => {
    const content = new BatchRequestContent([
      { id: '1', request: new Request(`${env.graphRoot}/me`, { method: 'GET' }) },
      { id: '2', request: new Request(`${env.graphRoot}/me/events`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(event('via helper')) }), dependsOn: ['1'] },
    ]);
    // The helper strips scheme and host only ("/sandbox/microsoft/graph/v1.0/me"); the emulator accepts that like Graph accepts "/v1.0/me".
    const body = await content.getContent();
    expect(body.requests[0].url).toBe('/sandbox/microsoft/graph/v1.0/me');
    const raw = await client.api('/$batch').post(body);
    const responses = new BatchResponseContent(raw);
    expect((await jsonOf(responses.getResponseById('1'))).userPrincipalName).toBe('alice@contoso.test');
    expect(responses.getResponseById('2').status).toBe(201);
  });

  it('throttles sub-requests individually against the mailbox request rate', async () => {
    env.emulator.setThrottling({ requestsPerWindow: 3, windowMs: 60_000 });
    const requests = Array.from({ length: 4 }, (_, i) => ({ id: `r${i}`, method: 'GET', url: '/me/events', ...(i > 0 ? { dependsOn: [`r${i - 1}`] } : {}) }));
    const byId = responsesById(await client.api('/$batch').post({ requests }));
    expect([0, 1, 2, 3].map((i) => byId[`r${i}`].status)).toEqual([200, 200, 200, 429]);
    expect(byId.r3.headers['Retry-After']).toMatch(/^[1-9]\d*$/);
    expect(byId.r3.body).toMatchObject({ error: { code: 'ApplicationThrottled' } });
  });

  // https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits (4 concurrent requests per app and mailbox)
  it('runs independent sub-requests concurrently, so more than four against one mailbox get 429 MailboxConcurrency', async () => {
    const requests = Array.from({ length: 6 }, (_, i) => ({ id: `g${i}`, method: 'GET', url: '/me/events' }));
    const res = await client.api('/$batch').post({ requests });
    const statuses = res.responses.map((r: BatchAnswer) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    const throttled = res.responses.filter((r: BatchAnswer) => r.status === 429);
    for (const r of throttled) {
      expect(r.headers['Retry-After']).toBe('1');
      expect(r.body).toMatchObject({ error: { code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' } });
    }
    // Chained with dependsOn they run one after another and all succeed.
    const chained = requests.map((r, i) => (i > 0 ? { ...r, dependsOn: [`g${i - 1}`] } : r));
    const sequential = await client.api('/$batch').post({ requests: chained });
    expect(sequential.responses.map((r: BatchAnswer) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  // https://learn.microsoft.com/en-us/graph/json-batching ("responses might appear in a different order")
  it('answers in a shuffled order that the seed reproduces', async () => {
    const requests = Array.from({ length: 10 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: '/me/calendars', ...(i > 0 ? { dependsOn: [String(i)] } : {}) }));
    const order = async (e: EmulatorEnv, token: string) => ((await graphClient(e, token).api('/$batch').post({ requests })).responses as BatchAnswer[]).map((r) => r.id);
    const first = await order(env, tenant.aliceToken);
    expect([...first].sort((a, b) => Number(a) - Number(b))).toEqual(requests.map((r) => r.id));
    expect(first).not.toEqual(requests.map((r) => r.id));

    const twin = await seededGraph();
    try {
      expect(await order(twin.env, twin.tenant.aliceToken)).toEqual(first);
    } finally {
      await twin.env.close();
    }
  });
});

interface BatchAnswer {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: Record<string, unknown>;
}

/** A correct client correlates batch answers by id, never by position. */
function responsesById(res: { responses: BatchAnswer[] }): Record<string, BatchAnswer> {
  return Object.fromEntries(res.responses.map((r) => [r.id, r]));
}
