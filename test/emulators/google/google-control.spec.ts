import type { calendar_v3 } from 'googleapis';
import { calendarFor, failure, startEmulator, type TestServer, readJson } from './google-test-server';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

describe('Google emulator: quotas, faults and the control API', () => {
  let server: TestServer;
  let calendar: calendar_v3.Calendar;

  beforeAll(async () => {
    server = await startEmulator();
  });
  afterAll(() => server.close());

  beforeEach(() => {
    server.emulator.reset();
    server.emulator.createMailbox({ email: ALICE });
    server.emulator.createMailbox({ email: BOB });
    calendar = calendarFor(server, ALICE).calendar;
  });

  it('answers 403 usageLimits/rateLimitExceeded past the per-mailbox quota, per mailbox', async () => {
    server.emulator.setQuota({ requestsPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await calendar.events.list({ calendarId: 'primary' })).status).toBe(200);
    const limited = await failure(calendar.events.list({ calendarId: 'primary' }));
    expect(limited.status).toBe(403);
    expect(limited.body).toEqual({
      error: {
        code: 403,
        message: 'Rate Limit Exceeded',
        errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' }],
      },
    });
    const bob = calendarFor(server, BOB).calendar;
    expect((await bob.events.list({ calendarId: 'primary' })).status).toBe(200);
  });

  it('can answer 429 with Retry-After instead, and 0 switches the quota off', async () => {
    server.emulator.setQuota({ requestsPerMinute: 1, status: 429, retryAfterHeader: true });
    const token = calendarFor(server, BOB).accessToken;
    const call = () => fetch(`${server.base}/calendar/v3/calendars/primary/events`, { headers: { Authorization: `Bearer ${token}` } });
    expect((await call()).status).toBe(200);
    const limited = await call();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await readJson(limited)).error.errors[0].reason).toBe('rateLimitExceeded');
    server.emulator.setQuota({ requestsPerMinute: 0 });
    for (let i = 0; i < 5; i++) expect((await call()).status).toBe(200);
  });

  it('injects faults for the next N matching requests, with Google-shaped default bodies', async () => {
    server.emulator.injectFault({ status: 503, count: 2, match: { method: 'POST', pathIncludes: '/events', mailbox: ALICE } });
    const body = { start: { date: '2030-01-01' }, end: { date: '2030-01-02' } };
    expect((await calendar.events.list({ calendarId: 'primary' })).status).toBe(200);
    const first = await failure(calendar.events.insert({ calendarId: 'primary', requestBody: body }));
    expect(first.status).toBe(503);
    expect(first.body.error.errors[0].reason).toBe('backendError');
    await failure(calendar.events.insert({ calendarId: 'primary', requestBody: body }));
    expect((await calendar.events.insert({ calendarId: 'primary', requestBody: body })).status).toBe(200);
    expect(server.emulator.readEvents(ALICE)).toHaveLength(1);

    server.emulator.injectFault({ status: 410, count: 1, match: { method: 'GET' } });
    const gone = await failure(calendar.events.list({ calendarId: 'primary' }));
    expect(gone.body.error.errors[0].reason).toBe('fullSyncRequired');
  });

  it('adds latency', async () => {
    server.emulator.setLatency(150);
    const started = Date.now();
    await calendar.calendarList.list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('counts requests per mailbox and per endpoint', async () => {
    await calendar.events.list({ calendarId: 'primary' });
    await calendar.events.list({ calendarId: 'primary' });
    await calendar.calendarList.list();
    await calendarFor(server, BOB).calendar.events.list({ calendarId: 'primary' });
    expect(server.emulator.requestCounts()).toEqual({
      total: 4,
      byMailbox: { [ALICE]: 3, [BOB]: 1 },
      byEndpoint: { 'events.list': 3, 'calendarList.list': 1 },
    });
    server.emulator.resetRequestCounts();
    expect(server.emulator.requestCounts().total).toBe(0);
  });

  it('exposes the same operations over HTTP under /_control', async () => {
    const control = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.base}/_control${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: res.status === 204 ? undefined : await readJson(res) };
    };
    expect((await control('POST', '/reset')).status).toBe(204);
    expect((await control('POST', '/mailboxes', { email: 'dana@example.com', timeZone: 'Asia/Tokyo' })).body).toMatchObject({
      email: 'dana@example.com',
      timeZone: 'Asia/Tokyo',
    });
    const seeded = await control('POST', '/calendars/dana@example.com/events', {
      events: [
        {
          id: 'series01',
          summary: 'Daily',
          start: { dateTime: '2030-01-01T09:00:00', timeZone: 'Asia/Tokyo' },
          end: { dateTime: '2030-01-01T09:30:00', timeZone: 'Asia/Tokyo' },
          recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
          exceptions: [{ originalStartTime: { dateTime: '2030-01-02T09:00:00+09:00' }, status: 'cancelled' }],
        },
      ],
    });
    expect(seeded.status).toBe(200);
    expect(seeded.body.map((e: { id: string }) => e.id)).toEqual(['series01', 'series01_20300102T000000Z']);
    const tokens = (await control('POST', '/mailboxes/dana@example.com/tokens', {})).body;
    expect(tokens.access_token).toBeTruthy();
    // Full pages, so that one request shows the whole listing; bad values are refused.
    expect((await control('PUT', '/paging', { shortPages: false })).body).toEqual({ shortPages: false, seed: 1 });
    expect((await control('PUT', '/paging', { seed: 'x' })).status).toBe(400);
    const listed = await fetch(`${server.base}/calendar/v3/calendars/primary/events?singleEvents=true`, {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    }).then(readJson);
    expect(listed.items.map((e: { id: string }) => e.id)).toEqual(['series01_20300101T000000Z', 'series01_20300103T000000Z']);
    const stored = await control('GET', '/mailboxes/dana@example.com/events');
    expect(stored.body.map((e: { status: string }) => e.status)).toEqual(['confirmed', 'cancelled']);
    expect((await control('GET', '/requests')).body).toMatchObject({ total: 1, byMailbox: { 'dana@example.com': 1 } });
    expect((await control('POST', '/faults', { status: 500, count: 1 })).status).toBe(204);
    expect((await control('GET', '/faults')).body).toHaveLength(1);
    expect((await control('PUT', '/quota', { requestsPerMinute: 10, status: 429 })).body).toMatchObject({ requestsPerMinute: 10, status: 429 });
    expect((await control('POST', '/calendars/dana@example.com/expire-sync-tokens')).status).toBe(204);
    expect((await control('POST', '/grants/revoke', { mailbox: 'dana@example.com' })).body).toEqual({ revoked: 1 });
    const sa = await control('POST', '/service-accounts', { clientEmail: 'sa@p.iam.gserviceaccount.com' });
    expect(sa.body.privateKeyPem).toContain('BEGIN PRIVATE KEY');
    expect((await control('POST', '/domain-delegations', { domain: 'example.com', serviceAccount: sa.body.clientId })).status).toBe(204);
    expect((await control('POST', '/mailboxes', { email: 'not-an-email' })).status).toBe(400);
    expect((await control('GET', '/calendars/nobody@example.com/events')).status).toBe(400);
  });

  it('guards the control API with controlToken when configured', async () => {
    const guarded = await startEmulator({ controlToken: 'sekret' });
    try {
      expect((await fetch(`${guarded.base}/_control/mailboxes`)).status).toBe(401);
      const ok = await fetch(`${guarded.base}/_control/mailboxes`, { headers: { Authorization: 'Bearer sekret' } });
      expect(ok.status).toBe(200);
      expect(await readJson(ok)).toEqual([]);
    } finally {
      await guarded.close();
    }
  });

  it('never answers 500 to malformed JSON', async () => {
    const token = calendarFor(server, ALICE).accessToken;
    const res = await fetch(`${server.base}/calendar/v3/calendars/primary/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: '{not json',
    });
    expect(res.status).toBe(400);
    expect((await readJson(res)).error.errors[0].reason).toBe('parseError');
  });
});
