import { boundaryOf, BatchFormatError, formatMultipart, parseMultipart } from './google-batch';

describe('batch multipart parsing', () => {
  it('parses application/http parts with Content-ID, headers and bodies (CRLF or LF)', () => {
    const body = [
      '--xyz',
      'Content-Type: application/http',
      'Content-ID: <item1>',
      '',
      'POST /calendar/v3/calendars/primary/events HTTP/1.1',
      'Content-Type: application/json',
      'Authorization: Bearer inner',
      '',
      '{"summary":"a"}',
      '--xyz',
      'Content-Type: application/http',
      '',
      'GET https://www.googleapis.com/calendar/v3/calendars/primary',
      '',
      '',
      '--xyz--',
    ].join('\n');
    const parts = parseMultipart(body, 'xyz');
    expect(parts).toEqual([
      {
        contentId: '<item1>',
        method: 'POST',
        url: '/calendar/v3/calendars/primary/events',
        headers: { 'content-type': 'application/json', authorization: 'Bearer inner' },
        body: '{"summary":"a"}',
      },
      { contentId: undefined, method: 'GET', url: 'https://www.googleapis.com/calendar/v3/calendars/primary', headers: {}, body: expect.stringMatching(/^\s*$/) },
    ]);
  });

  it('reads the boundary, quoted or not, and refuses other content types', () => {
    expect(boundaryOf('multipart/mixed; boundary=batch_1')).toBe('batch_1');
    expect(boundaryOf('multipart/mixed; boundary="a b"')).toBe('a b');
    expect(() => boundaryOf('application/json')).toThrow(BatchFormatError);
  });

  it('formats responses with response-<id> Content-IDs', () => {
    const text = formatMultipart([{ contentId: '<item1>', response: { status: 204, headers: {} } }], 'B');
    expect(text).toBe('--B\r\nContent-Type: application/http\r\nContent-ID: <response-item1>\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n\r\n--B--\r\n');
  });
});
