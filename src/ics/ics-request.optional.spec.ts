import { DomainException } from '../common/errors/domain.exception';
import { SEED_EXAMPLE } from './dto/create-calendar.dto';
import { queryToRequestBody, validateIcsRequest } from './ics-request.validator';

/** The refusal as code and message, or the request when accepted. */
function refusal(overrides: Record<string, unknown>): { code: string; message: string } | 'accepted' {
  try {
    validateIcsRequest({ ...SEED_EXAMPLE, ...overrides });
    return 'accepted';
  } catch (error) {
    if (error instanceof DomainException) return { code: error.code, message: error.message };
    throw error;
  }
}
const code = (overrides: Record<string, unknown>) => {
  const outcome = refusal(overrides);
  return outcome === 'accepted' ? outcome : outcome.code;
};
const accepted = (overrides: Record<string, unknown>) => validateIcsRequest({ ...SEED_EXAMPLE, ...overrides });

describe('ICS optional fields, exactly', () => {
  it('event-url: an absolute http(s) URL up to 2000 characters, normalised; anything else E1751, a non-string E1750', () => {
    expect(accepted({ 'event-url': ' https://Example.com/a b ' }).url).toBe('https://example.com/a%20b');
    expect(accepted({ 'event-url': 'http://example.com' }).url).toBe('http://example.com/');
    const at = (length: number) => `https://example.com/${'p'.repeat(length - 'https://example.com/'.length)}`;
    expect(accepted({ 'event-url': at(2000) }).url).toBe(at(2000));
    expect(code({ 'event-url': at(2001) })).toBe('E1751');
    expect(code({ 'event-url': 'ftp://example.com/file' })).toBe('E1751');
    expect(code({ 'event-url': 'javascript:alert(1)' })).toBe('E1751');
    expect(code({ 'event-url': 'not a url' })).toBe('E1751');
    expect(code({ 'event-url': 42 })).toBe('E1750');
    expect('url' in accepted({ 'event-url': null })).toBe(false);
  });

  it('event-organizer as text: "Name <e-mail>" or an e-mail, at most 1000 characters', () => {
    expect(accepted({ 'event-organizer': 'Michael Scott <michael@dundermifflin.com>' }).organizer).toEqual({ email: 'michael@dundermifflin.com', name: 'Michael Scott' });
    expect(accepted({ 'event-organizer': 'michael@dundermifflin.com' }).organizer).toEqual({ email: 'michael@dundermifflin.com' });
    const long = (length: number) => `${'N'.repeat(length - ' <m@example.com>'.length)} <m@example.com>`;
    expect(accepted({ 'event-organizer': long(1000) }).organizer?.email).toBe('m@example.com');
    expect(code({ 'event-organizer': long(1001) })).toBe('E1736');
    expect(code({ 'event-organizer': 'no address here' })).toBe('E1753');
    expect(code({ 'event-organizer': 7 })).toBe('E1752');
    expect(code({ 'event-organizer': ['m@example.com'] })).toBe('E1752');
    expect('organizer' in accepted({ 'event-organizer': '  ' })).toBe(false);
  });

  it('event-organizer as an object: exactly { email, name? }', () => {
    expect(accepted({ 'event-organizer': { email: 'm@example.com', name: 'Michael' } }).organizer).toEqual({ email: 'm@example.com', name: 'Michael' });
    expect(accepted({ 'event-organizer': { email: 'm@example.com' } }).organizer).toEqual({ email: 'm@example.com' });
    expect(accepted({ 'event-organizer': { email: 'm@example.com', name: null } }).organizer).toEqual({ email: 'm@example.com' });
    expect(accepted({ 'event-organizer': { email: 'm@example.com', name: '   ' } }).organizer).toEqual({ email: 'm@example.com' });
    expect(code({ 'event-organizer': { email: 'm@example.com', role: 'chair' } })).toBe('E1752');
    expect(code({ 'event-organizer': { name: 'Michael' } })).toBe('E1752');
    expect(code({ 'event-organizer': { email: 'm@example.com', name: 5 } })).toBe('E1752');
    expect(code({ 'event-organizer': { email: 'not-an-address' } })).toBe('E1753');
    // As for the text form, "Name <e-mail>" may be 1000 characters; longer is E1736, not "no valid address".
    const name = 'N'.repeat(1000 - ' <m@example.com>'.length);
    expect(accepted({ 'event-organizer': { email: 'm@example.com', name } }).organizer?.name).toBe(name.slice(0, 200));
    expect(code({ 'event-organizer': { email: 'm@example.com', name: `${name}N` } })).toBe('E1736');
    expect(code({ 'event-organizer': { email: `${'m'.repeat(990)}@example.com` } })).toBe('E1736');
  });

  it('event-rrule: at most 500 characters, a valid rule, a string', () => {
    expect(accepted({ 'event-rrule': 'FREQ=WEEKLY;COUNT=5' }).rrule?.freq).toBe('WEEKLY');
    expect(accepted({ 'event-rrule': `FREQ=DAILY;BYHOUR=${'10,'.repeat(160)}10` }).rrule?.freq).toBe('DAILY');
    expect(code({ 'event-rrule': `FREQ=DAILY;BYHOUR=${'10,'.repeat(160)}1,1` })).toBe('E1738');
    expect(code({ 'event-rrule': 'FREQ=SOMETIMES' })).toBe('E1757');
    expect(code({ 'event-rrule': 5 })).toBe('E1756');
  });

  it('all-day-event and the alarm: wrong types are E1727 and E1754', () => {
    expect(code({ 'all-day-event': 'true' })).toBe('E1727');
    expect(accepted({ 'all-day-event': true, 'event-start-datetime': '2021-12-17', 'event-end-datetime': '2021-12-17' }).allDay).toBe(true);
    expect(code({ 'event-alarm-minutes': '15' })).toBe('E1754');
    expect(code({ 'event-alarm-minutes': 1.5 })).toBe('E1754');
  });

  it('event-attendees: strings only, blank entries dropped, duplicates (any case) once, entries up to 1000 characters', () => {
    expect(accepted({ 'event-attendees': [' pam@example.com ', '', 'Jim <jim@example.com>', 'PAM@example.com'] }).attendees).toEqual([
      { email: 'pam@example.com' },
      { email: 'jim@example.com', name: 'Jim' },
    ]);
    expect(code({ 'event-attendees': 'pam@example.com' })).toBe('E1758');
    expect(code({ 'event-attendees': ['pam@example.com', 3] })).toBe('E1758');
    const entry = (length: number) => `${'N'.repeat(length - ' <p@example.com>'.length)} <p@example.com>`;
    expect(accepted({ 'event-attendees': [entry(1000)] }).attendees).toHaveLength(1);
    expect(code({ 'event-attendees': [entry(1001)] })).toBe('E1737');
    expect(refusal({ 'event-attendees': [`${'x'.repeat(150)}`] })).toEqual({
      code: 'E1759',
      message: `Field 'event-attendees' contains an invalid e-mail address: '${'x'.repeat(100)}…'.`,
    });
  });

  it('null means "not given" for the alarm and the attendees', () => {
    const request = accepted({ 'event-alarm-minutes': null, 'event-attendees': null });
    expect(request.alarmMinutes).toBeUndefined();
    expect(request.attendees).toEqual([]);
  });

  it('a blank attendee entry is dropped before the length and address checks', () => {
    expect(accepted({ 'event-attendees': ['pam@example.com', '   ', `${' '.repeat(1000)}jim@example.com `] }).attendees).toEqual([
      { email: 'pam@example.com' },
      { email: 'jim@example.com' },
    ]);
    // Any over-long entry is E1737, wherever it is in the list (not E1759 from parsing it).
    expect(code({ 'event-attendees': ['pam@example.com', `${'x'.repeat(1001)}@example.com`] })).toBe('E1737');
  });

  it('a blank organizer name is no name: the length limit applies to the e-mail alone', () => {
    expect(accepted({ 'event-organizer': { email: 'pam@example.com', name: ' '.repeat(995) } }).organizer).toEqual({ email: 'pam@example.com' });
    expect(accepted({ 'event-organizer': { email: 'pam@example.com', name: null } }).organizer).toEqual({ email: 'pam@example.com' });
  });

  it('names unknown fields, actions and zones, cut at 64 characters', () => {
    expect(refusal({ ['f'.repeat(64)]: 1 })).toEqual({ code: 'E1783', message: `Unknown field '${'f'.repeat(64)}'.` });
    expect(refusal({ ['f'.repeat(65)]: 1 })).toEqual({ code: 'E1783', message: `Unknown field '${'f'.repeat(64)}…'.` });
    expect(refusal({ action: 'deletecalendar' })).toEqual({ code: 'E1717', message: `Unknown action 'deletecalendar': the only supported action is "createcalendar".` });
    expect(refusal({ 'event-timezone': 'Mars/Olympus' })).toEqual({ code: 'E1743', message: "Unknown time zone 'Mars/Olympus': use a tz database name such as America/New_York." });
  });
});

describe('queryToRequestBody (the GET link form)', () => {
  it('reads booleans and whole numbers from text, splits attendees, drops the key, keeps the rest', () => {
    expect(
      queryToRequestBody({
        'x-api-key': 'secret',
        'all-day-event': ' FALSE ',
        'event-alarm-minutes': '30',
        'event-attendees': ['a@example.com,b@example.com', 'c@example.com'],
        'event-title': 'T',
      }),
    ).toEqual({ 'all-day-event': false, 'event-alarm-minutes': 30, 'event-attendees': ['a@example.com', 'b@example.com', 'c@example.com'], 'event-title': 'T' });
    expect(queryToRequestBody({ 'all-day-event': 'True', 'event-attendees': 'a@example.com' })).toEqual({ 'all-day-event': true, 'event-attendees': ['a@example.com'] });
    expect(queryToRequestBody({ 'all-day-event': 'maybe', 'event-alarm-minutes': '1234567890' })).toEqual({ 'all-day-event': 'maybe', 'event-alarm-minutes': '1234567890' });
    expect(queryToRequestBody({ 'event-attendees': [['nested']] })).toEqual({ 'event-attendees': [['nested']] });
  });

  it('leaves values that are not plain text as they came, for the type checks', () => {
    // A mixed list (qs turns `a[x]=1` into an object) is not split: E1758 follows.
    const mixed = ['a@example.com', { x: '1' }];
    expect(queryToRequestBody({ 'event-attendees': mixed })).toEqual({ 'event-attendees': mixed });
    // A repeated scalar parameter arrives as an array and is not read as text.
    expect(queryToRequestBody({ 'all-day-event': ['true', 'false'], 'event-alarm-minutes': ['5'] })).toEqual({
      'all-day-event': ['true', 'false'],
      'event-alarm-minutes': ['5'],
    });
    // Only the alarm is read as a number, only all-day-event as a boolean.
    expect(queryToRequestBody({ 'event-title': '42', 'event-location': 'true', 'event-description': ' 7 ' })).toEqual({
      'event-title': '42',
      'event-location': 'true',
      'event-description': ' 7 ',
    });
  });
});
