import { isProviderError, type ProviderError } from '../../../src/providers/provider-errors';
import type { CalendarAccess, NormalizedEvent, WriteOperation } from '../../../src/providers/calendar-provider';
import { startWebhook } from '../../emulators/microsoft/microsoft-test-env';
import { startProviderEnv, type ProviderEnv } from './microsoft-provider-env';

function event(title: string, day: number): NormalizedEvent {
  const date = `2030-04-${String(day).padStart(2, '0')}`;
  return {
    title, description: null, location: null,
    start: { allDay: false, dateTime: `${date}T10:00:00`, timeZone: 'Europe/Paris' },
    end: { allDay: false, dateTime: `${date}T11:00:00`, timeZone: 'Europe/Paris' },
    recurrence: null, occurrenceOf: null, transparency: 'busy', visibility: 'default', status: 'confirmed',
    organizer: null, attendees: [], selfResponse: null, onlineMeetingUrl: null, copyMarker: null,
  };
}

async function errorOf(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    if (isProviderError(error)) return error;
    throw error;
  }
  throw new Error('expected a ProviderError');
}

const graphRequests = (p: ProviderEnv) => p.sent.filter((s) => s.url.startsWith(p.env.graphRoot));

describe('Microsoft driver writes, faults and errors', () => {
  let p: ProviderEnv;
  let bob: CalendarAccess;
  let calendar: string;

  beforeEach(async () => {
    p = await startProviderEnv();
    bob = p.app(p.tenant.bob.email);
    calendar = (await p.provider.resolveMailbox(bob)).primaryCalendarId;
    p.sent.length = 0;
    p.env.emulator.resetRequestCounts();
  });
  afterEach(() => p.close());

  it('writes 120 creates in 6 $batch requests, matching answers by id whatever their order', async () => {
    // Graph does not promise any order in a batch answer: hand them back reversed.
    p.hook.current = async (url, _init, send) => {
      const response = await send();
      if (!url.endsWith('/$batch')) return response;
      const body = (await response.json()) as { responses: unknown[] };
      body.responses.reverse();
      return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
    };
    const operations: WriteOperation[] = Array.from({ length: 120 }, (_, i) => ({ op: 'create', key: `k${i}`, event: event(`Event ${i}`, 1 + (i % 28)) }));
    const results = await p.provider.writeEvents(bob, calendar, operations);

    expect(graphRequests(p).map((s) => `${s.method} ${s.url.slice(p.env.graphRoot.length)}`)).toEqual(Array(6).fill('POST /$batch'));
    expect(p.sent).toHaveLength(6); // the app token from resolveMailbox is still cached
    expect(p.env.emulator.requestCounts().byEndpoint['POST /$batch']).toBe(6);
    const stored = p.env.emulator.listStoredEvents(p.tenant.bob.email);
    expect(stored).toHaveLength(120);
    const subjectById = new Map(stored.map((e) => [e.id as string, e.subject]));
    expect(results.map((r) => (r.ok ? subjectById.get(r.id) : 'failed'))).toEqual(operations.map((_, i) => `Event ${i}`));

    // Listing them back follows every nextLink and reads them in 6 batches. The strict emulator
    // replays some items within the round (seeded, so always the same ones): 13 pages of 10, not 12.
    p.sent.length = 0;
    const listing = await p.provider.listEvents(bob, calendar, { start: '2030-04-01T00:00:00Z', end: '2030-05-01T00:00:00Z' });
    expect(listing.events.map((e) => e.title).sort()).toEqual(operations.map((_, i) => `Event ${i}`).sort());
    expect(p.sent.map((s) => s.url.replace(/\?.*$/, '').split('/').pop())).toEqual([...Array(13).fill('delta'), ...Array(6).fill('$batch')]);
  });

  it('makes one event, not two, when a create is retried after its answer was lost', async () => {
    let lost = 0;
    p.hook.current = async (url, _init, send) => {
      const response = await send(); // Graph did the work...
      if (url.endsWith('/$batch') && lost++ === 0) throw new TypeError('fetch failed'); // ...but the answer never arrived
      return response;
    };
    const [result] = await p.provider.writeEvents(bob, calendar, [{ op: 'create', key: 'link-1:evt-1', event: event('Once', 3) }]);
    const stored = p.env.emulator.listStoredEvents(p.tenant.bob.email);
    expect(graphRequests(p).map((s) => s.method)).toEqual(['POST', 'POST']);
    expect(stored.map((e) => e.subject)).toEqual(['Once']);
    expect(result).toEqual({ ok: true, id: stored[0].id, etag: expect.stringMatching(/^W\/"/) });
  });

  it('makes one event when a create timed out at the client while Graph was still working on it', async () => {
    const slow = await startProviderEnv({ requestTimeoutMs: 150 });
    try {
      const access = slow.app(slow.tenant.bob.email);
      const primary = (await slow.provider.resolveMailbox(access)).primaryCalendarId;
      slow.env.emulator.setLatency(400);
      let batches = 0;
      slow.hook.current = async (url, _init, send) => {
        if (url.endsWith('/$batch') && ++batches === 2) slow.env.emulator.setLatency(0); // only the first attempt is slow
        return send();
      };
      const [result] = await slow.provider.writeEvents(access, primary, [{ op: 'create', key: 'link-1:evt-2', event: event('Slow', 4) }]);
      await new Promise((resolve) => setTimeout(resolve, 600)); // let the first attempt finish at the emulator
      const stored = slow.env.emulator.listStoredEvents(slow.tenant.bob.email);
      expect(stored.map((e) => e.subject)).toEqual(['Slow']);
      expect(result).toEqual({ ok: true, id: stored[0].id, etag: expect.stringMatching(/^W\/"/) });
      expect(slow.sent.filter((s) => s.url.endsWith('/$batch'))).toHaveLength(2);
    } finally {
      await slow.close();
    }
  });

  it('absorbs throttled (429) and unavailable (503) answers, retrying only the sub-requests that failed', async () => {
    p.env.emulator.injectFault({ status: 429, count: 2, headers: { 'Retry-After': '0' }, match: { method: 'POST', pathIncludes: '/events' } });
    p.env.emulator.injectFault({ status: 503, count: 1, headers: { 'Retry-After': '0' }, match: { method: 'GET', pathIncludes: '/calendar' } });
    const results = await p.provider.writeEvents(bob, calendar, Array.from({ length: 5 }, (_, i) => ({ op: 'create' as const, key: `t${i}`, event: event(`T${i}`, 5 + i) })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(p.env.emulator.listStoredEvents(p.tenant.bob.email).map((e) => e.subject).sort()).toEqual(['T0', 'T1', 'T2', 'T3', 'T4']);
    // First batch: 5 sub-requests, 2 throttled; second batch: only those 2.
    expect(p.env.emulator.requestCounts().byEndpoint).toMatchObject({ 'POST /$batch': 2, 'POST /users/{id}/calendars/{id}/events': 7 });
    expect((await p.provider.resolveMailbox(bob)).primaryCalendarId).toBe(calendar);
  });

  it('gives up with RATE_LIMITED when throttling outlasts the retry budget', async () => {
    p.env.emulator.injectFault({ status: 429, count: 100, headers: { 'Retry-After': '0' }, match: { method: 'GET', pathIncludes: '/calendars' } });
    const error = await errorOf(p.provider.listCalendars(bob));
    expect([error.kind, error.status]).toEqual(['RATE_LIMITED', 429]);
    expect(graphRequests(p)).toHaveLength(5);
  });

  it('reports an unknown mailbox as MAILBOX_NOT_FOUND', async () => {
    const error = await errorOf(p.provider.resolveMailbox(p.app('nobody@contoso.test')));
    expect([error.kind, error.status]).toEqual(['MAILBOX_NOT_FOUND', 404]);
    const below = await errorOf(p.provider.listCalendars(p.app('nobody@contoso.test')));
    expect([below.kind, below.providerCode]).toEqual(['MAILBOX_NOT_FOUND', 'ErrorInvalidUser']);
  });

  it('reports a deleted event as NOT_FOUND per item, and a delete of a gone event as done', async () => {
    const [created] = await p.provider.writeEvents(bob, calendar, [{ op: 'create', key: 'x', event: event('Gone soon', 9) }]);
    const id = (created as { id: string }).id;
    const [deleted, deletedAgain, updateGone] = await p.provider.writeEvents(bob, calendar, [
      { op: 'delete', id },
      { op: 'delete', id },
      { op: 'update', id, event: event('Too late', 9) },
    ]);
    expect(deleted).toEqual({ ok: true, id });
    expect(deletedAgain).toEqual({ ok: true, id });
    expect(updateGone.ok ? 'ok' : [updateGone.error.kind, updateGone.error.status]).toEqual(['NOT_FOUND', 404]);
  });

  it('writes an exception onto the matching occurrence, and answers NOT_FOUND for a start the series does not have', async () => {
    const series = { ...event('Standup', 1), recurrence: { rule: 'FREQ=DAILY;COUNT=5', exdates: [{ allDay: false as const, dateTime: '2030-04-03T10:00:00', timeZone: 'Europe/Paris' }] } };
    const [master] = await p.provider.writeEvents(bob, calendar, [{ op: 'create', key: 's', event: series }]);
    const seriesId = (master as { id: string }).id;
    const moved = { ...event('Standup (late)', 2), start: { allDay: false as const, dateTime: '2030-04-02T15:00:00', timeZone: 'Europe/Paris' }, end: { allDay: false as const, dateTime: '2030-04-02T15:30:00', timeZone: 'Europe/Paris' } };
    const [exception, missing] = await p.provider.writeEvents(bob, calendar, [
      { op: 'create', key: 'e1', event: { ...moved, occurrenceOf: { seriesId, originalStart: { allDay: false, dateTime: '2030-04-02T10:00:00', timeZone: 'Europe/Paris' } } } },
      { op: 'create', key: 'e2', event: { ...moved, occurrenceOf: { seriesId, originalStart: { allDay: false, dateTime: '2030-04-02T11:00:00', timeZone: 'Europe/Paris' } } } },
    ]);
    expect(exception.ok).toBe(true);
    expect(missing.ok ? 'ok' : missing.error.kind).toBe('NOT_FOUND');
    const [stored] = p.env.emulator.listStoredEvents(p.tenant.bob.email);
    expect(stored.cancelledOccurrences).toEqual([`OID.${seriesId}.2030-04-03`]);
    expect((stored.exceptionOccurrences as { subject: string; start: { dateTime: string } }[]).map((e) => [e.subject, e.start.dateTime])).toEqual([['Standup (late)', '2030-04-02T13:00:00.0000000']]);
  });

  it('cancels an occurrence written as a cancelled occurrence by deleting it; written again (answer lost), it is already done', async () => {
    const series = { ...event('Standup', 1), recurrence: { rule: 'FREQ=DAILY;COUNT=5', exdates: [] } };
    const [master] = await p.provider.writeEvents(bob, calendar, [{ op: 'create', key: 's', event: series }]);
    const seriesId = (master as { id: string }).id;
    const cancel: WriteOperation = {
      op: 'create',
      key: 'c',
      event: { ...event('Standup', 2), status: 'cancelled', occurrenceOf: { seriesId, originalStart: { allDay: false, dateTime: '2030-04-02T10:00:00', timeZone: 'Europe/Paris' } } },
    };
    p.env.emulator.resetRequestCounts();
    const [first] = await p.provider.writeEvents(bob, calendar, [cancel]);
    expect(first.ok).toBe(true);
    expect(p.env.emulator.requestCounts().byEndpoint['DELETE /users/{id}/events/{id}']).toBe(1);
    const [again] = await p.provider.writeEvents(bob, calendar, [cancel]);
    expect(again).toEqual({ ok: true, id: `${seriesId}.cancelled.2030-04-02T10:00:00` });
    expect(p.env.emulator.requestCounts().byEndpoint['DELETE /users/{id}/events/{id}']).toBe(1);
    const [stored] = p.env.emulator.listStoredEvents(p.tenant.bob.email);
    expect(stored.cancelledOccurrences).toEqual([`OID.${seriesId}.2030-04-02`]);
  });

  it('refuses a rule Graph cannot hold, per item, without a request', async () => {
    const hourly = { ...event('Hourly', 10), recurrence: { rule: 'FREQ=HOURLY;COUNT=3', exdates: [] } };
    const [result] = await p.provider.writeEvents(bob, calendar, [{ op: 'create', key: 'h', event: hourly }]);
    expect(result.ok ? 'ok' : result.error.kind).toBe('INVALID_REQUEST');
    expect(graphRequests(p)).toHaveLength(0);
  });

  it('a real Calendars.Read grant writing: the strict emulator refuses and the driver says PERMISSION_DENIED, reads still work', async () => {
    const granted = p.env.emulator.issueToken({ clientId: p.tenant.clientId, mailbox: p.tenant.bob.email, scopes: ['Calendars.Read', 'User.Read', 'offline_access'] });
    const readOnly: CalendarAccess = {
      mailbox: p.tenant.bob.email,
      credentials: { kind: 'microsoft-oauth', refreshToken: granted.refresh_token as string, accessToken: granted.access_token, accessTokenExpiresAt: Date.now() + 3_600_000 },
    };
    const [result] = await p.provider.writeEvents(readOnly, calendar, [{ op: 'create', key: 'read-only', event: event('Denied', 12) }]);
    expect(result.ok ? 'ok' : [result.error.kind, result.error.status, result.error.providerCode]).toEqual(['PERMISSION_DENIED', 403, 'ErrorAccessDenied']);
    expect(p.env.emulator.listStoredEvents(p.tenant.bob.email).filter((e) => e.subject === 'Denied')).toEqual([]);
    const listing = await p.provider.listEvents(readOnly, calendar, { start: '2030-04-01T00:00:00Z', end: '2030-05-01T00:00:00Z' });
    expect(listing.events).toEqual([]);
  });

  it('maps Graph 403 ErrorAccessDenied (a Calendars.Read grant writing) to PERMISSION_DENIED per item', async () => {
    p.env.emulator.injectFault({
      status: 403, count: 1, match: { method: 'POST', pathIncludes: '/events' },
      body: { error: { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' } },
    });
    const [result] = await p.provider.writeEvents(bob, calendar, [{ op: 'create', key: 'p', event: event('Denied', 11) }]);
    expect(result.ok ? 'ok' : [result.error.kind, result.error.providerCode]).toEqual(['PERMISSION_DENIED', 'ErrorAccessDenied']);
  });
});

describe('Microsoft driver subscriptions', () => {
  it('subscribes to a calendar, renews and stops the subscription', async () => {
    const p = await startProviderEnv();
    const hook = await startWebhook();
    try {
      const bob = p.app(p.tenant.bob.email);
      const calendar = (await p.provider.resolveMailbox(bob)).primaryCalendarId;
      const subscription = await p.provider.subscribe(bob, calendar, hook.url, 'client-state-1');
      const [record] = p.env.emulator.listSubscriptions();
      expect(record).toMatchObject({ id: subscription.id, resource: `users/bob@contoso.test/calendars/${calendar}/events`, clientState: 'client-state-1', changeType: 'created,updated,deleted' });
      expect(hook.validations).toHaveLength(1);
      const renewed = await p.provider.renewSubscription(bob, subscription);
      expect(renewed.id).toBe(subscription.id);
      expect(Date.parse(renewed.expiresAt)).toBeGreaterThanOrEqual(Date.parse(subscription.expiresAt));
      await p.provider.unsubscribe(bob, subscription);
      expect(p.env.emulator.listSubscriptions()).toEqual([]);
      await expect(p.provider.unsubscribe(bob, subscription)).resolves.toBeUndefined();
    } finally {
      await hook.close();
      await p.close();
    }
  });
});

describe('Microsoft driver with a user grant', () => {
  let p: ProviderEnv;
  beforeEach(async () => {
    p = await startProviderEnv();
  });
  afterEach(() => p.close());

  function userAccess(scopes?: string[]): CalendarAccess & { refreshed: unknown[] } {
    const token = p.env.emulator.issueToken({ clientId: p.tenant.clientId, mailbox: p.tenant.alice.email, scopes });
    const refreshed: unknown[] = [];
    return { mailbox: p.tenant.alice.email, credentials: { kind: 'microsoft-oauth', refreshToken: token.refresh_token! }, onTokensRefreshed: async (t) => void refreshed.push(t), refreshed };
  }

  it('refreshes the grant once, hands the rotated tokens to the caller and reuses the access token', async () => {
    const access = userAccess();
    await p.provider.listCalendars(access);
    await p.provider.listCalendars(access);
    expect(p.sent.filter((s) => s.url.endsWith('/oauth2/v2.0/token'))).toHaveLength(1);
    expect(access.refreshed).toHaveLength(1);
    const tokens = access.refreshed[0] as { refreshToken: string; accessToken: string };
    expect(tokens.refreshToken).not.toBe((access.credentials as { refreshToken: string }).refreshToken);
    expect(p.sent.filter((s) => s.url.startsWith(p.env.graphRoot)).map((s) => s.url.slice(p.env.graphRoot.length).split('?')[0])).toEqual(['/me/calendars', '/me/calendars']);
  });

  it('reports a revoked grant as AUTH_REVOKED', async () => {
    const access = userAccess();
    p.env.emulator.revokeGrants(p.tenant.alice.email);
    const error = await errorOf(p.provider.listCalendars(access));
    expect([error.kind, error.status, error.providerCode]).toEqual(['AUTH_REVOKED', 400, 'AADSTS50173']);
  });

  it('reports a grant revoked while its access token is cached as AUTH_REVOKED', async () => {
    const access = userAccess();
    await p.provider.listCalendars(access);
    p.env.emulator.revokeGrants(p.tenant.alice.email);
    const error = await errorOf(p.provider.listCalendars(access));
    expect(error.kind).toBe('AUTH_REVOKED');
  });
});
