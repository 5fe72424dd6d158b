import { normalizeRecurrence, occurrenceDates } from './graph-recurrence';

const dates = (rec: unknown, until = '2031-12-31') => occurrenceDates(normalizeRecurrence(rec, 'UTC'), 'UTC', until).map((d) => d.toFormat('yyyy-MM-dd'));

describe('graph-recurrence', () => {
  it('expands daily with interval and an end date', () => {
    expect(dates({ pattern: { type: 'daily', interval: 2 }, range: { type: 'endDate', startDate: '2030-01-01', endDate: '2030-01-07' } })).toEqual(['2030-01-01', '2030-01-03', '2030-01-05', '2030-01-07']);
  });

  it('expands weekly on several days, counting from the range start', () => {
    expect(dates({ pattern: { type: 'weekly', interval: 2, daysOfWeek: ['tuesday', 'thursday'] }, range: { type: 'numbered', startDate: '2030-01-03', numberOfOccurrences: 4 } })).toEqual([
      '2030-01-03',
      '2030-01-15',
      '2030-01-17',
      '2030-01-29',
    ]);
  });

  it('expands relative monthly (last Friday) and absolute yearly', () => {
    expect(dates({ pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['friday'], index: 'last' }, range: { type: 'numbered', startDate: '2030-01-01', numberOfOccurrences: 3 } })).toEqual(['2030-01-25', '2030-02-22', '2030-03-29']);
    expect(dates({ pattern: { type: 'absoluteYearly', interval: 1, month: 2, dayOfMonth: 29 }, range: { type: 'numbered', startDate: '2030-01-01', numberOfOccurrences: 2 } })).toEqual(['2030-02-28', '2031-02-28']);
  });

  it('stops noEnd series at the requested horizon', () => {
    expect(dates({ pattern: { type: 'daily', interval: 1 }, range: { type: 'noEnd', startDate: '2030-01-01' } }, '2030-01-03')).toEqual(['2030-01-01', '2030-01-02', '2030-01-03']);
  });

  it('fills Graph defaults and rejects incomplete patterns', () => {
    expect(normalizeRecurrence({ pattern: { type: 'daily', interval: 1 }, range: { type: 'noEnd', startDate: '2030-01-01' } }, 'Pacific Standard Time')).toEqual({
      pattern: { type: 'daily', interval: 1, month: 0, dayOfMonth: 0, daysOfWeek: [], firstDayOfWeek: 'sunday', index: 'first' },
      range: { type: 'noEnd', startDate: '2030-01-01', endDate: '0001-01-01', recurrenceTimeZone: 'Pacific Standard Time', numberOfOccurrences: 0 },
    });
    expect(() => normalizeRecurrence({ pattern: { type: 'absoluteMonthly', interval: 1 }, range: { type: 'noEnd', startDate: '2030-01-01' } }, 'UTC')).toThrow(/dayOfMonth/);
    expect(() => normalizeRecurrence({ pattern: { type: 'daily', interval: 1 }, range: { type: 'numbered', startDate: '2030-01-01' } }, 'UTC')).toThrow(/numberOfOccurrences/);
  });
});
