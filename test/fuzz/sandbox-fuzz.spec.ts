import fc from 'fast-check';
import { randomInt } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { startTestApp, TestApp } from '../support/app';
import { percentEncode } from './arbitraries';

/**
 * A light pass over the emulators the sandbox mode mounts (/sandbox/google, /sandbox/microsoft):
 * they are outside the product surfaces and have no OpenAPI document, so the only properties
 * are no 5xx, no stack trace, no admin token in the answer, and an answer within 2 s. The
 * control API (`/_control`) is only ever sent bad credentials: with the admin token the fuzzer
 * could inject faults (documented 5xx) or latency.
 */
const LONG = process.env.FUZZ_LONG === '1';
const RUNS = Math.max(50, Math.ceil(Number(process.env.FUZZ_RUNS ?? (LONG ? 5000 : 600)) / 4));
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : LONG ? randomInt(2 ** 31) : 20261121;
const ANSWER_BOUND_MS = 2000;
const STACK_PATTERNS = [/\n\s+at /, /\bat [^\s()]+ \([^)]*:\d+:\d+\)/, /node_modules/];

const GOOGLE_PATHS = ['/calendar/v3/calendars/{id}/events', '/calendar/v3/calendars/{id}/events/{id}', '/calendar/v3/users/me/calendarList', '/calendar/v3/calendars/{id}', '/batch/calendar/v3', '/token', '/revoke', '/tokeninfo', '/o/oauth2/v2/auth', '/_control/mailboxes', '/_control/faults'];
const MICROSOFT_PATHS = ['/v1.0/users/{id}/events', '/v1.0/users/{id}/calendars', '/v1.0/users/{id}/events/{id}', '/v1.0/users/{id}/calendarView/delta', '/v1.0/$batch', '/v1.0/me/events', '/{id}/oauth2/v2.0/token', '/{id}/oauth2/v2.0/authorize', '/{id}/discovery/v2.0/keys', '/_control/mailboxes'];

describe('HTTP fuzzing: the sandbox emulators (light pass)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ SANDBOX: 'true', PUBLIC_BASE_URL: 'http://localhost:18080' });
  });
  afterAll(() => t?.close());

  it(
    'never a 5xx, a stack trace or the admin token, always within 2 s',
    async () => {
      const segment = fc.oneof(fc.constantFrom('primary', 'ann@acme.test', 'common', 'organizations', 'x', '..', '%2F', '%zz', '%00'), fc.string({ unit: 'grapheme', maxLength: 12 }).map(percentEncode).filter((s) => s.length > 0), fc.integer({ min: 1, max: 4000 }).map((n) => 'a'.repeat(n)));
      const template = fc.oneof(fc.constantFrom(...GOOGLE_PATHS).map((p) => `/sandbox/google${p}`), fc.constantFrom(...MICROSOFT_PATHS).map((p) => `/sandbox/microsoft${p}`));
      const path = fc.tuple(template, fc.array(segment, { minLength: 2, maxLength: 2 }), fc.constantFrom('', '?maxResults=-1', '?pageToken=%zz', '?syncToken=x&timeMin=bad', '?$top=99999&$skip=-1', '?$deltatoken=%00', '?singleEvents=true&orderBy=startTime')).map(
        ([p, [a, b], query]) => `${p.replace('{id}', a).replace('{id}', b)}${query}`,
      );
      const auth = fc.constantFrom<Array<[string, string]>>([], [['authorization', 'Bearer garbage']], [['authorization', 'Basic Zm9vOmJhcg==']], [['authorization', '']]);
      const body = fc.option(
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
          fc.constantFrom('{', '', 'grant_type=refresh_token&refresh_token=x', 'grant_type=authorization_code&code=%zz', '--batch\r\nContent-Type: application/http\r\n\r\nGET / HTTP/1.1\r\n\r\n--batch--', '{"requests":[{"id":"1","method":"GET","url":"/me"}]}', '{"summary":"x","start":{"dateTime":"bad"}}'),
        ),
      );
      const contentType = fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'multipart/mixed; boundary=batch', 'text/plain');
      const request = fc.record({ method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), path, auth, body, contentType });

      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const headers: Array<[string, string]> = [['host', new URL(t.baseUrl).host], ['content-type', r.contentType], ...r.auth];
          const answer = await send(t.baseUrl, r.method, r.path, headers, r.body ?? undefined);
          const problems = [
            ...(answer.status >= 500 ? [`status ${answer.status}`] : []),
            ...(answer.ms >= ANSWER_BOUND_MS ? [`answered in ${answer.ms.toFixed(0)} ms`] : []),
            ...(answer.text.includes(t.adminToken) ? ['the answer exposes the admin token'] : []),
            ...STACK_PATTERNS.filter((p) => p.test(answer.text)).map((p) => `stack trace (${p})`),
          ];
          if (problems.length) throw new Error(`${problems.join('; ')}: ${r.method} ${r.path.slice(0, 300)} → ${answer.status} ${answer.text.slice(0, 300)}`);
        }),
        { numRuns: RUNS, seed: SEED },
      );
    },
    Math.max(120_000, RUNS * 1500),
  );
});

function send(baseUrl: string, method: string, path: string, headers: Array<[string, string]>, body?: string): Promise<{ status: number; text: string; ms: number }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest({ host: hostname, port: Number(port), method, path, headers: headers.flat(), agent: false, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
    req.on('error', reject);
    req.end(body);
  });
}
