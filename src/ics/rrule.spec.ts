import { formatRecurrenceRule, parseRecurrenceRule } from './rrule';

describe('parseRecurrenceRule', () => {
  it.each([
    ['FREQ=WEEKLY;COUNT=5', 'FREQ=WEEKLY;COUNT=5'],
    ['RRULE:freq=monthly;byday=-1fr', 'FREQ=MONTHLY;BYDAY=-1FR'],
    ['FREQ=YEARLY;BYMONTH=1;BYDAY=SU;BYSETPOS=1;INTERVAL=2;WKST=MO', 'FREQ=YEARLY;BYMONTH=1;BYDAY=SU;BYSETPOS=1;INTERVAL=2;WKST=MO'],
    ['FREQ=DAILY;UNTIL=20251231T235959Z', 'FREQ=DAILY;UNTIL=20251231T235959Z'],
    ['FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO', 'FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO'],
    ['FREQ=MONTHLY;BYMONTHDAY=-1,15', 'FREQ=MONTHLY;BYMONTHDAY=-1,15'],
    ['  RRULE:FREQ=DAILY  ', 'FREQ=DAILY'],
    ['FREQ=MONTHLY;BYMONTHDAY=+1,-31', 'FREQ=MONTHLY;BYMONTHDAY=+1,-31'],
    ['FREQ=WEEKLY;BYDAY=MO,TU', 'FREQ=WEEKLY;BYDAY=MO,TU'],
    // BYSETPOS with each of the parts it can select from.
    ['FREQ=MINUTELY;BYSECOND=0,60;BYSETPOS=1', 'FREQ=MINUTELY;BYSECOND=0,60;BYSETPOS=1'],
    ['FREQ=HOURLY;BYMINUTE=59;BYSETPOS=-1', 'FREQ=HOURLY;BYMINUTE=59;BYSETPOS=-1'],
    ['FREQ=DAILY;BYHOUR=0,23;BYSETPOS=2', 'FREQ=DAILY;BYHOUR=0,23;BYSETPOS=2'],
    ['FREQ=WEEKLY;BYDAY=MO;BYSETPOS=1', 'FREQ=WEEKLY;BYDAY=MO;BYSETPOS=1'],
    ['FREQ=MONTHLY;BYMONTHDAY=1;BYSETPOS=1', 'FREQ=MONTHLY;BYMONTHDAY=1;BYSETPOS=1'],
    ['FREQ=YEARLY;BYYEARDAY=366;BYSETPOS=1', 'FREQ=YEARLY;BYYEARDAY=366;BYSETPOS=1'],
    ['FREQ=YEARLY;BYWEEKNO=53;BYSETPOS=1', 'FREQ=YEARLY;BYWEEKNO=53;BYSETPOS=1'],
    ['FREQ=YEARLY;BYMONTH=12;BYSETPOS=1', 'FREQ=YEARLY;BYMONTH=12;BYSETPOS=1'],
  ])('accepts %s', (text, formatted) => {
    const rule = parseRecurrenceRule(text);
    expect(rule).toBeDefined();
    expect(formatRecurrenceRule(rule!)).toBe(formatted);
  });

  it.each([
    '',
    'COUNT=5',
    'FREQ=FORTNIGHTLY',
    'FREQ=WEEKLY;COUNT=0',
    'FREQ=WEEKLY;COUNT=-1',
    'FREQ=WEEKLY;COUNT=5;UNTIL=20251231',
    'FREQ=WEEKLY;FREQ=DAILY',
    'FREQ=WEEKLY;BYDAY=XX',
    'FREQ=WEEKLY;BYDAY=1MO',
    'FREQ=WEEKLY;BYMONTHDAY=1',
    'FREQ=DAILY;BYWEEKNO=1',
    'FREQ=MONTHLY;BYYEARDAY=100',
    'FREQ=DAILY;BYSETPOS=1',
    'FREQ=DAILY;BYHOUR=24',
    'FREQ=DAILY;BYMONTH=13',
    'FREQ=DAILY;UNTIL=20251301',
    'FREQ=DAILY;UNTIL=tomorrow',
    'FREQ=DAILY;FOO=1',
    'FREQ=DAILY;COUNT',
    'FREQ=DAILY;COUNT=1=2',
    'FREQ=DAILY;',
    `FREQ=DAILY;BYMONTHDAY=${'1,'.repeat(300)}1`,
    // RRULE: is a prefix, not something removed anywhere.
    'FREQ=RRULE:DAILY',
    // Every list item is checked, and numbers are whole, unpadded and in range.
    'FREQ=DAILY;BYHOUR=9,24',
    'FREQ=DAILY;BYHOUR=1.5',
    'FREQ=DAILY;BYHOUR=+1',
    'FREQ=DAILY;BYHOUR= 9',
    'FREQ=DAILY;BYHOUR=9 ;COUNT=2',
    'FREQ=DAILY;BYHOUR=009',
    'FREQ=MONTHLY;BYMONTHDAY= 1',
    'FREQ=MONTHLY;BYMONTHDAY=1 ;COUNT=2',
    'FREQ=MONTHLY;BYMONTHDAY=0',
    'FREQ=MONTHLY;BYMONTHDAY=1.5',
    'FREQ=YEARLY;BYYEARDAY=+0367',
    // A numbered weekday anywhere in the list needs MONTHLY or YEARLY.
    'FREQ=WEEKLY;BYDAY=MO,1TU',
  ])('refuses %j', (text) => {
    expect(parseRecurrenceRule(text)).toBeUndefined();
  });

  it('reports UNTIL as a wall clock and whether it was UTC', () => {
    expect(parseRecurrenceRule('FREQ=DAILY;UNTIL=20251231T120000Z')?.until).toEqual({
      clock: { year: 2025, month: 12, day: 31, hour: 12, minute: 0, second: 0, hasTime: true },
      utc: true,
    });
    expect(parseRecurrenceRule('FREQ=DAILY;UNTIL=20251231')?.until?.clock.hasTime).toBe(false);
  });

  it('replaces UNTIL when formatting with a resolved value', () => {
    const rule = parseRecurrenceRule('FREQ=DAILY;UNTIL=20251231;BYHOUR=9')!;
    expect(formatRecurrenceRule(rule, '20260101T045959Z')).toBe('FREQ=DAILY;UNTIL=20260101T045959Z;BYHOUR=9');
  });
});
