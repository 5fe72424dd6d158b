import { DomainException } from '../common/errors/domain.exception';
import { SEED_EXAMPLE } from './dto/create-calendar.dto';
import { validateIcsRequest } from './ics-request.validator';

function code(body: unknown): string {
  try {
    validateIcsRequest(body);
    return 'accepted';
  } catch (error) {
    if (error instanceof DomainException) return error.code;
    throw error;
  }
}
const withField = (field: string, value: unknown) => ({ ...SEED_EXAMPLE, [field]: value });
const withoutField = (field: string) => Object.fromEntries(Object.entries(SEED_EXAMPLE).filter(([name]) => name !== field));

/** Each required field's codes, in the order the checks run, and its longest accepted value. */
const REQUIRED = [
  { field: 'action', missing: 'E1710', type: 'E1720', empty: 'E1709', tooLong: 'E1739', max: 64, longest: null },
  { field: 'event-title', missing: 'E1711', type: 'E1721', empty: 'E1703', tooLong: 'E1730', max: 1000, longest: 'T'.repeat(1000) },
  { field: 'event-description', missing: 'E1712', type: 'E1722', empty: 'E1704', tooLong: 'E1731', max: 20000, longest: 'D'.repeat(20000) },
  { field: 'event-location', missing: 'E1713', type: 'E1723', empty: 'E1705', tooLong: 'E1732', max: 1000, longest: 'L'.repeat(1000) },
  { field: 'event-start-datetime', missing: 'E1714', type: 'E1724', empty: 'E1706', tooLong: 'E1733', max: 64, longest: `2021-12-17T11:30:00.${'0'.repeat(9)}+05:00[${'A'.repeat(64 - 37)}]` },
  { field: 'event-end-datetime', missing: 'E1715', type: 'E1725', empty: 'E1707', tooLong: 'E1734', max: 64, longest: `2021-12-17T13:30:00.${'0'.repeat(9)}+05:00[${'A'.repeat(64 - 37)}]` },
  { field: 'event-timezone', missing: 'E1716', type: 'E1726', empty: 'E1708', tooLong: 'E1735', max: 64, longest: null },
];

describe('ICS required fields: one code per way of getting each wrong', () => {
  it.each(REQUIRED)('$field: absent or null, not a string, blank, too long', ({ field, missing, type, empty, tooLong, max }) => {
    expect(code(withoutField(field))).toBe(missing);
    expect(code(withField(field, null))).toBe(missing);
    expect(code(withField(field, 42))).toBe(type);
    expect(code(withField(field, ['x']))).toBe(type);
    expect(code(withField(field, ' \t\u0001 '))).toBe(empty);
    expect(code(withField(field, 'x'.repeat(max + 1)))).toBe(tooLong);
  });

  it.each(REQUIRED.filter((rule) => rule.longest !== null))('$field: takes a value of exactly its maximum length', ({ field, longest, max }) => {
    expect(longest).toHaveLength(max);
    expect(code(withField(field, longest))).toBe('accepted');
  });

  it('refuses a date-time that is not one, in each field, with its own code', () => {
    expect(code(withField('event-start-datetime', 'soon'))).toBe('E1740');
    expect(code(withField('event-end-datetime', 'later'))).toBe('E1741');
    expect(code(withField('event-timezone', 'Mars/Olympus'))).toBe('E1743');
    expect(code(withField('action', 'deletecalendar'))).toBe('E1717');
  });

  it('checks the body shape first, then unknown fields, then the action, then the fields in wire order', () => {
    expect(code(null)).toBe('E1781');
    expect(code({ colour: 'red' })).toBe('E1783');
    expect(code({ 'event-title': 5 })).toBe('E1710');
    expect(code({ action: 'createcalendar', 'event-description': 5 })).toBe('E1711');
    expect(code({ ...SEED_EXAMPLE, 'event-start-datetime': 'soon', 'event-end-datetime': 'later' })).toBe('E1740');
  });

  it('returns the cleaned values: trimmed, control characters dropped, lone surrogates replaced', () => {
    const request = validateIcsRequest({ ...SEED_EXAMPLE, 'event-title': '  Party\u0007 \uD800 ', 'all-day-event': undefined });
    expect(request.title).toBe('Party \uFFFD');
    expect(request.allDay).toBe(false);
    expect(request.start).toEqual({ year: 2021, month: 12, day: 17, hour: 11, minute: 30, second: 0, hasTime: true });
    expect(request.end).toEqual({ year: 2021, month: 12, day: 17, hour: 13, minute: 30, second: 0, hasTime: true });
    expect(Object.keys(request).sort()).toEqual(['allDay', 'attendees', 'description', 'end', 'location', 'start', 'timezone', 'title']);
  });
});
