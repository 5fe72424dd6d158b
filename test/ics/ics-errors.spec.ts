import { gzipSync } from 'node:zlib';
import { ICS_ERRORS, icsErrorByCode } from '../../src/ics/ics-error-codes';
import { startTestApp, TestApp } from '../support/app';
import { createTenantWithKey } from '../support/fixtures';
import { http, JsonResponse } from '../support/http';
import { getIcs, postIcs, seedBody } from './ics-helpers';

type Send = (ctx: { baseUrl: string; key: string }) => Promise<JsonResponse>;

interface ErrorCase {
  name: string;
  send: Send;
  code: string;
  status: number;
  /** The message, where it names the offending value; otherwise the table's message for the code. */
  info?: string;
}

const post = (body: unknown): Send => ({ baseUrl, key }) => postIcs(baseUrl, key, body);
const without = (field: string): Record<string, unknown> => {
  const body = seedBody();
  delete body[field];
  return body;
};
const raw = (body: string, headers: Record<string, string> = {}): Send => ({ baseUrl, key }) =>
  http(baseUrl, 'POST', '/ics', { headers: { 'x-api-key': key, 'content-type': 'application/json', ...headers }, body });

const rawBytes = (baseUrl: string, key: string, body: Buffer, encoding: string): Promise<JsonResponse> =>
  fetch(`${baseUrl}/ics`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json', 'content-encoding': encoding }, body }).then(
    async (response) => {
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: JSON.parse(text), text };
    },
  );

const CASES: ErrorCase[] = [
  { name: 'no API key', send: ({ baseUrl }) => postIcs(baseUrl, undefined, seedBody()), code: 'E1701', status: 401 },
  { name: 'unknown API key', send: ({ baseUrl }) => postIcs(baseUrl, 'cbk_not-a-real-key', seedBody()), code: 'E1702', status: 401 },
  { name: 'empty title', send: post(seedBody({ 'event-title': '' })), code: 'E1703', status: 400 },
  { name: 'whitespace-only title', send: post(seedBody({ 'event-title': ' \t\n\u3000 ' })), code: 'E1703', status: 400 },
  { name: 'empty description', send: post(seedBody({ 'event-description': '   ' })), code: 'E1704', status: 400 },
  { name: 'empty location', send: post(seedBody({ 'event-location': '' })), code: 'E1705', status: 400 },
  { name: 'empty start', send: post(seedBody({ 'event-start-datetime': '' })), code: 'E1706', status: 400 },
  { name: 'empty end', send: post(seedBody({ 'event-end-datetime': ' ' })), code: 'E1707', status: 400 },
  { name: 'empty time zone', send: post(seedBody({ 'event-timezone': '' })), code: 'E1708', status: 400 },
  { name: 'empty action', send: post(seedBody({ action: '' })), code: 'E1709', status: 400 },
  { name: 'missing action', send: post(without('action')), code: 'E1710', status: 400 },
  { name: 'missing title', send: post(without('event-title')), code: 'E1711', status: 400 },
  { name: 'null title (null counts as missing)', send: post(seedBody({ 'event-title': null })), code: 'E1711', status: 400 },
  { name: 'missing description', send: post(without('event-description')), code: 'E1712', status: 400 },
  { name: 'missing location', send: post(without('event-location')), code: 'E1713', status: 400 },
  { name: 'missing start', send: post(without('event-start-datetime')), code: 'E1714', status: 400 },
  { name: 'missing end', send: post(without('event-end-datetime')), code: 'E1715', status: 400 },
  { name: 'missing time zone', send: post(without('event-timezone')), code: 'E1716', status: 400 },
  { name: 'unknown action', send: post(seedBody({ action: 'deletecalendar' })), code: 'E1717', status: 422, info: `Unknown action 'deletecalendar': the only supported action is "createcalendar".` },
  { name: 'action not a string', send: post(seedBody({ action: 5 })), code: 'E1720', status: 400 },
  { name: 'title not a string', send: post(seedBody({ 'event-title': 123 })), code: 'E1721', status: 400 },
  { name: 'description not a string', send: post(seedBody({ 'event-description': ['a'] })), code: 'E1722', status: 400 },
  { name: 'location not a string', send: post(seedBody({ 'event-location': {} })), code: 'E1723', status: 400 },
  { name: 'start not a string', send: post(seedBody({ 'event-start-datetime': 1639740600000 })), code: 'E1724', status: 400 },
  { name: 'end not a string', send: post(seedBody({ 'event-end-datetime': true })), code: 'E1725', status: 400 },
  { name: 'time zone not a string', send: post(seedBody({ 'event-timezone': 5 })), code: 'E1726', status: 400 },
  { name: 'all-day-event as a string', send: post(seedBody({ 'all-day-event': 'true' })), code: 'E1727', status: 400 },
  { name: 'all-day-event as a number', send: post(seedBody({ 'all-day-event': 1 })), code: 'E1727', status: 400 },
  { name: 'title over 1000 characters', send: post(seedBody({ 'event-title': 'x'.repeat(1001) })), code: 'E1730', status: 400 },
  { name: 'description over 20000 characters', send: post(seedBody({ 'event-description': 'x'.repeat(20001) })), code: 'E1731', status: 400 },
  { name: 'location over 1000 characters', send: post(seedBody({ 'event-location': 'x'.repeat(1001) })), code: 'E1732', status: 400 },
  { name: 'start over 64 characters', send: post(seedBody({ 'event-start-datetime': '2'.repeat(65) })), code: 'E1733', status: 400 },
  { name: 'end over 64 characters', send: post(seedBody({ 'event-end-datetime': '2'.repeat(65) })), code: 'E1734', status: 400 },
  { name: 'time zone over 64 characters', send: post(seedBody({ 'event-timezone': 'A'.repeat(65) })), code: 'E1735', status: 400 },
  { name: 'organizer over 1000 characters', send: post(seedBody({ 'event-organizer': `${'a'.repeat(1000)} <jo@example.com>` })), code: 'E1736', status: 400 },
  {
    name: 'organizer object over 1000 characters',
    send: post(seedBody({ 'event-organizer': { name: 'a'.repeat(990), email: 'jo@example.com' } })),
    code: 'E1736',
    status: 400,
  },
  { name: 'attendee over 1000 characters', send: post(seedBody({ 'event-attendees': [`a${' '.repeat(1000)}b@example.com`] })), code: 'E1737', status: 400 },
  { name: 'rrule over 500 characters', send: post(seedBody({ 'event-rrule': `FREQ=DAILY;${'BYHOUR=1;'.repeat(60)}` })), code: 'E1738', status: 400 },
  { name: 'action over 64 characters (was a 500: the rule named a code that did not exist)', send: post(seedBody({ action: 'x'.repeat(65) })), code: 'E1739', status: 400 },
  { name: 'start in words', send: post(seedBody({ 'event-start-datetime': 'next tuesday' })), code: 'E1740', status: 422 },
  { name: 'start on February 30th', send: post(seedBody({ 'event-start-datetime': '2021-02-30T10:00:00' })), code: 'E1740', status: 422 },
  { name: 'start at 25:00', send: post(seedBody({ 'event-start-datetime': '2021-12-17T25:00:00' })), code: 'E1740', status: 422 },
  { name: 'end in month 13', send: post(seedBody({ 'event-end-datetime': '2021-13-01T10:00:00' })), code: 'E1741', status: 422 },
  { name: 'end before start', send: post(seedBody({ 'event-end-datetime': '2021-12-17T10:30:00Z' })), code: 'E1742', status: 422 },
  { name: 'end equal to start', send: post(seedBody({ 'event-end-datetime': '2021-12-17T11:30:00+09:00' })), code: 'E1742', status: 422 },
  {
    name: 'all-day end date before start date',
    send: post(seedBody({ 'all-day-event': true, 'event-start-datetime': '2021-12-17', 'event-end-datetime': '2021-12-16' })),
    code: 'E1742',
    status: 422,
    info: 'Event end date must not be before the event start date.',
  },
  { name: 'unknown time zone', send: post(seedBody({ 'event-timezone': 'Mars/Olympus_Mons' })), code: 'E1743', status: 422, info: "Unknown time zone 'Mars/Olympus_Mons': use a tz database name such as America/New_York." },
  { name: 'offset instead of a zone name', send: post(seedBody({ 'event-timezone': '+05:00' })), code: 'E1743', status: 422, info: "Unknown time zone '+05:00': use a tz database name such as America/New_York." },
  { name: 'url not a string', send: post(seedBody({ 'event-url': 5 })), code: 'E1750', status: 400 },
  { name: 'ftp url', send: post(seedBody({ 'event-url': 'ftp://files.example.com/x' })), code: 'E1751', status: 422 },
  { name: 'relative url', send: post(seedBody({ 'event-url': '/party' })), code: 'E1751', status: 422 },
  { name: 'organizer not a string', send: post(seedBody({ 'event-organizer': 5 })), code: 'E1752', status: 400 },
  { name: 'organizer object with an extra key', send: post(seedBody({ 'event-organizer': { email: 'a@b.example', phone: '1' } })), code: 'E1752', status: 400 },
  { name: 'organizer without a valid address', send: post(seedBody({ 'event-organizer': 'Michael <michael-at-example>' })), code: 'E1753', status: 422 },
  { name: 'alarm as a string', send: post(seedBody({ 'event-alarm-minutes': '15' })), code: 'E1754', status: 400 },
  { name: 'alarm not whole', send: post(seedBody({ 'event-alarm-minutes': 1.5 })), code: 'E1754', status: 400 },
  { name: 'negative alarm', send: post(seedBody({ 'event-alarm-minutes': -1 })), code: 'E1755', status: 422 },
  { name: 'alarm over four weeks', send: post(seedBody({ 'event-alarm-minutes': 40321 })), code: 'E1755', status: 422 },
  { name: 'rrule not a string', send: post(seedBody({ 'event-rrule': { freq: 'weekly' } })), code: 'E1756', status: 400 },
  { name: 'rrule with an unknown frequency', send: post(seedBody({ 'event-rrule': 'FREQ=SOMETIMES' })), code: 'E1757', status: 422 },
  { name: 'rrule with COUNT and UNTIL', send: post(seedBody({ 'event-rrule': 'FREQ=DAILY;COUNT=2;UNTIL=20220101' })), code: 'E1757', status: 422 },
  { name: 'attendees as one string in JSON', send: post(seedBody({ 'event-attendees': 'pam@example.com' })), code: 'E1758', status: 400 },
  { name: 'attendees with a number', send: post(seedBody({ 'event-attendees': [1] })), code: 'E1758', status: 400 },
  { name: 'attendee without a valid address', send: post(seedBody({ 'event-attendees': ['pam@example.com', 'nope'] })), code: 'E1759', status: 422, info: "Field 'event-attendees' contains an invalid e-mail address: 'nope'." },
  {
    name: 'more than 100 attendees',
    send: post(seedBody({ 'event-attendees': Array.from({ length: 101 }, (_, i) => `p${i}@example.com`) })),
    code: 'E1760',
    status: 422,
  },
  { name: 'malformed JSON', send: raw('{"action": "createcalendar",'), code: 'E1780', status: 400 },
  { name: 'a JSON string body (valid JSON, not an object)', send: raw('"createcalendar"'), code: 'E1781', status: 400 },
  { name: 'a JSON number body', send: raw('123'), code: 'E1781', status: 400 },
  { name: 'a JSON null body', send: raw('null'), code: 'E1781', status: 400 },
  { name: 'a JSON string body without a key (shape is checked before the key)', send: ({ baseUrl }) => http(baseUrl, 'POST', '/ics', { body: '"hello"' }), code: 'E1781', status: 400 },
  { name: 'a JSON array body', send: post([seedBody()]), code: 'E1781', status: 400 },
  { name: 'an empty body (no fields, so the action is missing)', send: raw(''), code: 'E1710', status: 400 },
  { name: 'a body over the size limit', send: post(seedBody({ 'event-description': 'x'.repeat(300 * 1024) })), code: 'E1782', status: 413 },
  { name: 'an unknown field', send: post(seedBody({ 'event-colour': 'red' })), code: 'E1783', status: 400, info: "Unknown field 'event-colour'." },
  { name: 'a misspelt field', send: post({ ...without('event-title'), 'event_title': 'x' }), code: 'E1783', status: 400, info: "Unknown field 'event_title'." },
  { name: 'a broken gzip body', send: raw('this is not gzip', { 'content-encoding': 'gzip' }), code: 'E1791', status: 400 },
  { name: 'a broken deflate body', send: raw('this is not deflate', { 'content-encoding': 'deflate' }), code: 'E1791', status: 400 },
  { name: 'a broken brotli body', send: raw('this is not brotli', { 'content-encoding': 'br' }), code: 'E1791', status: 400 },
  {
    name: 'a truncated gzip body',
    send: ({ baseUrl, key }) => rawBytes(baseUrl, key, gzipSync(JSON.stringify(seedBody())).subarray(0, 40), 'gzip'),
    code: 'E1791',
    status: 400,
  },
  {
    name: 'a gzip bomb (tiny on the wire, over the limit once inflated)',
    send: ({ baseUrl, key }) => rawBytes(baseUrl, key, gzipSync(`{"event-description":"${'x'.repeat(20 * 1024 * 1024)}"}`), 'gzip'),
    code: 'E1782',
    status: 413,
  },
  { name: 'JSON nested 5000 levels', send: raw(`${'['.repeat(5000)}${']'.repeat(5000)}`), code: 'E1792', status: 400 },
  { name: 'JSON objects nested 33 levels', send: raw(`${'{"a":'.repeat(33)}1${'}'.repeat(33)}`), code: 'E1792', status: 400 },
  { name: 'an unsupported content encoding', send: raw(JSON.stringify(seedBody()), { 'content-encoding': 'bogus' }), code: 'E1784', status: 415 },
  { name: 'an unknown path under /ics', send: ({ baseUrl, key }) => http(baseUrl, 'POST', '/ics/v3', { headers: { 'x-api-key': key }, json: seedBody() }), code: 'E1786', status: 404 },
  { name: 'an unsupported method', send: ({ baseUrl, key }) => http(baseUrl, 'PUT', '/ics', { headers: { 'x-api-key': key }, json: seedBody() }), code: 'E1786', status: 404 },
  { name: 'GET without a key', send: ({ baseUrl }) => getIcs(baseUrl, { action: 'createcalendar' }), code: 'E1701', status: 401 },
];

/** Codes that cannot be provoked over HTTP on purpose; ics-error.formatter.spec.ts covers them. */
const UNIT_TESTED_ONLY = new Set(['E1700', 'E1787', 'E1799']);
/** Need their own app: a low rate limit (below), test/tenancy/credential-matrix.spec.ts (E1788), test/tenancy/auth-database-failure.spec.ts (E1789), short HTTP timeouts in test/http/hardening.spec.ts (E1790). */
const SEPARATE_TEST = new Set(['E1785', 'E1788', 'E1789', 'E1790']);

describe('POST /ics — one error code per failure, in the seed failure shape', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    key = (await createTenantWithKey(t.baseUrl, t.adminToken, 'ICS errors')).apiKey;
  });
  afterAll(() => t.close());

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, errorCase) => {
    const response = await errorCase.send({ baseUrl: t.baseUrl, key });
    expect({ status: response.status, code: response.body['error-code'] }).toEqual({ status: errorCase.status, code: errorCase.code });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(response.body).sort()).toEqual(['error-code', 'error-info', 'status']);
    expect(response.body.status).toBe('failure');
    expect(response.body['error-info']).toBe(errorCase.info ?? icsErrorByCode(errorCase.code)?.message);
    expect(response.text).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it("keeps the seed's exact E1703 message", async () => {
    const response = await postIcs(t.baseUrl, key, seedBody({ 'event-title': '' }));
    expect(response.body).toEqual({ status: 'failure', 'error-code': 'E1703', 'error-info': 'Title cannot be empty for iCalendar.' });
  });

  it('names the offending field or value in the message', async () => {
    expect((await postIcs(t.baseUrl, key, seedBody({ 'event-colour': 'red' }))).body['error-info']).toBe("Unknown field 'event-colour'.");
    expect((await postIcs(t.baseUrl, key, seedBody({ 'event-timezone': 'Mars/Olympus_Mons' }))).body['error-info']).toContain('Mars/Olympus_Mons');
  });

  it('reports the first problem in wire order (action, then title, …)', async () => {
    const response = await postIcs(t.baseUrl, key, { action: 'createcalendar', 'event-title': '', 'event-timezone': 'Nowhere/Land' });
    expect(response.body['error-code']).toBe('E1703');
  });

  it('accepts the action in any case', async () => {
    expect((await postIcs(t.baseUrl, key, seedBody({ action: 'CreateCalendar' }))).status).toBe(200);
    expect((await postIcs(t.baseUrl, key, seedBody({ action: 'CREATECALENDAR' }))).status).toBe(200);
  });

  it('covers every code of the table (over HTTP here, or in the unit specs)', () => {
    const covered = new Set([...CASES.map((c) => c.code), ...UNIT_TESTED_ONLY, ...SEPARATE_TEST]);
    expect(Object.values(ICS_ERRORS).map((d) => d.code).filter((code) => !covered.has(code))).toEqual([]);
  });

  it('answers with each code’s documented status', () => {
    for (const errorCase of CASES) {
      const definition = Object.values(ICS_ERRORS).find((d) => d.code === errorCase.code);
      expect([errorCase.code, definition?.status]).toEqual([errorCase.code, errorCase.status]);
    }
  });
});

describe('POST /ics — rate limiting', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '2' });
  });
  afterAll(() => t.close());

  it('answers E1785 / 429 past the limit', async () => {
    const statuses: number[] = [];
    let last: JsonResponse | undefined;
    for (let i = 0; i < 4; i++) {
      last = await postIcs(t.baseUrl, undefined, seedBody());
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 2)).toEqual([401, 401]);
    expect(last?.status).toBe(429);
    expect(last?.body).toEqual({ status: 'failure', 'error-code': 'E1785', 'error-info': ICS_ERRORS.rateLimited.message });
  });
});
