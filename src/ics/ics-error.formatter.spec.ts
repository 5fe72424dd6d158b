import { ErrorCode } from '../common/errors/error-codes';
import { ICS_ERRORS, icsError } from './ics-error-codes';
import { IcsErrorFormatter } from './ics-error.formatter';
import { normalizeError } from '../common/errors/normalize-error';
import { BadRequestException, NotFoundException } from '@nestjs/common';

const formatter = new IcsErrorFormatter();
const body = (code: string, info: string) => ({ status: 'failure', 'error-code': code, 'error-info': info });

describe('IcsErrorFormatter', () => {
  it('renders ICS codes as they are, in the seed failure shape', () => {
    expect(formatter.format(normalizeError(icsError('titleEmpty')))).toEqual({ status: 400, body: body('E1703', 'Title cannot be empty for iCalendar.') });
    expect(formatter.format(normalizeError(icsError('unknownField', "Unknown field 'x'.")))).toEqual({ status: 400, body: body('E1783', "Unknown field 'x'.") });
  });

  it.each([
    [ErrorCode.ApiKeyMissing, 401, 'E1701'],
    [ErrorCode.ApiKeyInvalid, 401, 'E1702'],
    [ErrorCode.Unauthorized, 401, 'E1702'],
    [ErrorCode.BadJson, 400, 'E1780'],
    [ErrorCode.PayloadTooLarge, 413, 'E1782'],
    [ErrorCode.UnsupportedMediaType, 415, 'E1784'],
    [ErrorCode.RateLimited, 429, 'E1785'],
    [ErrorCode.NotFound, 404, 'E1786'],
    [ErrorCode.ValidationFailed, 400, 'E1787'],
    [ErrorCode.Internal, 500, 'E1700'],
  ])('maps the shared code %s to its own E17xx code', (code, status, icsCode) => {
    const rendered = formatter.format({ status, code, message: 'shared message' });
    expect(rendered.status).toBe(status);
    expect(rendered.body).toMatchObject({ status: 'failure', 'error-code': icsCode });
  });

  it('keeps the field details of a generic validation failure (E1787)', () => {
    const rendered = formatter.format({ status: 400, code: ErrorCode.ValidationFailed, message: 'Validation failed', details: [{ field: 'x', message: 'x is bad' }] });
    expect(rendered.body).toEqual(body('E1787', 'Invalid request. x: x is bad'));
  });

  it('answers E1700 without internals for anything unexpected', () => {
    const rendered = formatter.format(normalizeError(new Error('database password is hunter2')));
    expect(rendered).toEqual({ status: 500, body: body('E1700', 'Internal server error.') });
  });

  it('answers E1799 for an unmapped 4xx, keeping its status (e.g. a Conflict)', () => {
    expect(formatter.format({ status: 409, code: ErrorCode.Conflict, message: 'conflict' })).toEqual({ status: 409, body: body('E1799', 'conflict') });
  });

  it('answers with the table message of the mapped code, keeping details only for E1787 (joined with "; ")', () => {
    expect(formatter.format({ status: 400, code: ErrorCode.BadJson, message: 'Unexpected token', details: [{ field: 'x', message: 'bad' }] })).toEqual({
      status: 400,
      body: body('E1780', 'Request body is not valid JSON.'),
    });
    const twoFields = [
      { field: 'a', message: 'a is bad' },
      { field: 'b', message: 'b is bad' },
    ];
    expect(formatter.format({ status: 400, code: ErrorCode.ValidationFailed, message: 'Validation failed', details: twoFields }).body).toEqual(
      body('E1787', 'Invalid request. a: a is bad; b: b is bad'),
    );
    expect(formatter.format({ status: 400, code: ErrorCode.ValidationFailed, message: 'Validation failed', details: [] }).body).toEqual(body('E1787', 'Invalid request.'));
  });

  it('turns any unmapped 5xx, from 500 up, into E1700 with status 500; an unmapped 499 stays E1799', () => {
    expect(formatter.format({ status: 500, code: 'SOMETHING_NEW', message: 'secret detail' })).toEqual({ status: 500, body: body('E1700', 'Internal server error.') });
    expect(formatter.format({ status: 502, code: 'SOMETHING_NEW', message: 'secret detail' })).toEqual({ status: 500, body: body('E1700', 'Internal server error.') });
    expect(formatter.format({ status: 499, code: 'SOMETHING_NEW', message: '' })).toEqual({ status: 499, body: body('E1799', 'Request failed.') });
  });

  it('maps Nest HTTP exceptions too', () => {
    expect(formatter.format(normalizeError(new NotFoundException('Cannot PUT /ics'))).body).toMatchObject({ 'error-code': 'E1786' });
    expect(formatter.format(normalizeError(new BadRequestException('nope'))).body).toMatchObject({ 'error-code': 'E1787' });
  });
});

describe('the E17xx table', () => {
  const definitions = Object.values(ICS_ERRORS);

  it('has unique codes in the E17xx range', () => {
    const codes = definitions.map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^E17\d\d$/);
  });

  it('uses 4xx statuses for every failure a client can cause (5xx only for E1700 and E1789)', () => {
    const serverSide = new Set(['E1700', 'E1789']);
    for (const d of definitions) expect([d.code, d.status >= 400 && d.status < 500]).toEqual([d.code, !serverSide.has(d.code)]);
  });
});
