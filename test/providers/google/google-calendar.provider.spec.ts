import type { CalendarAccess, NormalizedEvent, WriteOperation } from '../../../src/providers/calendar-provider';
import { isProviderError, ProviderError } from '../../../src/providers/provider-errors';
import { GoogleCalendarProvider, type GoogleDriverOptions } from '../../../src/providers/google/google-calendar.provider';
import { googleEventIdForKey } from '../../../src/providers/google/google-event-ids';
import { CAL_SCOPE, delegatedAccess, type DriverHarness, FAST_RETRY, FULL_PAGES, READONLY_SCOPE, startDriverHarness, virtualClock } from './google-driver-harness';
import { normalizedEvent } from '../../support/normalized-event';

const ALICE = 'alice@example.com';
const WINDOW = { start: '2030-01-01T00:00:00Z', end: '2031-01-01T00:00:00Z' };

function baseEvent(overrides: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return normalizedEvent({ title: 'Planning', ...overrides });
}

async function kindOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isProviderError(error)) return error.kind;
    throw error;
  }
  throw new Error('expected a ProviderError');
}

describe('GoogleCalendarProvider against the Google emulator (HTTP)', () => {
  let harness: DriverHarness;
  let accessFor: (mailbox: string) => CalendarAccess;
  let alice: CalendarAccess;
  const driver = (options: Partial<GoogleDriverOptions> = {}) =>
    new GoogleCalendarProvider({ endpoints: harness.endpoints, retry: FAST_RETRY, clock: virtualClock(), requestTimeoutMs: 5_000, ...options });

  beforeAll(async () => {
    harness = await startDriverHarness();
  });
  afterAll(() => harness.close());

  beforeEach(() => {
    harness.emulator.reset();
    harness.http.length = 0;
    harness.setEmptyPagesBeforeFirst(0);
    harness.emulator.createMailbox({ email: ALICE, timeZone: 'America/New_York' });
    accessFor = delegatedAccess(harness, 'example.com');
    alice = accessFor(ALICE);
  });

  describe('mailbox and calendars', () => {
    it('resolves a delegated mailbox to its primary calendar and zone', async () => {
      expect(await driver().resolveMailbox(alice)).toEqual({ mailbox: ALICE, primaryCalendarId: ALICE, timeZone: 'America/New_York' });
    });

    it('lists the calendars with primary and access flags', async () => {
      const extra = harness.emulator.createCalendar(ALICE, { summary: 'Team', timeZone: 'Europe/Paris' });
      const calendars = await driver().listCalendars(alice);
      expect(calendars).toEqual([
        { id: ALICE, name: ALICE, primary: true, readOnly: false, timeZone: 'America/New_York' },
        { id: extra.id, name: 'Team', primary: false, readOnly: false, timeZone: 'Europe/Paris' },
      ]);
    });

    it('calendars shared with the mailbox: reader and freeBusyReader are readOnly, writer is not; a write into a reader calendar fails PERMISSION_DENIED', async () => {
      const BOB = 'bob@example.com';
      harness.emulator.createMailbox({ email: BOB, timeZone: 'Europe/Berlin' });
      const reader = harness.emulator.createCalendar(BOB, { summary: 'Bob (reader)' }).id;
      const busy = harness.emulator.createCalendar(BOB, { summary: 'Bob (free/busy)' }).id;
      const writer = harness.emulator.createCalendar(BOB, { summary: 'Bob (writer)' }).id;
      harness.emulator.shareCalendar(reader, { email: ALICE, role: 'reader' });
      harness.emulator.shareCalendar(busy, { email: ALICE, role: 'freeBusyReader' });
      harness.emulator.shareCalendar(writer, { email: ALICE, role: 'writer' });
      expect(await driver().listCalendars(alice)).toEqual([
        { id: ALICE, name: ALICE, primary: true, readOnly: false, timeZone: 'America/New_York' },
        { id: reader, name: 'Bob (reader)', primary: false, readOnly: true, timeZone: 'Europe/Berlin' },
        { id: busy, name: 'Bob (free/busy)', primary: false, readOnly: true, timeZone: 'Europe/Berlin' },
        { id: writer, name: 'Bob (writer)', primary: false, readOnly: false, timeZone: 'Europe/Berlin' },
      ]);
      // The whole write is refused: no item of it can succeed in that calendar.
      const refused = await driver().writeEvents(alice, reader, [{ op: 'create', key: 'k-ro', event: baseEvent() }]).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ProviderError);
      expect(refused).toMatchObject({ kind: 'PERMISSION_DENIED', status: 403, providerCode: 'requiredAccessLevel' });
      expect(harness.emulator.readEvents(reader)).toEqual([]);
      const [written] = await driver().writeEvents(alice, writer, [{ op: 'create', key: 'k-rw', event: baseEvent() }]);
      expect(written).toMatchObject({ ok: true });
      expect(harness.emulator.readEvents(writer).map((e) => e.summary)).toEqual(['Planning']);
    });

    it('caches the access token: three calls, one token request', async () => {
      const d = driver();
      await d.resolveMailbox(alice);
      await d.listCalendars(alice);
      await d.listCalendars(alice);
      expect(harness.http.filter((r) => r === 'POST /token')).toHaveLength(1);
      expect(harness.http.filter((r) => r.startsWith('GET /calendar/v3'))).toHaveLength(3);
    });

    it('an unknown mailbox of a delegated domain → MAILBOX_NOT_FOUND', async () => {
      expect(await kindOf(driver().resolveMailbox(accessFor('nobody@example.com')))).toBe('MAILBOX_NOT_FOUND');
      expect(await kindOf(driver().writeEvents(accessFor('nobody@example.com'), 'primary', [{ op: 'create', key: 'k1', event: baseEvent() }]))).toBe(
        'MAILBOX_NOT_FOUND',
      );
    });

    it('delegation narrower than the scopes asked for → PERMISSION_DENIED', async () => {
      harness.emulator.grantDomainWideDelegation({ domain: 'example.com', serviceAccount: 'bridge@bridge-project.iam.gserviceaccount.com', scopes: [READONLY_SCOPE] });
      expect(await kindOf(driver().listCalendars(alice))).toBe('PERMISSION_DENIED');
    });
  });

  describe('user grants', () => {
    const CLIENT = { clientId: 'bridge.apps.googleusercontent.com', clientSecret: 'bridge-secret' };

    function userAccess(scope: string, onTokensRefreshed?: CalendarAccess['onTokensRefreshed']): CalendarAccess {
      harness.emulator.registerClient({ ...CLIENT, redirectUris: [] });
      const tokens = harness.emulator.issueTokens({ mailbox: ALICE, clientId: CLIENT.clientId, scope });
      return { mailbox: ALICE, credentials: { kind: 'google-oauth', refreshToken: tokens.refresh_token as string }, onTokensRefreshed };
    }

    it('refreshes the access token with the refresh token and hands the new tokens to the caller', async () => {
      const refreshed: string[] = [];
      const access = userAccess(CAL_SCOPE, async (tokens) => {
        refreshed.push(tokens.accessToken);
      });
      const d = driver({ oauthClient: CLIENT });
      expect((await d.resolveMailbox(access)).primaryCalendarId).toBe(ALICE);
      await d.listCalendars(access);
      expect(refreshed).toHaveLength(1);
      expect(refreshed[0]).toMatch(/^ya29\./);
      expect(harness.http.filter((r) => r === 'POST /token')).toHaveLength(1);
    });

    it('a revoked grant → AUTH_REVOKED', async () => {
      const access = userAccess(CAL_SCOPE);
      expect(harness.emulator.revokeGrant({ mailbox: ALICE })).toBe(1);
      expect(await kindOf(driver({ oauthClient: CLIENT }).listCalendars(access))).toBe('AUTH_REVOKED');
    });

    it('a grant revoked while its access token is cached → 401, one refresh attempt, AUTH_REVOKED', async () => {
      const access = userAccess(CAL_SCOPE);
      const d = driver({ oauthClient: CLIENT });
      await d.listCalendars(access);
      harness.emulator.revokeGrant({ mailbox: ALICE });
      expect(await kindOf(d.listCalendars(access))).toBe('AUTH_REVOKED');
      expect(harness.http.filter((r) => r === 'POST /token')).toHaveLength(2);
    });

    it('writes with a cached token of a revoked grant → AUTH_REVOKED for the whole batch, nothing written', async () => {
      const access = userAccess(CAL_SCOPE);
      const d = driver({ oauthClient: CLIENT });
      await d.listCalendars(access);
      harness.emulator.revokeGrant({ mailbox: ALICE });
      const error = await d.writeEvents(access, 'primary', [{ op: 'create', key: 'a', event: baseEvent() }]).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'AUTH_REVOKED', providerCode: 'invalid_grant' });
      expect(harness.http.filter((r) => r === 'POST /batch/calendar/v3')).toHaveLength(1);
      expect(harness.emulator.readEvents(ALICE)).toEqual([]);
    });

    it('a batch answered 401 because the access token expired at Google is sent again with a fresh token', async () => {
      let emulatorNow = Date.now();
      const own = await startDriverHarness({ ...FULL_PAGES, clock: () => emulatorNow });
      try {
        own.emulator.createMailbox({ email: ALICE });
        own.emulator.registerClient({ ...CLIENT, redirectUris: [] });
        const tokens = own.emulator.issueTokens({ mailbox: ALICE, clientId: CLIENT.clientId });
        const access: CalendarAccess = { mailbox: ALICE, credentials: { kind: 'google-oauth', refreshToken: tokens.refresh_token as string } };
        const d = new GoogleCalendarProvider({ endpoints: own.endpoints, oauthClient: CLIENT, retry: FAST_RETRY, clock: virtualClock() });
        await d.listCalendars(access);
        emulatorNow += 3_601_000; // Google's clock says the token is gone; ours does not know yet.
        const results = await d.writeEvents(access, 'primary', [{ op: 'create', key: 'a', event: baseEvent() }]);
        expect(results).toMatchObject([{ ok: true, id: googleEventIdForKey('a') }]);
        expect(own.http.filter((r) => r === 'POST /token' || r === 'POST /batch/calendar/v3')).toEqual([
          'POST /token',
          'POST /batch/calendar/v3',
          'POST /token',
          'POST /batch/calendar/v3',
        ]);
        expect(own.emulator.readEvents(ALICE)).toHaveLength(1);
      } finally {
        await own.close();
      }
    });

    it('a read-only grant: listing works, writes → PERMISSION_DENIED for the whole batch', async () => {
      const access = userAccess(READONLY_SCOPE);
      const d = driver({ oauthClient: CLIENT });
      await expect(d.listEvents(access, 'primary', WINDOW)).resolves.toMatchObject({ events: [] });
      const error = await d.writeEvents(access, 'primary', [{ op: 'create', key: 'a', event: baseEvent() }, { op: 'create', key: 'b', event: baseEvent() }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ kind: 'PERMISSION_DENIED', status: 403, providerCode: 'insufficientPermissions' });
      expect(harness.emulator.readEvents(ALICE)).toEqual([]);
    });
  });

  describe('listings', () => {
    function seedWeek(count: number): string[] {
      const seeded = harness.emulator.seedEvents(
        ALICE,
        Array.from({ length: count }, (_, i) => ({
          summary: `Event ${i}`,
          start: { dateTime: `2030-02-${String(i + 1).padStart(2, '0')}T10:00:00-05:00` },
          end: { dateTime: `2030-02-${String(i + 1).padStart(2, '0')}T11:00:00-05:00` },
        })),
      );
      return seeded.map((e) => e.id as string);
    }

    it('follows short and empty pages to the end and keeps the nextSyncToken as the cursor', async () => {
      const ids = seedWeek(7);
      harness.setEmptyPagesBeforeFirst(2);
      const listing = await driver({ pageSize: 3 }).listEvents(alice, 'primary', WINDOW);
      expect(listing.events.map((e) => e.id)).toEqual(ids);
      expect(listing.cursor).toEqual(expect.stringMatching(/\S/));
      // 2 empty pages + ceil(7 / 3) real ones.
      expect(harness.http.filter((r) => r === 'GET /calendar/v3/calendars/primary/events')).toHaveLength(5);
      expect(listing.events[0]).toMatchObject({
        title: 'Event 0',
        start: { allDay: false, dateTime: '2030-02-01T10:00:00', timeZone: 'America/New_York' },
        end: { allDay: false, dateTime: '2030-02-01T11:00:00', timeZone: 'America/New_York' },
      });
    });

    it('lists everything whatever page sizes the emulator picks by default (short and empty pages)', async () => {
      const paged = await startDriverHarness({});
      try {
        paged.emulator.createMailbox({ email: ALICE, timeZone: 'America/New_York' });
        const access = delegatedAccess(paged, 'example.com')(ALICE);
        const seeded = paged.emulator.seedEvents(
          ALICE,
          Array.from({ length: 40 }, (_, i) => ({ summary: `E${i}`, start: { date: `2030-03-${String((i % 28) + 1).padStart(2, '0')}` }, end: { date: `2030-04-01` } })),
        );
        const d = new GoogleCalendarProvider({ endpoints: paged.endpoints, retry: FAST_RETRY, clock: virtualClock(), pageSize: 5 });
        const listing = await d.listEvents(access, 'primary', WINDOW);
        expect(listing.events.map((e) => e.id)).toEqual(seeded.map((e) => e.id));
        paged.emulator.seedEvents(ALICE, [{ summary: 'Later', start: { date: '2030-05-01' }, end: { date: '2030-05-02' } }]);
        const changes = await d.listChanges(access, 'primary', listing.cursor, WINDOW);
        expect(changes.changed.map((e) => e.title)).toEqual(['Later']);
        expect((await d.listCalendars(access)).map((c) => c.id)).toEqual([ALICE]);
      } finally {
        await paged.close();
      }
    });

    it('keeps only events inside the window', async () => {
      seedWeek(2);
      harness.emulator.seedEvents(ALICE, [{ summary: 'Long ago', start: { date: '2020-01-01' }, end: { date: '2020-01-02' } }]);
      const listing = await driver().listEvents(alice, 'primary', WINDOW);
      expect(listing.events.map((e) => e.title)).toEqual(['Event 0', 'Event 1']);
    });

    it('incremental listing returns exactly the changes, then nothing for one request', async () => {
      const [first, second, third] = seedWeek(3);
      const d = driver();
      const full = await d.listEvents(alice, 'primary', WINDOW);
      const token = full.cursor;
      // Add one, change one, delete one.
      harness.emulator.seedEvents(ALICE, [
        { summary: 'Added', start: { date: '2030-05-01' }, end: { date: '2030-05-02' } },
      ]);
      const added = harness.emulator.readEvents(ALICE).find((e) => e.summary === 'Added')?.id as string;
      await d.writeEvents(alice, 'primary', [
        { op: 'update', id: second, event: baseEvent({ title: 'Renamed' }) },
        { op: 'delete', id: third },
      ]);
      const changes = await d.listChanges(alice, 'primary', token, WINDOW);
      expect(changes.changed.map((e) => [e.id, e.title])).toEqual([
        [added, 'Added'],
        [second, 'Renamed'],
      ]);
      expect(changes.removed).toEqual([third]);
      expect(changes.changed.map((e) => e.id)).not.toContain(first);
      harness.http.length = 0;
      const none = await d.listChanges(alice, 'primary', changes.cursor, WINDOW);
      expect(none).toEqual({ changed: [], removed: [], cursor: expect.stringMatching(/\S/) });
      expect(harness.http).toEqual(['GET /calendar/v3/calendars/primary/events']);
    });

    it('an event moved out of the window is reported removed', async () => {
      const [id] = seedWeek(1);
      const d = driver();
      const full = await d.listEvents(alice, 'primary', WINDOW);
      await d.writeEvents(alice, 'primary', [
        {
          op: 'update',
          id,
          event: baseEvent({ start: { allDay: true, date: '2035-01-01' }, end: { allDay: true, date: '2035-01-02' } }),
        },
      ]);
      expect(await d.listChanges(alice, 'primary', full.cursor, WINDOW)).toMatchObject({ changed: [], removed: [id] });
    });

    it('an expired cursor → SYNC_CURSOR_EXPIRED', async () => {
      seedWeek(1);
      const d = driver();
      const full = await d.listEvents(alice, 'primary', WINDOW);
      harness.emulator.expireSyncTokens(ALICE);
      expect(await kindOf(d.listChanges(alice, 'primary', full.cursor, WINDOW))).toBe('SYNC_CURSOR_EXPIRED');
    });

    it('absorbs injected 503 and 403 rateLimitExceeded on listings', async () => {
      seedWeek(2);
      harness.emulator.injectFault({ status: 503, count: 1, match: { method: 'GET', pathIncludes: '/events' } });
      harness.emulator.injectFault({ status: 403, count: 1, match: { method: 'GET', pathIncludes: '/events' } });
      const clock = virtualClock();
      const listing = await driver({ clock }).listEvents(alice, 'primary', WINDOW);
      expect(listing.events).toHaveLength(2);
      expect(clock.slept).toHaveLength(2);
      expect(harness.http.filter((r) => r.startsWith('GET /calendar/v3'))).toHaveLength(3);
    });
  });

  describe('timeouts', () => {
    it('a call that never answers in time is retried a bounded number of times, then TEMPORARY', async () => {
      const d = driver({ requestTimeoutMs: 200, retry: { ...FAST_RETRY, maxAttempts: 3 } });
      await d.resolveMailbox(alice);
      harness.http.length = 0;
      harness.emulator.setLatency(400);
      const started = Date.now();
      const error = await d.listCalendars(alice).catch((e: unknown) => e);
      harness.emulator.setLatency(0);
      expect(error).toMatchObject({ kind: 'TEMPORARY', status: undefined });
      expect(harness.http).toEqual(Array.from({ length: 3 }, () => 'GET /calendar/v3/users/me/calendarList'));
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });

  describe('writes', () => {
    it('120 creates cost 3 batch requests (≤ 50 calls each) and make 120 events', async () => {
      const operations: WriteOperation[] = Array.from({ length: 120 }, (_, i) => ({
        op: 'create',
        key: `link-1:source-${i}`,
        event: baseEvent({ title: `Copy ${i}`, copyMarker: { linkId: 'link-1', sourceEventId: `source-${i}` } }),
      }));
      const d = driver();
      await d.resolveMailbox(alice);
      harness.http.length = 0;
      harness.emulator.resetRequestCounts();
      const results = await d.writeEvents(alice, 'primary', operations);
      expect(results.every((r) => r.ok)).toBe(true);
      expect(results.map((r) => (r.ok ? r.id : null))).toEqual(operations.map((o) => googleEventIdForKey((o as { key: string }).key)));
      expect(harness.http).toEqual(['POST /batch/calendar/v3', 'POST /batch/calendar/v3', 'POST /batch/calendar/v3']);
      expect(harness.emulator.requestCounts().byEndpoint).toEqual({ batch: 3, 'events.insert': 120 });
      const stored = harness.emulator.readEvents(ALICE);
      expect(stored).toHaveLength(120);
      expect(stored[7].extendedProperties?.private).toEqual({ calendarBridgeCopy: '{"l":"link-1","s":"source-7"}' });
    });

    it('a create retried after a timeout gives one event, not two', async () => {
      const operations: WriteOperation[] = [
        { op: 'create', key: 'link-1:a', event: baseEvent({ title: 'A' }) },
        { op: 'create', key: 'link-1:b', event: baseEvent({ title: 'B' }) },
      ];
      const d = new GoogleCalendarProvider({
        endpoints: harness.endpoints,
        requestTimeoutMs: 300,
        retry: FAST_RETRY,
        // Real time: the retry must come after the abandoned batch was executed.
        clock: { now: () => Date.now(), random: () => 0.5, sleep: (ms) => new Promise((r) => setTimeout(r, Math.max(ms, 700))) },
      });
      await d.resolveMailbox(alice);
      harness.emulator.resetRequestCounts();
      harness.emulator.setLatency(500);
      const lowered = setTimeout(() => harness.emulator.setLatency(0), 350);
      const results = await d.writeEvents(alice, 'primary', operations);
      clearTimeout(lowered);
      expect(results).toEqual([
        { ok: true, id: googleEventIdForKey('link-1:a'), etag: expect.stringMatching(/^"\d+"$/) },
        { ok: true, id: googleEventIdForKey('link-1:b'), etag: expect.stringMatching(/^"\d+"$/) },
      ]);
      expect(harness.emulator.readEvents(ALICE).map((e) => [e.id, e.summary, e.status])).toEqual([
        [googleEventIdForKey('link-1:a'), 'A', 'confirmed'],
        [googleEventIdForKey('link-1:b'), 'B', 'confirmed'],
      ]);
      // The timed-out batch was executed; the retry met 409 duplicate and wrote the same content with update.
      expect(harness.emulator.requestCounts().byEndpoint).toEqual({ batch: 3, 'events.insert': 4, 'events.update': 2 });
    });

    it('writing the same creates twice keeps one event each and restores a deleted copy', async () => {
      const d = driver();
      const op: WriteOperation = { op: 'create', key: 'link-1:x', event: baseEvent({ title: 'X' }) };
      const [first] = await d.writeEvents(alice, 'primary', [op]);
      await d.writeEvents(alice, 'primary', [{ op: 'delete', id: (first as { id: string }).id }]);
      const [again] = await d.writeEvents(alice, 'primary', [{ ...op, event: baseEvent({ title: 'X2' }) }]);
      expect(again).toMatchObject({ ok: true, id: googleEventIdForKey('link-1:x') });
      expect(harness.emulator.readEvents(ALICE).map((e) => [e.summary, e.status])).toEqual([['X2', 'confirmed']]);
    });

    it('absorbs injected 429 (Retry-After honoured) and 503 on batch parts, retrying only the failed parts', async () => {
      harness.emulator.injectFault({ status: 429, count: 1, match: { method: 'POST', pathIncludes: '/events' }, headers: { 'Retry-After': '3' } });
      harness.emulator.injectFault({ status: 503, count: 1, match: { method: 'POST', pathIncludes: '/events' } });
      const clock = virtualClock();
      const d = driver({ clock });
      const results = await d.writeEvents(alice, 'primary', ['a', 'b', 'c'].map((k) => ({ op: 'create', key: k, event: baseEvent({ title: k }) })));
      expect(results.map((r) => r.ok)).toEqual([true, true, true]);
      expect(clock.slept).toEqual([3_000]);
      expect(harness.http.filter((r) => r.startsWith('POST /batch'))).toHaveLength(2);
      expect(harness.emulator.requestCounts().byEndpoint['events.insert']).toBe(5);
      expect(harness.emulator.readEvents(ALICE).map((e) => e.summary).sort()).toEqual(['a', 'b', 'c']);
    });

    it('gives up on a part that keeps failing, with a temporary error for it alone', async () => {
      harness.emulator.injectFault({ status: 503, count: 100, match: { method: 'DELETE' } });
      const d = driver();
      const [created] = await d.writeEvents(alice, 'primary', [{ op: 'create', key: 'k', event: baseEvent() }]);
      const results = await d.writeEvents(alice, 'primary', [
        { op: 'delete', id: (created as { id: string }).id },
        { op: 'create', key: 'k2', event: baseEvent({ title: 'Second' }) },
      ]);
      expect(results[0]).toMatchObject({ ok: false, error: { kind: 'TEMPORARY', status: 503 } });
      expect(results[1]).toMatchObject({ ok: true, id: googleEventIdForKey('k2') });
    });

    it('refuses a floating time for that item only', async () => {
      const results = await driver().writeEvents(alice, 'primary', [
        { op: 'create', key: 'f', event: baseEvent({ start: { allDay: false, dateTime: '2030-03-04T09:00:00', timeZone: null } }) },
        { op: 'create', key: 'g', event: baseEvent() },
      ]);
      expect(results[0]).toMatchObject({ ok: false, error: { kind: 'INVALID_REQUEST' } });
      expect(results[1]).toMatchObject({ ok: true });
    });

    it('deleting an event that is already gone succeeds', async () => {
      const results = await driver().writeEvents(alice, 'primary', [{ op: 'delete', id: 'abcdefghij' }]);
      expect(results).toEqual([{ ok: true, id: 'abcdefghij' }]);
    });
  });

  describe('push channels', () => {
    it('subscribes and unsubscribes a web hook channel', async () => {
      const d = driver();
      const subscription = await d.subscribe(alice, 'primary', 'http://127.0.0.1:9/hook', 'client-state-1');
      expect(subscription.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof subscription.resourceId).toBe('string');
      expect(Date.parse(subscription.expiresAt)).toBeGreaterThan(Date.now());
      expect(harness.emulator.listChannels()).toHaveLength(1);
      await d.unsubscribe(alice, subscription);
      expect(harness.emulator.listChannels()).toMatchObject([{ id: subscription.id, token: 'client-state-1', stopped: true }]);
    });
  });
});
