import { GraphHttpError } from './graph-errors';
import { MAX_FILTER_DEPTH, parseFilter } from './odata-filter';
import { parsePrefer } from './odata-query';

describe('odata-filter', () => {
  const event = {
    subject: 'Weekly sync',
    isAllDay: false,
    start: { dateTime: '2030-01-01T10:00:00.0000000' },
    singleValueExtendedProperties: [
      { id: 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Source', value: 'link-1|evt-9' },
      { id: 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Other', value: 'x' },
    ],
  };

  it('evaluates lambda any over extended properties', () => {
    expect(parseFilter("singleValueExtendedProperties/Any(ep: ep/id eq 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Source' and ep/value eq 'link-1|evt-9')")(event)).toBe(true);
    expect(parseFilter("singleValueExtendedProperties/any(ep: ep/id eq 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Source' and ep/value eq 'link-1|evt-8')")(event)).toBe(false);
  });

  it('evaluates comparisons, boolean logic, functions and quoted quotes', () => {
    expect(parseFilter("subject eq 'Weekly sync' and not isAllDay")(event)).toBe(true);
    expect(parseFilter("start/dateTime ge '2030-01-01T00:00:00' and start/dateTime lt '2030-01-02'")(event)).toBe(true);
    expect(parseFilter("startswith(subject, 'weekly') or subject eq 'x'")(event)).toBe(true);
    expect(parseFilter("subject eq 'it''s'")({ subject: "it's" })).toBe(true);
  });

  it('rejects malformed expressions with a 400', () => {
    expect(() => parseFilter("subject eq 'open")).toThrow(/unterminated/);
    expect(() => parseFilter('subject eq')).toThrow();
  });

  it('parses Prefer headers', () => {
    expect(parsePrefer('outlook.timezone="Pacific Standard Time", odata.maxpagesize=50')).toMatchObject({ timeZone: 'Pacific Standard Time', timeZoneApplied: true, maxPageSize: 50 });
    expect(parsePrefer('outlook.timezone="Nowhere"')).toMatchObject({ timeZone: 'UTC', timeZoneApplied: false });
  });
  const deep: [string, string][] = [
    ['parentheses', `${'('.repeat(100_000)}subject eq 'x'${')'.repeat(100_000)}`],
    ['not chains', `${'not '.repeat(100_000)}isAllDay`],
    ['and chains', Array.from({ length: 50_000 }, () => "subject eq 'x'").join(' and ')],
    ['nested lambdas', `${'a/any(x: '.repeat(5_000)}true${')'.repeat(5_000)}`],
  ];
  it.each(deep)('refuses deep %s with a 400, not a stack overflow', (_name, expression) => {
    let caught: unknown;
    try {
      parseFilter(expression);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(GraphHttpError);
    expect(caught).toMatchObject({ status: 400, code: 'BadRequest', message: 'Invalid filter clause: Recursion depth exceeded allowed limit.' });
  });

  it('accepts nesting up to the limit', () => {
    const depth = MAX_FILTER_DEPTH - 2;
    expect(parseFilter(`${'('.repeat(depth)}subject eq 'weekly sync'${')'.repeat(depth)}`)(event)).toBe(true);
    expect(parseFilter(Array.from({ length: MAX_FILTER_DEPTH - 1 }, () => 'isAllDay eq false').join(' and '))(event)).toBe(true);
  });
});
