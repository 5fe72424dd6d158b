import { DomainException } from '../common/errors/domain.exception';
import { parseAppleCredentials, parseCallbackQuery, parseCrmProvider, parseOAuthProvider } from './connections-request.validator';

function failure(run: () => unknown): { status: number; message: string; details?: unknown } {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainException) return { status: error.status, message: error.message, ...(error.details ? { details: error.details } : {}) };
    throw error;
  }
  throw new Error('expected a DomainException');
}

describe('connections request validator', () => {
  it.each([
    ['google', 'google'],
    ['GOOGLE', 'google'],
    ['Google', 'google'],
    ['outlook', 'microsoft'],
    ['Outlook', 'microsoft'],
    ['OUTLOOK', 'microsoft'],
  ])('OAuth provider %s → %s', (raw, name) => {
    expect(parseOAuthProvider(raw)).toBe(name);
  });

  it.each([
    ['microsoft', "Unknown OAuth provider 'microsoft': use google or outlook"],
    ['Apple', "Unknown OAuth provider 'Apple': Apple has no OAuth, connect it with POST /api/v1/crm/calendar/connections/apple/credentials"],
    ['', "Unknown OAuth provider '': use google or outlook"],
    ['go\u0000ogle', "Unknown OAuth provider 'google': use google or outlook"],
    ['g'.repeat(33), `Unknown OAuth provider '${'g'.repeat(33)}': use google or outlook`],
  ])('OAuth provider %j → 404', (raw, message) => {
    expect(failure(() => parseOAuthProvider(raw))).toEqual({ status: 404, message });
  });

  it('a long path value is cut in the message', () => {
    expect(failure(() => parseOAuthProvider('x'.repeat(50))).message).toBe(`Unknown OAuth provider '${'x'.repeat(40)}…': use google or outlook`);
  });

  it.each([
    ['GOOGLE', 'google'],
    ['google', 'google'],
    ['Outlook', 'microsoft'],
    ['apple', 'caldav'],
    ['APPLE', 'caldav'],
  ])('CRM provider %s → %s', (raw, name) => {
    expect(parseCrmProvider(raw)).toBe(name);
  });

  it.each(['caldav', 'microsoft', 'GOOGLE ', ''])('CRM provider %j → 404', (raw) => {
    expect(failure(() => parseCrmProvider(raw))).toEqual({ status: 404, message: `Unknown calendar provider '${raw}': use GOOGLE, OUTLOOK, APPLE` });
  });

  it('callback query: code and state, once each, bounded', () => {
    expect(parseCallbackQuery({ code: 'c', state: 's' })).toEqual({ code: 'c', state: 's' });
    expect(parseCallbackQuery({ code: 'c'.repeat(4096), state: 's'.repeat(256), other: 'ignored' })).toEqual({ code: 'c'.repeat(4096), state: 's'.repeat(256) });
    expect(failure(() => parseCallbackQuery({}))).toEqual({
      status: 400,
      message: 'Validation failed',
      details: [
        { field: 'code', message: 'is required' },
        { field: 'state', message: 'is required' },
      ],
    });
    expect(failure(() => parseCallbackQuery({ code: ['a', 'b'], state: { x: '1' } })).details).toEqual([
      { field: 'code', message: 'must be given once' },
      { field: 'state', message: 'must be a string' },
    ]);
    expect(failure(() => parseCallbackQuery({ code: 'c'.repeat(4097), state: ' ' })).details).toEqual([
      { field: 'code', message: 'must be at most 4096 characters' },
      { field: 'state', message: 'is required' },
    ]);
    expect(failure(() => parseCallbackQuery({ code: 'a\u0000', state: 's' })).details).toEqual([{ field: 'code', message: 'must not contain NUL' }]);
  });

  describe('Apple credentials', () => {
    it('defaults serverUrl to iCloud and normalizes a given one', () => {
      expect(parseAppleCredentials({ username: 'ann@icloud.com', password: 'abcd-efgh' })).toEqual({ username: 'ann@icloud.com', password: 'abcd-efgh', serverUrl: 'https://caldav.icloud.com/' });
      expect(parseAppleCredentials({ username: 'ann', password: 'p', serverUrl: 'HTTP://Dav.Example.com' })).toEqual({ username: 'ann', password: 'p', serverUrl: 'http://dav.example.com/' });
      expect(parseAppleCredentials({ username: 'ann', password: 'p', serverUrl: null }).serverUrl).toBe('https://caldav.icloud.com/');
    });

    it.each([
      [{ username: 'ann', password: 'p', serverUrl: 'javascript:alert(1)' }, 'serverUrl', 'must be an http(s) URL without credentials'],
      [{ username: 'ann', password: 'p', serverUrl: 'not a url' }, 'serverUrl', 'must be an http(s) URL without credentials'],
      [{ username: 'ann', password: 'p', serverUrl: `https://x.example/${'a'.repeat(2048)}` }, 'serverUrl', 'must be at most 2048 characters'],
      [{ username: 'ann', password: 'p'.repeat(1025) }, 'password', 'must be at most 1024 characters'],
      [{ username: '', password: 'p' }, 'username', 'is required'],
    ])('%j → 400 naming %s', (body, field, message) => {
      expect(failure(() => parseAppleCredentials(body))).toEqual({ status: 400, message: 'Validation failed', details: [{ field, message }] });
    });

    it.each([null, 'text', 42, []])('a body that is not an object (%j) → 400', (body) => {
      expect(failure(() => parseAppleCredentials(body))).toEqual({ status: 400, message: 'The body must be a JSON object {username, password, serverUrl?}' });
    });
  });
});
