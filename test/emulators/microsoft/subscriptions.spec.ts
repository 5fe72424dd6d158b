import type { Client } from '@microsoft/microsoft-graph-client';
import { graphClient, seedTenant, startEmulator, startWebhook, type EmulatorEnv, type Tenant, type Webhook } from './microsoft-test-env';

interface Notification {
  subscriptionId: string;
  subscriptionExpirationDateTime: string;
  changeType?: string;
  resource?: string;
  resourceData?: Record<string, unknown>;
  clientState: string | null;
  tenantId: string;
  lifecycleEvent?: string;
}

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

describe('Microsoft Graph emulator: subscriptions and change notifications', () => {
  let env: EmulatorEnv;
  let tenant: Tenant;
  let client: Client;
  let hook: Webhook;
  let lifecycle: Webhook;

  beforeEach(async () => {
    env = await startEmulator({ validationTimeoutMs: 1000 });
    tenant = seedTenant(env);
    client = graphClient(env, tenant.aliceToken);
    hook = await startWebhook();
    lifecycle = await startWebhook();
  });
  afterEach(async () => {
    await env.emulator.flushNotifications();
    await Promise.all([env.close(), hook.close(), lifecycle.close()]);
  });

  const subscribe = (extra: Record<string, unknown> = {}) =>
    client.api('/subscriptions').post({
      changeType: 'created,updated,deleted',
      notificationUrl: hook.url,
      lifecycleNotificationUrl: lifecycle.url,
      resource: '/me/events',
      expirationDateTime: inMinutes(60),
      clientState: 'secret-client-state',
      ...extra,
    });

  it('validates the endpoint, then notifies created/updated/deleted with clientState', async () => {
    const sub = await subscribe();
    expect(hook.validations).toHaveLength(1);
    expect(lifecycle.validations).toHaveLength(1);
    expect(sub).toMatchObject({ resource: '/me/events', changeType: 'created,updated,deleted', clientState: 'secret-client-state', notificationUrl: hook.url, applicationId: tenant.clientId });

    const created = await client.api('/me/events').post({ subject: 'hello', start: { dateTime: '2030-01-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2030-01-01T11:00:00', timeZone: 'UTC' } });
    await client.api(`/me/events/${created.id}`).patch({ subject: 'hello again' });
    await client.api(`/me/events/${created.id}`).delete();
    const received = (await hook.waitFor(3)) as { value: Notification[] }[];
    const all = received.flatMap((r) => r.value);
    expect(all.map((n) => n.changeType).sort()).toEqual(['created', 'deleted', 'updated']);
    for (const n of all) {
      expect(n).toMatchObject({
        subscriptionId: sub.id,
        clientState: 'secret-client-state',
        tenantId: tenant.tenantId,
        resource: `Users/${tenant.alice.id}/Events/${created.id}`,
        resourceData: { '@odata.type': '#Microsoft.Graph.Event', '@odata.id': `Users/${tenant.alice.id}/Events/${created.id}`, id: created.id },
      });
      expect(Date.parse(n.subscriptionExpirationDateTime)).toBe(Date.parse(sub.expirationDateTime));
    }
    // Other mailboxes do not notify this subscription.
    env.emulator.seedEvent(tenant.bob.email, { subject: 'bob', start: { dateTime: '2030-01-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2030-01-01T11:00:00', timeZone: 'UTC' } });
    await env.emulator.flushNotifications();
    expect(hook.notifications).toHaveLength(3);
  });

  it('fails with 400 ValidationError when the endpoint does not echo the token', async () => {
    hook.mode = 'wrong';
    await expect(subscribe()).rejects.toMatchObject({ statusCode: 400, code: 'ValidationError' });
    hook.mode = 'status500';
    await expect(subscribe()).rejects.toMatchObject({ statusCode: 400, code: 'ValidationError' });
    hook.mode = 'silent';
    await expect(subscribe()).rejects.toMatchObject({ statusCode: 400, code: 'ValidationError', message: 'Subscription validation request timed out.' });
    expect(env.emulator.listSubscriptions()).toEqual([]);
  });

  it('rejects lifetimes beyond the maximum and renews with PATCH', async () => {
    await expect(subscribe({ expirationDateTime: inMinutes(10_081) })).rejects.toMatchObject({ statusCode: 400 });
    await expect(subscribe({ expirationDateTime: inMinutes(-1) })).rejects.toMatchObject({ statusCode: 400 });
    await expect(subscribe({ resource: '/me/messages' })).rejects.toMatchObject({ statusCode: 400 });

    const sub = await subscribe();
    const renewedTo = inMinutes(4000);
    const renewed = await client.api(`/subscriptions/${sub.id}`).patch({ expirationDateTime: renewedTo });
    expect(Date.parse(renewed.expirationDateTime)).toBe(Math.floor(Date.parse(renewedTo) / 1000) * 1000);
    const fetched = await client.api(`/subscriptions/${sub.id}`).get();
    expect(fetched.expirationDateTime).toBe(renewed.expirationDateTime);
    await expect(client.api(`/subscriptions/${sub.id}`).patch({ expirationDateTime: inMinutes(20_000) })).rejects.toMatchObject({ statusCode: 400 });

    const list = await client.api('/subscriptions').get();
    expect(list.value.map((s: { id: string }) => s.id)).toEqual([sub.id]);
    await client.api(`/subscriptions/${sub.id}`).delete();
    await expect(client.api(`/subscriptions/${sub.id}`).get()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('delivers lifecycle notifications to lifecycleNotificationUrl', async () => {
    const sub = await subscribe();
    expect(await env.emulator.triggerLifecycleNotification(sub.id, 'reauthorizationRequired')).toBe(202);
    const [first] = (await lifecycle.waitFor(1)) as { value: Notification[] }[];
    expect(first.value).toEqual([
      { subscriptionId: sub.id, subscriptionExpirationDateTime: sub.expirationDateTime, tenantId: tenant.tenantId, clientState: 'secret-client-state', lifecycleEvent: 'reauthorizationRequired' },
    ]);

    // Over the control HTTP API as well; subscriptionRemoved deletes the subscription.
    const res = await fetch(`${env.base}/_control/subscriptions/${sub.id}/lifecycle`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ lifecycleEvent: 'subscriptionRemoved' }) });
    expect(res.status).toBe(200);
    const removed = (await lifecycle.waitFor(2)) as { value: Notification[] }[];
    expect(removed[1].value[0].lifecycleEvent).toBe('subscriptionRemoved');
    await expect(client.api(`/subscriptions/${sub.id}`).get()).rejects.toMatchObject({ statusCode: 404 });
    expect(hook.notifications).toEqual([]);
  });

  it('scopes a subscription to one calendar when the resource names it', async () => {
    const second = await client.api('/me/calendars').post({ name: 'Second' });
    await subscribe({ resource: `/users/${tenant.alice.id}/calendars/${second.id}/events`, changeType: 'created' });
    await client.api('/me/events').post({ subject: 'default calendar', start: { dateTime: '2030-01-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2030-01-01T11:00:00', timeZone: 'UTC' } });
    const inSecond = await client.api(`/me/calendars/${second.id}/events`).post({ subject: 'second', start: { dateTime: '2030-01-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2030-01-01T11:00:00', timeZone: 'UTC' } });
    await env.emulator.flushNotifications();
    expect((hook.notifications as { value: Notification[] }[]).map((n) => n.value[0].resourceData!.id)).toEqual([inSecond.id]);
  });
  it('scopes a /me/events subscription to the default calendar, as GET /me/events is', async () => {
    const second = await client.api('/me/calendars').post({ name: 'Second' });
    await subscribe({ resource: '/me/events', changeType: 'created' });
    await client.api(`/me/calendars/${second.id}/events`).post({ subject: 'second', start: { dateTime: '2030-01-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2030-01-01T11:00:00', timeZone: 'UTC' } });
    const inDefault = await client.api('/me/events').post({ subject: 'default calendar', start: { dateTime: '2030-01-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2030-01-01T11:00:00', timeZone: 'UTC' } });
    await env.emulator.flushNotifications();
    expect((hook.notifications as { value: Notification[] }[]).map((n) => n.value[0].resourceData!.id)).toEqual([inDefault.id]);
  });
});
