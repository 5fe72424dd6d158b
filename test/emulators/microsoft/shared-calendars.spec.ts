import type { Client } from '@microsoft/microsoft-graph-client';
import { graphClient, jsonOf, seededGraph, type EmulatorEnv, type Tenant } from './microsoft-test-env';

const OUTLOOK_DENIED = { statusCode: 403, code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' };
const at = (subject: string) => ({ subject, start: { dateTime: '2030-01-10T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2030-01-10T11:00:00', timeZone: 'UTC' } });
const SHARER = { name: 'Carol Chen', address: 'carol@fabrikam.test' };

/**
 * Calendars another user shared into a mailbox (https://learn.microsoft.com/en-us/graph/api/resources/calendar):
 * they are listed in /calendars with `canEdit` false for a read-only share, `isDefaultCalendar`
 * false and the sharer as `owner`; writes into them answer 403 ErrorAccessDenied.
 */
describe('Microsoft Graph emulator: calendars shared read-only into a mailbox', () => {
  let env: EmulatorEnv;
  let tenant: Tenant;
  let client: Client;
  let readOnly: string;
  let editable: string;
  let seededId: string;

  beforeEach(async () => {
    ({ env, tenant, client } = await seededGraph());
    readOnly = env.emulator.addSharedCalendar(tenant.alice.email, { name: 'Carol (read-only)', owner: SHARER }).id;
    editable = env.emulator.addSharedCalendar(tenant.alice.email, { name: 'Carol (edit)', owner: SHARER, canEdit: true }).id;
    seededId = env.emulator.seedEvent(tenant.alice.email, { ...at('Carol busy'), calendarId: readOnly }).id as string;
  });
  afterEach(() => env.close());

  const calendarsOf = async (path: string) =>
    ((await client.api(path).select('id,name,isDefaultCalendar,canEdit,canShare,owner').get()).value as Record<string, unknown>[]).map(
      ({ id, name, isDefaultCalendar, canEdit, canShare, owner }) => ({ id, name, isDefaultCalendar, canEdit, canShare, owner }),
    );

  it('/me/calendars and /users/{id}/calendars list them with canEdit, isDefaultCalendar and the sharer as owner', async () => {
    const own = { name: 'Alice Adams', address: 'alice@contoso.test' };
    const expected = [
      { id: expect.any(String), name: 'Calendar', isDefaultCalendar: true, canEdit: true, canShare: true, owner: own },
      { id: readOnly, name: 'Carol (read-only)', isDefaultCalendar: false, canEdit: false, canShare: false, owner: SHARER },
      { id: editable, name: 'Carol (edit)', isDefaultCalendar: false, canEdit: true, canShare: false, owner: SHARER },
    ];
    expect(await calendarsOf('/me/calendars')).toEqual(expected);
    expect(await calendarsOf(`/users/${tenant.alice.id}/calendars`)).toEqual(expected);
    expect(await client.api(`/me/calendars/${readOnly}`).get()).toMatchObject({ id: readOnly, canEdit: false, isDefaultCalendar: false, isRemovable: true });
  });

  it('reads work; create, update and delete in a read-only calendar answer 403 ErrorAccessDenied and change nothing', async () => {
    const listed = await client.api(`/me/calendars/${readOnly}/events`).get();
    expect(listed.value.map((e: { subject: string }) => e.subject)).toEqual(['Carol busy']);

    await expect(client.api(`/me/calendars/${readOnly}/events`).post(at('Mine'))).rejects.toMatchObject(OUTLOOK_DENIED);
    await expect(client.api(`/users/${tenant.alice.email}/calendars/${readOnly}/events`).post(at('Mine'))).rejects.toMatchObject(OUTLOOK_DENIED);
    await expect(client.api(`/me/calendars/${readOnly}/events/${seededId}`).patch({ subject: 'Renamed' })).rejects.toMatchObject(OUTLOOK_DENIED);
    // Through /me/events/{id} too: the item's calendar decides.
    await expect(client.api(`/me/events/${seededId}`).patch({ subject: 'Renamed' })).rejects.toMatchObject(OUTLOOK_DENIED);
    await expect(client.api(`/me/events/${seededId}`).delete()).rejects.toMatchObject(OUTLOOK_DENIED);
    expect(env.emulator.listStoredEvents(tenant.alice.email, readOnly).map((e) => e.subject)).toEqual(['Carol busy']);

    // A share with edit rights accepts writes.
    const created = await client.api(`/me/calendars/${editable}/events`).post(at('Written by Alice'));
    expect(created.subject).toBe('Written by Alice');
    expect(env.emulator.listStoredEvents(tenant.alice.email, editable).map((e) => e.subject)).toEqual(['Written by Alice']);
  });

  it('a $batch sub-request into a read-only calendar answers 403 ErrorAccessDenied; its neighbour succeeds', async () => {
    const res = await client.api('/$batch').post({
      requests: [
        { id: '1', method: 'POST', url: `/me/calendars/${readOnly}/events`, headers: { 'Content-Type': 'application/json' }, body: at('no') },
        { id: '2', method: 'POST', url: `/me/calendars/${editable}/events`, headers: { 'Content-Type': 'application/json' }, body: at('yes') },
      ],
    });
    const byId = Object.fromEntries((res.responses as { id: string; status: number; body: { error?: { code: string } } }[]).map((r) => [r.id, r]));
    expect(byId['1'].status).toBe(403);
    expect(byId['1'].body.error?.code).toBe('ErrorAccessDenied');
    expect(byId['2'].status).toBe(201);
    expect(env.emulator.listStoredEvents(tenant.alice.email, readOnly).map((e) => e.subject)).toEqual(['Carol busy']);
  });

  it('another mailbox does not see them', async () => {
    const bobToken = env.emulator.issueToken({ clientId: tenant.clientId, mailbox: tenant.bob.email }).access_token;
    const bob = graphClient(env, bobToken);
    expect((await bob.api('/me/calendars').get()).value.map((c: { name: string }) => c.name)).toEqual(['Calendar']);
    await expect(bob.api(`/me/calendars/${readOnly}/events`).get()).rejects.toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' });
  });

  it('the control API adds one over HTTP (201) and refuses a bad owner, a bad canEdit and a taken id with 400', async () => {
    const post = (body: unknown) =>
      fetch(`${env.base}/_control/mailboxes/${tenant.bob.email}/shared-calendars`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const created = await post({ name: 'Holidays', owner: { address: 'HR@Contoso.test' } });
    expect(created.status).toBe(201);
    expect(await jsonOf(created)).toEqual({ id: expect.any(String), name: 'Holidays', canEdit: false, owner: { name: 'hr', address: 'hr@contoso.test' } });
    const noOwner = await post({ name: 'X' });
    expect(noOwner.status).toBe(400);
    expect(await jsonOf(noOwner)).toEqual({ error: { code: 'BadRequest', message: 'owner.address must be the email address of the sharer' } });
    expect((await jsonOf(await post({ name: 'X', owner: SHARER, canEdit: 'no' }))).error.message).toBe('canEdit must be a boolean');
    expect((await jsonOf(await post({ name: 'X', owner: SHARER, id: readOnly }))).error.message).toBe('id must be a new calendar id');
    expect((await jsonOf(await post({ name: 'X', owner: { address: tenant.bob.email } }))).error.message).toBe('a mailbox cannot share a calendar with itself');
  });

  it('survives exportState/importState', async () => {
    const state = JSON.parse(JSON.stringify(env.emulator.exportState()));
    env.emulator.reset();
    env.emulator.importState(state);
    const token = env.emulator.issueToken({ clientId: tenant.clientId, mailbox: tenant.alice.email }).access_token;
    const listed = (await graphClient(env, token).api('/me/calendars').get()).value as { id: string; canEdit: boolean }[];
    expect(listed.map((c) => [c.id, c.canEdit])).toEqual([
      [expect.any(String), true],
      [readOnly, false],
      [editable, true],
    ]);
  });
});
