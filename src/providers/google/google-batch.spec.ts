import { BatchResponseError, buildBatchBody, parseBatchResponse } from './google-batch';

describe('Google batch bodies', () => {
  it('builds multipart/mixed with one application/http request per call', () => {
    const body = buildBatchBody(
      [
        { method: 'POST', path: '/calendar/v3/calendars/primary/events', body: { summary: 'Ä' } },
        { method: 'DELETE', path: '/calendar/v3/calendars/primary/events/abc12' },
      ],
      'b1',
    );
    expect(body).toBe(
      [
        '--b1',
        'Content-Type: application/http',
        'Content-ID: <item1>',
        '',
        'POST /calendar/v3/calendars/primary/events HTTP/1.1',
        'Content-Type: application/json; charset=UTF-8',
        'Content-Length: 16',
        '',
        '{"summary":"Ä"}',
        '--b1',
        'Content-Type: application/http',
        'Content-ID: <item2>',
        '',
        'DELETE /calendar/v3/calendars/primary/events/abc12 HTTP/1.1',
        '',
        '',
        '--b1--',
        '',
      ].join('\r\n'),
    );
  });

  it('pairs answers by Content-ID whatever their order, and leaves a missing answer undefined', () => {
    const text = [
      '--resp',
      'Content-Type: application/http',
      'Content-ID: <response-item3>',
      '',
      'HTTP/1.1 204 No Content',
      '',
      '',
      '--resp',
      'Content-Type: application/http',
      'Content-ID: <response-item1>',
      '',
      'HTTP/1.1 429 Too Many Requests',
      'Content-Type: application/json; charset=UTF-8',
      'Retry-After: 5',
      '',
      '{"error":{"code":429,"message":"Rate Limit Exceeded","errors":[{"reason":"rateLimitExceeded"}]}}',
      '--resp--',
      '',
    ].join('\r\n');
    const replies = parseBatchResponse(text, 'multipart/mixed; boundary=resp', 3);
    expect(replies).toEqual([
      { status: 429, headers: { 'content-type': 'application/json; charset=UTF-8', 'retry-after': '5' }, body: { error: { code: 429, message: 'Rate Limit Exceeded', errors: [{ reason: 'rateLimitExceeded' }] } } },
      undefined,
      { status: 204, headers: {}, body: undefined },
    ]);
  });

  it('refuses an answer that is not multipart/mixed', () => {
    expect(() => parseBatchResponse('{}', 'application/json', 1)).toThrow(BatchResponseError);
  });
});
