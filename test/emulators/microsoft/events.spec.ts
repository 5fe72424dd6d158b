import type { Client, GraphError } from '@microsoft/microsoft-graph-client';
import { type EmulatorEnv, seededGraph, type Tenant } from './microsoft-test-env';

const MARKER_ID = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name CalendarBridgeSource';

async function graphError(promise: Promise<unknown>): Promise<GraphError> {
  try {
    await promise;
  } catch (err) {
    return err as GraphError;
  }
  throw new Error('expected the Graph call to fail');
}

describe('Microsoft Graph emulator: events', () => {
  let env: EmulatorEnv;
  let tenant: Tenant;
  let client: Client;

  beforeEach(async () => ({ env, tenant, client } = await seededGraph()));
  afterEach(() => env.close());

  const newEvent = (extra: Record<string, unknown> = {}) => ({
    subject: 'Design review',
    body: { contentType: 'text', content: 'Agenda: <none>' },
    start: { dateTime: '2030-03-04T09:00:00', timeZone: 'Pacific Standard Time' },
    end: { dateTime: '2030-03-04T10:00:00', timeZone: 'Pacific Standard Time' },
    location: { displayName: 'Room 1' },
    ...extra,
  });

  it('creates, reads, updates and deletes an event with the documented resource shape', async () => {
    const created = await client.api('/me/events').post(newEvent({ showAs: 'tentative', sensitivity: 'private' }));
    expect(created).toMatchObject({
      subject: 'Design review',
      type: 'singleInstance',
      showAs: 'tentative',
      sensitivity: 'private',
      isAllDay: false,
      isCancelled: false,
      seriesMasterId: null,
      recurrence: null,
      originalStartTimeZone: 'Pacific Standard Time',
      // Graph returns UTC unless Prefer: outlook.timezone says otherwise.
      start: { dateTime: '2030-03-04T17:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2030-03-04T18:00:00.0000000', timeZone: 'UTC' },
      location: { displayName: 'Room 1' },
      organizer: { emailAddress: { address: 'alice@contoso.test', name: 'Alice Adams' } },
      responseStatus: { response: 'organizer' },
      body: { contentType: 'text', content: 'Agenda: <none>' },
      bodyPreview: 'Agenda: <none>',
    });
    expect(created.id).toMatch(/^AAMk/);
    expect(created.iCalUId).toMatch(/^040000008200E00074C5B7101A82E008/);
    expect(created['@odata.etag']).toBe(`W/"${created.changeKey}"`);
    expect(created.createdDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);

    const patched = await client.api(`/me/events/${created.id}`).patch({ subject: 'Design review (moved)', showAs: 'oof' });
    expect(patched.subject).toBe('Design review (moved)');
    expect(patched.showAs).toBe('oof');
    expect(patched.changeKey).not.toBe(created.changeKey);
    expect(patched.location.displayName).toBe('Room 1');

    const viaCalendar = await client.api(`/users/${tenant.alice.email}/calendar/events/${created.id}`).get();
    expect(viaCalendar.subject).toBe('Design review (moved)');

    await client.api(`/me/events/${created.id}`).delete();
    const err = await graphError(client.api(`/me/events/${created.id}`).get());
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe('ErrorItemNotFound');
  });

  it('treats a repeated POST with the same transactionId as the same event', async () => {
    const first = await client.api('/me/events').post(newEvent({ transactionId: 'link-1:source-42' }));
    const second = await client.api('/me/events').post(newEvent({ transactionId: 'link-1:source-42', subject: 'retry' }));
    expect(second.id).toBe(first.id);
    expect(second.subject).toBe('Design review');
    const list = await client.api('/me/events').get();
    expect(list.value).toHaveLength(1);
    expect(list.value[0].transactionId).toBe('link-1:source-42');
  });

  it('rejects unknown properties and bad values with Graph errors', async () => {
    const unknown = await graphError(client.api('/me/events').post(newEvent({ colour: 'red' })));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.code).toBe('RequestBodyRead');
    const badEnum = await graphError(client.api('/me/events').post(newEvent({ showAs: 'sleeping' })));
    expect(badEnum.statusCode).toBe(400);
    const backwards = await graphError(client.api('/me/events').post(newEvent({ end: { dateTime: '2030-03-04T08:00:00', timeZone: 'Pacific Standard Time' } })));
    expect(backwards.statusCode).toBe(400);
    const badZone = await graphError(client.api('/me/events').post(newEvent({ start: { dateTime: '2030-03-04T08:00:00', timeZone: 'Mars/Olympus' } })));
    expect(badZone.statusCode).toBe(400);
    expect(badZone.code).toBe('TimeZoneNotSupportedException');
  });

  it('writes, filters on and expands single-value extended properties', async () => {
    const marked = await client.api('/me/events').post(newEvent({ singleValueExtendedProperties: [{ id: MARKER_ID, value: 'link-7|evt-1' }] }));
    await client.api('/me/events').post(newEvent({ subject: 'unmarked' }));
    await client.api('/me/events').post(newEvent({ subject: 'other mark', singleValueExtendedProperties: [{ id: MARKER_ID, value: 'link-7|evt-2' }] }));

    const plain = await client.api(`/me/events/${marked.id}`).get();
    expect(plain.singleValueExtendedProperties).toBeUndefined();

    const expanded = await client
      .api(`/me/events/${marked.id}`)
      .expand(`singleValueExtendedProperties($filter=id eq '${MARKER_ID}')`)
      .get();
    expect(expanded.singleValueExtendedProperties).toEqual([{ id: MARKER_ID, value: 'link-7|evt-1' }]);

    const filtered = await client
      .api('/me/events')
      .filter(`singleValueExtendedProperties/Any(ep: ep/id eq '${MARKER_ID}' and ep/value eq 'link-7|evt-1')`)
      .get();
    expect(filtered.value.map((e: { id: string }) => e.id)).toEqual([marked.id]);

    const anyMarked = await client.api('/me/events').filter(`singleValueExtendedProperties/Any(ep: ep/id eq '${MARKER_ID}')`).get();
    expect(anyMarked.value).toHaveLength(2);

    // PATCH adds/replaces the named property and keeps the others.
    await client.api(`/me/events/${marked.id}`).patch({ singleValueExtendedProperties: [{ id: MARKER_ID, value: 'link-7|evt-1b' }] });
    const stored = env.emulator.listStoredEvents('alice@contoso.test').find((e) => e.id === marked.id)!;
    expect(stored.singleValueExtendedProperties).toEqual([{ id: MARKER_ID, value: 'link-7|evt-1b' }]);
  });

  it('converts returned times to the zone named by Prefer: outlook.timezone', async () => {
    const created = await client.api('/me/events').post({
      ...newEvent(),
      start: { dateTime: '2030-07-01T15:00:00', timeZone: 'UTC' },
      end: { dateTime: '2030-07-01T16:30:00', timeZone: 'UTC' },
    });
    const res = await client.api(`/me/events/${created.id}`).header('Prefer', 'outlook.timezone="W. Europe Standard Time"').get();
    expect(res.start).toEqual({ dateTime: '2030-07-01T17:00:00.0000000', timeZone: 'W. Europe Standard Time' });
    expect(res.end).toEqual({ dateTime: '2030-07-01T18:30:00.0000000', timeZone: 'W. Europe Standard Time' });
    const pacific = await client.api(`/me/events/${created.id}`).header('Prefer', 'outlook.timezone="Pacific Standard Time"').get();
    expect(pacific.start.dateTime).toBe('2030-07-01T08:00:00.0000000');
  });

  it('keeps all-day events on date boundaries', async () => {
    const created = await client.api('/me/events').post({
      subject: 'Offsite',
      isAllDay: true,
      start: { dateTime: '2030-05-01T00:00:00', timeZone: 'Tokyo Standard Time' },
      end: { dateTime: '2030-05-03T00:00:00', timeZone: 'Tokyo Standard Time' },
    });
    expect(created.start).toEqual({ dateTime: '2030-05-01T00:00:00.0000000', timeZone: 'UTC' });
    expect(created.end).toEqual({ dateTime: '2030-05-03T00:00:00.0000000', timeZone: 'UTC' });
    const notMidnight = await graphError(
      client.api('/me/events').post({ subject: 'x', isAllDay: true, start: { dateTime: '2030-05-01T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2030-05-02T00:00:00', timeZone: 'UTC' } }),
    );
    expect(notMidnight.statusCode).toBe(400);
  });

  it('supports $select and $top paging with @odata.nextLink', async () => {
    for (let i = 0; i < 5; i++) await client.api('/me/events').post(newEvent({ subject: `e${i}` }));
    const page1 = await client.api('/me/events').select('subject').top(2).get();
    expect(page1.value).toHaveLength(2);
    expect(Object.keys(page1.value[0]).sort()).toEqual(['@odata.etag', 'id', 'subject']);
    expect(page1['@odata.nextLink']).toContain('$skip=2');
    const subjects: string[] = [];
    let page = page1;
    for (;;) {
      subjects.push(...page.value.map((e: { subject: string }) => e.subject));
      const next: string | undefined = page['@odata.nextLink'];
      if (!next) break;
      page = await client.api(next.slice(env.graphRoot.length)).get();
    }
    expect(subjects).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
  });

  it('lists calendars, creates one, and scopes events to it', async () => {
    const created = await client.api('/me/calendars').post({ name: 'Bridge copies' });
    expect(created).toMatchObject({ name: 'Bridge copies', isDefaultCalendar: false, canEdit: true });
    const calendars = await client.api('/me/calendars').get();
    expect(calendars.value.map((c: { name: string }) => c.name).sort()).toEqual(['Bridge copies', 'Calendar']);
    const def = await client.api('/me/calendar').get();
    expect(def.isDefaultCalendar).toBe(true);
    await client.api(`/me/calendars/${created.id}/events`).post(newEvent({ subject: 'in second calendar' }));
    await client.api('/me/events').post(newEvent({ subject: 'in default' }));
    const second = await client.api(`/me/calendars/${created.id}/events`).get();
    expect(second.value.map((e: { subject: string }) => e.subject)).toEqual(['in second calendar']);
    const defaults = await client.api('/me/calendar/events').get();
    expect(defaults.value.map((e: { subject: string }) => e.subject)).toEqual(['in default']);
    const missing = await graphError(client.api('/me/calendars/AAMkCnope/events').get());
    expect(missing.statusCode).toBe(404);
  });

  it('answers malformed JSON with 400 in the Graph error shape', async () => {
    const res = await fetch(`${env.graphRoot}/me/events`, { method: 'POST', headers: { Authorization: `Bearer ${tenant.aliceToken}`, 'Content-Type': 'application/json' }, body: '{"subject":' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; innerError: Record<string, string> } };
    expect(body.error.code).toBe('BadRequest');
    expect(Object.keys(body.error.innerError).sort()).toEqual(['client-request-id', 'date', 'request-id']);
    expect(res.headers.get('request-id')).toBe(body.error.innerError['request-id']);
  });

  it('honours If-Match on PATCH', async () => {
    const created = await client.api('/me/events').post(newEvent());
    await client.api(`/me/events/${created.id}`).patch({ subject: 'v2' });
    const stale = await graphError(client.api(`/me/events/${created.id}`).header('If-Match', created['@odata.etag']).patch({ subject: 'v3' }));
    expect(stale.statusCode).toBe(412);
  });
});
