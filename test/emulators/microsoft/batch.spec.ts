import { BatchRequestContent, BatchResponseContent, type Client } from '@microsoft/microsoft-graph-client';
import { type EmulatorEnv, jsonOf, seededGraph, type Tenant } from './microsoft-test-env';

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
    const [a, b] = res.responses;
    expect(a).toMatchObject({ id: 'a', status: 404 });
    expect(b).toMatchObject({ id: 'b', status: 424 });
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

  it('throttles sub-requests individually', async () => {
    env.emulator.setThrottling({ requestsPerWindow: 3, windowMs: 60_000 });
    const res = await client.api('/$batch').post({ requests: Array.from({ length: 5 }, (_, i) => ({ id: `r${i}`, method: 'GET', url: '/me/events' })) });
    const statuses = res.responses.map((r: { status: number }) => r.status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(res.responses[3].headers['Retry-After']).toMatch(/^\d+$/);
    expect(res.responses[3].body.error.code).toBe('ApplicationThrottled');
  });
});
