import type { Client, GraphError } from '@microsoft/microsoft-graph-client';
import { graphClient, seedTenant, startEmulator, type EmulatorEnv, type Tenant, jsonOf } from './microsoft-test-env';

describe('Microsoft Graph emulator: throttling and faults', () => {
  let env: EmulatorEnv;
  let tenant: Tenant;
  let client: Client;

  beforeEach(async () => {
    env = await startEmulator({ throttling: { requestsPerWindow: 5, windowMs: 60_000 } });
    tenant = seedTenant(env);
    client = graphClient(env, tenant.aliceToken);
  });
  afterEach(() => env.close());

  it('answers 429 ApplicationThrottled with Retry-After over the per-mailbox rate', async () => {
    for (let i = 0; i < 5; i++) await client.api('/me/events').get();
    let err: GraphError | undefined;
    try {
      await client.api('/me/events').get();
    } catch (e) {
      err = e as GraphError;
    }
    expect(err?.statusCode).toBe(429);
    expect(err?.code).toBe('ApplicationThrottled');
    const retryAfter = Number(err?.headers?.get('Retry-After'));
    expect(retryAfter).toBeGreaterThanOrEqual(59);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // The limit is per mailbox: bob is unaffected.
    const bobToken = env.emulator.issueToken({ clientId: tenant.clientId, mailbox: tenant.bob.email }).access_token;
    await expect(graphClient(env, bobToken).api('/me/events').get()).resolves.toMatchObject({ value: [] });
    expect(env.emulator.requestCounts().byMailbox).toEqual({ 'alice@contoso.test': 6, 'bob@contoso.test': 1 });
  });

  it('answers 429 MailboxConcurrency above 4 concurrent requests to one mailbox', async () => {
    env.emulator.setThrottling({ requestsPerWindow: 0 });
    env.emulator.setLatency(150);
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => client.api('/me/events').get()));
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    expect(rejected).toHaveLength(2);
    for (const r of rejected) {
      expect(r.reason.statusCode).toBe(429);
      expect(r.reason.message).toBe('Application is over its MailboxConcurrency limit.');
    }
    env.emulator.setLatency(0);
    await expect(client.api('/me/events').get()).resolves.toMatchObject({ value: [] });
  });

  it('injects faults matched by method, path and mailbox, N times', async () => {
    env.emulator.setThrottling({ requestsPerWindow: 0 });
    env.emulator.injectFault({ status: 503, count: 2, match: { method: 'POST', pathIncludes: '/events', mailbox: 'alice@contoso.test' } });
    const body = { subject: 's', start: { dateTime: '2030-01-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2030-01-01T11:00:00', timeZone: 'UTC' } };
    await expect(client.api('/me/events').get()).resolves.toBeDefined();
    await expect(client.api('/me/events').post(body)).rejects.toMatchObject({ statusCode: 503 });
    await expect(client.api('/me/events').post(body)).rejects.toMatchObject({ statusCode: 503 });
    await expect(client.api('/me/events').post(body)).resolves.toMatchObject({ subject: 's' });
    expect(env.emulator.listStoredEvents(tenant.alice.email)).toHaveLength(1);

    // Over HTTP, with a custom body.
    const res = await fetch(`${env.base}/_control/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 401, count: 1, body: { error: { code: 'InvalidAuthenticationToken', message: 'injected' } } }),
    });
    expect(res.status).toBe(204);
    await expect(client.api('/me').get()).rejects.toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken', message: 'injected' });
  });

  it('seeds and reads through the control HTTP API', async () => {
    const post = (path: string, body: unknown) => fetch(`${env.base}/_control${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const mailbox = await jsonOf(await post('/mailboxes', { email: 'carol@contoso.test', displayName: 'Carol', timeZone: 'Europe/Paris' }));
    expect(mailbox).toMatchObject({ email: 'carol@contoso.test', tenantId: tenant.tenantId, timeZone: 'Romance Standard Time' });
    const seeded = await post('/mailboxes/carol@contoso.test/events', { subject: 'seeded', start: { dateTime: '2030-01-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2030-01-01T11:00:00', timeZone: 'UTC' } });
    expect(seeded.status).toBe(201);
    const listed = await jsonOf(await fetch(`${env.base}/_control/mailboxes/carol@contoso.test/events`));
    expect(listed.value.map((e: { subject: string }) => e.subject)).toEqual(['seeded']);
    const bad = await post('/mailboxes/nobody@contoso.test/events', {});
    expect(bad.status).toBe(404);
    const counts = await jsonOf(await fetch(`${env.base}/_control/requests`));
    expect(counts).toEqual({ total: 0, byMailbox: {}, byEndpoint: {} });
  });
});
