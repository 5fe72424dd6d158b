import { startTestApp, TestApp } from '../support/app';
import { parseRawResponse, rawExchange } from '../support/raw-socket';

/**
 * HTTP/1.1 requires a Host header (RFC 9112 §3.2). Node refused a request without one with an
 * empty 400 before any of our code ran; found by the fuzz suite. It is still a 400, now with a
 * JSON body in the surface's own shape.
 */
describe('a request without a Host header', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('under /ics: 400 in the ICS shape', async () => {
    const answer = parseRawResponse((await rawExchange(t.baseUrl, 'GET /ics?action=createcalendar HTTP/1.1\r\nConnection: close\r\n\r\n')).text);
    expect({ status: answer.status, type: answer.headers['content-type'], body: answer.body }).toEqual({
      status: 400,
      type: 'application/json; charset=utf-8',
      body: { status: 'failure', 'error-code': 'E1799', 'error-info': 'HTTP/1.1 requests must carry a Host header' },
    });
  });

  it('under /admin: 400 in the default shape', async () => {
    const answer = parseRawResponse((await rawExchange(t.baseUrl, 'POST /admin/tenants HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}')).text);
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', code: 'MALFORMED_REQUEST', message: 'HTTP/1.1 requests must carry a Host header' },
    });
  });

  it('HTTP/1.0 needs none', async () => {
    const answer = parseRawResponse((await rawExchange(t.baseUrl, 'GET /health HTTP/1.0\r\n\r\n')).text);
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: { status: 'ok' } });
  });
});
