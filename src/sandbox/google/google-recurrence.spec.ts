import { expandSeries, RecurrenceError, validateRecurrence } from './google-recurrence';

const far = { toMs: Date.parse('2040-01-01T00:00:00Z'), limit: 100 };

describe('expandSeries', () => {
  it('keeps wall-clock time across DST in the event zone', () => {
    const occ = expandSeries(
      {
        start: { dateTime: '2030-03-30T09:00:00+01:00', timeZone: 'Europe/Berlin' },
        end: { dateTime: '2030-03-30T10:00:00+01:00', timeZone: 'Europe/Berlin' },
        recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
        calendarTz: 'UTC',
      },
      far,
    );
    expect(occ.map((o) => o.start.dateTime)).toEqual(['2030-03-30T09:00:00+01:00', '2030-03-31T09:00:00+02:00', '2030-04-01T09:00:00+02:00']);
    expect(occ.map((o) => o.suffix)).toEqual(['20300330T080000Z', '20300331T070000Z', '20300401T070000Z']);
  });

  it('supports BYDAY ordinals, INTERVAL, UNTIL and EXDATE', () => {
    const occ = expandSeries(
      {
        start: { dateTime: '2030-01-14T12:00:00Z', timeZone: 'UTC' },
        end: { dateTime: '2030-01-14T13:00:00Z', timeZone: 'UTC' },
        recurrence: ['RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=2MO;UNTIL=20300901T000000Z', 'EXDATE:20300513T120000Z'],
        calendarTz: 'UTC',
      },
      far,
    );
    expect(occ.map((o) => o.start.dateTime)).toEqual(['2030-01-14T12:00:00Z', '2030-03-11T12:00:00Z', '2030-07-08T12:00:00Z']);
  });

  it('weekly with several days, window and limit', () => {
    const occ = expandSeries(
      {
        start: { date: '2030-01-07' },
        end: { date: '2030-01-08' },
        recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR'],
        calendarTz: 'UTC',
      },
      { fromMs: Date.parse('2030-01-09T00:00:00Z'), toMs: far.toMs, limit: 4 },
    );
    expect(occ.map((o) => o.start.date)).toEqual(['2030-01-09', '2030-01-11', '2030-01-14', '2030-01-16']);
    expect(occ[0].suffix).toBe('20300109');
  });

  it('terminates on rules that never match', () => {
    const occ = expandSeries(
      {
        start: { date: '2030-01-01' },
        end: { date: '2030-01-02' },
        recurrence: ['RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30'],
        calendarTz: 'UTC',
      },
      far,
    );
    expect(occ).toEqual([]);
  });

  it('rejects malformed rules', () => {
    expect(() => validateRecurrence(['RRULE:FREQ=HOURLY'])).toThrow(RecurrenceError);
    expect(() => validateRecurrence(['RRULE:FREQ=DAILY;COUNT=2;UNTIL=20300101'])).toThrow(RecurrenceError);
    expect(() => validateRecurrence(['FOO:BAR'])).toThrow(RecurrenceError);
    expect(() => validateRecurrence(['RRULE:FREQ=DAILY', 'EXDATE:20300101T000000Z'])).not.toThrow();
  });
});
