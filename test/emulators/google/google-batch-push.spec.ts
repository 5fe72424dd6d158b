import type { calendar_v3 } from 'googleapis';
import { calendarFor, startEmulator, startWebhook, type TestServer } from './google-test-server';

const ALICE = 'alice@example.com';

interface PartResponse {
  contentId?: string;
  status: number;
  body: unknown;
}

/** Parses a multipart/mixed batch answer into its HTTP responses. */
function parseBatchResponse(contentType: string, text: string): PartResponse[] {
  const boundary = /boundary=([^;]+)/.exec(contentType)![1];
  return text
    .split(`--${boundary}`)
    .slice(1)
    .filter((p) => !p.startsWith('--'))
    .map((part) => {
      const [mime, http] = part.split(/\r\n\r\n/, 2).length === 2 ? [part.slice(0, part.indexOf('\r\n\r\n')), part.slice(part.indexOf('\r\n\r\n') + 4)] : [part, ''];
      const contentId = /Content-ID: (.+)/i.exec(mime)?.[1].trim();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(http)![1]);
      const body = http.slice(http.indexOf('\r\n\r\n') + 4).trim();
      return { contentId, status, body: body ? JSON.parse(body) : undefined };
    });
}

function batchBody(boundary: string, parts: { id: string; method: string; path: string; body?: unknown }[]): string {
  return (
    parts
      .map((p) => {
        const payload = p.body === undefined ? '' : JSON.stringify(p.body);
        return [
          `--${boundary}`,
          'Content-Type: application/http',
          `Content-ID: <${p.id}>`,
          '',
          `${p.method} ${p.path} HTTP/1.1`,
          ...(payload ? ['Content-Type: application/json'] : []),
          '',
          payload,
        ].join('\r\n');
      })
      .join('\r\n') + `\r\n--${boundary}--\r\n`
  );
}

describe('Google emulator: batch requests', () => {
  let server: TestServer;
  let accessToken: string;

  beforeAll(async () => {
    server = await startEmulator();
  });
  afterAll(() => server.close());

  beforeEach(() => {
    server.emulator.reset();
    server.emulator.createMailbox({ email: ALICE });
    accessToken = calendarFor(server, ALICE).accessToken;
  });

  const send = (body: string, boundary = 'batch_test') =>
    fetch(`${server.base}/batch/calendar/v3`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': `multipart/mixed; boundary=${boundary}` },
      body,
    });

  const ev = (id: string) => ({
    id,
    summary: id,
    start: { dateTime: '2030-01-01T09:00:00Z' },
    end: { dateTime: '2030-01-01T10:00:00Z' },
  });

  it('runs several inserts and answers each part, including a failing one, in order', async () => {
    const path = `${server.base.replace(server.origin, '')}/calendar/v3/calendars/primary/events`;
    const res = await send(
      batchBody('batch_test', [
        { id: 'item1', method: 'POST', path, body: ev('aaaaa1') },
        { id: 'item2', method: 'POST', path, body: ev('bbbbb2') },
        { id: 'item3', method: 'POST', path, body: ev('aaaaa1') },
        { id: 'item4', method: 'POST', path: '/calendar/v3/calendars/primary/events', body: ev('BAD-ID') },
        { id: 'item5', method: 'GET', path: '/calendar/v3/calendars/primary/events/bbbbb2' },
      ]),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^multipart\/mixed; boundary=/);
    const parts = parseBatchResponse(res.headers.get('content-type')!, await res.text());
    expect(parts.map((p) => [p.contentId, p.status])).toEqual([
      ['<response-item1>', 200],
      ['<response-item2>', 200],
      ['<response-item3>', 409],
      ['<response-item4>', 400],
      ['<response-item5>', 200],
    ]);
    expect(parts[2].body).toMatchObject({ error: { code: 409, errors: [{ reason: 'duplicate' }] } });
    expect(parts[4].body).toMatchObject({ id: 'bbbbb2', kind: 'calendar#event' });
    expect(server.emulator.readEvents(ALICE).map((e) => e.id).sort()).toEqual(['aaaaa1', 'bbbbb2']);
    const counts = server.emulator.requestCounts();
    expect(counts.byMailbox[ALICE]).toBe(5);
    expect(counts.byEndpoint).toMatchObject({ batch: 1, 'events.insert': 4, 'events.get': 1 });
  });

  it('counts every sub-request against the per-mailbox quota', async () => {
    server.emulator.setQuota({ requestsPerMinute: 2 });
    const parts = ['ccccc1', 'ccccc2', 'ccccc3'].map((id) => ({ id, method: 'POST', path: '/calendar/v3/calendars/primary/events', body: ev(id) }));
    const res = await send(batchBody('b2', parts), 'b2');
    const answers = parseBatchResponse(res.headers.get('content-type')!, await res.text());
    expect(answers.map((a) => a.status)).toEqual([200, 200, 403]);
    expect(answers[2].body).toMatchObject({ error: { errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded' }] } });
  });

  it('checks the scopes of every part: an events-only token gets 403 on the calendarList part alone', async () => {
    accessToken = calendarFor(server, ALICE, 'https://www.googleapis.com/auth/calendar.events').accessToken;
    const res = await send(
      batchBody('b3', [
        { id: 'list', method: 'GET', path: '/calendar/v3/users/me/calendarList' },
        { id: 'insert', method: 'POST', path: '/calendar/v3/calendars/primary/events', body: ev('ddddd1') },
      ]),
      'b3',
    );
    const answers = parseBatchResponse(res.headers.get('content-type')!, await res.text());
    expect(answers.map((a) => a.status)).toEqual([403, 200]);
    expect(answers[0].body).toMatchObject({
      error: { code: 403, status: 'PERMISSION_DENIED', errors: [{ reason: 'insufficientPermissions', domain: 'global' }] },
    });
    expect(server.emulator.readEvents(ALICE).map((e) => e.id)).toEqual(['ddddd1']);
  });

  it('refuses an empty batch and more than 1000 calls with 400', async () => {
    expect((await send('--batch_test--\r\n')).status).toBe(400);
    const many = Array.from({ length: 1001 }, (_, i) => ({ id: `i${i}`, method: 'GET', path: '/calendar/v3/calendars/primary' }));
    expect((await send(batchBody('batch_test', many))).status).toBe(400);
    const wrongType = await fetch(`${server.base}/batch/calendar/v3`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(wrongType.status).toBe(400);
  });
});

describe('Google emulator: push notifications', () => {
  let server: TestServer;
  let calendar: calendar_v3.Calendar;
  let hook: Awaited<ReturnType<typeof startWebhook>>;

  beforeAll(async () => {
    server = await startEmulator();
    hook = await startWebhook();
  });
  afterAll(async () => {
    await hook.close();
    await server.close();
  });

  beforeEach(() => {
    server.emulator.reset();
    hook.received.length = 0;
    server.emulator.createMailbox({ email: ALICE });
    calendar = calendarFor(server, ALICE).calendar;
  });

  it('sends sync on creation, exists on each change, and nothing after channels.stop', async () => {
    const expiration = Date.now() + 3600_000;
    const channel = await calendar.events.watch({
      calendarId: 'primary',
      requestBody: { id: 'chan-1', type: 'web_hook', address: hook.url, token: 'tenant=42', expiration: String(expiration) },
    });
    expect(channel.data).toMatchObject({
      kind: 'api#channel',
      id: 'chan-1',
      token: 'tenant=42',
      expiration: String(expiration),
      resourceUri: `${server.base}/calendar/v3/calendars/primary/events?alt=json`,
    });
    expect(channel.data.resourceId).toBeTruthy();
    await server.emulator.flushNotifications();
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0].headers).toMatchObject({
      'x-goog-channel-id': 'chan-1',
      'x-goog-channel-token': 'tenant=42',
      'x-goog-resource-id': channel.data.resourceId,
      'x-goog-resource-state': 'sync',
      'x-goog-resource-uri': channel.data.resourceUri,
      'x-goog-message-number': '1',
      'x-goog-channel-expiration': new Date(expiration).toUTCString(),
    });

    const e = await calendar.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'x', start: { date: '2030-01-01' }, end: { date: '2030-01-02' } },
    });
    await calendar.events.delete({ calendarId: 'primary', eventId: e.data.id! });
    await server.emulator.flushNotifications();
    expect(hook.received.map((r) => [r.headers['x-goog-resource-state'], r.headers['x-goog-message-number']])).toEqual([
      ['sync', '1'],
      ['exists', '2'],
      ['exists', '3'],
    ]);
    expect(hook.received[1].body).toBe('');

    const stopped = await calendar.channels.stop({ requestBody: { id: 'chan-1', resourceId: channel.data.resourceId } });
    expect(stopped.status).toBe(204);
    await calendar.events.insert({ calendarId: 'primary', requestBody: { start: { date: '2030-01-03' }, end: { date: '2030-01-04' } } });
    await server.emulator.flushNotifications();
    expect(hook.received).toHaveLength(3);
    const again = await calendar.channels.stop({ requestBody: { id: 'chan-1', resourceId: channel.data.resourceId } }).catch((err: { status: number }) => err.status);
    expect(again).toBe(404);
  });

  it('does not notify channels of other calendars and rejects duplicate channel ids', async () => {
    const other = server.emulator.createCalendar(ALICE, { summary: 'Other' });
    await calendar.events.watch({ calendarId: other.id, requestBody: { id: 'chan-2', type: 'web_hook', address: hook.url } });
    await calendar.events.insert({ calendarId: 'primary', requestBody: { start: { date: '2030-01-03' }, end: { date: '2030-01-04' } } });
    await server.emulator.flushNotifications();
    expect(hook.received.map((r) => r.headers['x-goog-resource-state'])).toEqual(['sync']);
    expect(hook.received[0].headers['x-goog-channel-token']).toBeUndefined();
    const dup = await calendar.events
      .watch({ calendarId: 'primary', requestBody: { id: 'chan-2', type: 'web_hook', address: hook.url } })
      .catch((err: { status: number }) => err.status);
    expect(dup).toBe(400);
  });
});
