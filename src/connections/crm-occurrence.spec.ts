import { expectCpuWithin } from '../../test/support/cpu-time';
import { isSeriesOccurrence, MAX_OCCURRENCE_INDEX, wallClockInSeries } from './crm-occurrence';

const weekly = { start: '2026-03-02T09:00:00', timeZone: 'Europe/Berlin', allDay: false, recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10', 'EXDATE;TZID=Europe/Berlin:20260316T090000'] };

describe('isSeriesOccurrence', () => {
  it.each([
    ['2026-03-02T09:00:00', true],
    ['2026-03-09T09:00:00', true],
    ['2026-05-04T09:00:00', true],
    ['2026-05-11T09:00:00', false], // past COUNT=10
    ['2026-03-16T09:00:00', false], // cancelled by the EXDATE
    ['2026-03-09T10:00:00', false],
    ['2026-03-10T09:00:00', false],
    ['2026-02-23T09:00:00', false], // before the series
  ])('weekly series: %s → %s', (wall, expected) => {
    expect(isSeriesOccurrence(weekly, wall)).toBe(expected);
  });

  it('reads EXDATEs in UTC or another zone in the series zone', () => {
    const utc = { ...weekly, recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10', 'EXDATE:20260309T080000Z', 'EXDATE;TZID=Europe/London:20260323T080000'] };
    expect(isSeriesOccurrence(utc, '2026-03-09T09:00:00')).toBe(false);
    expect(isSeriesOccurrence(utc, '2026-03-23T09:00:00')).toBe(false);
    expect(isSeriesOccurrence(utc, '2026-03-16T09:00:00')).toBe(true);
  });

  it('reads all-day series by date, and a single event is no series', () => {
    const daily = { start: '2026-03-02', timeZone: 'UTC', allDay: true, recurrence: ['RRULE:FREQ=DAILY;COUNT=3'] };
    expect(isSeriesOccurrence(daily, '2026-03-04')).toBe(true);
    expect(isSeriesOccurrence(daily, '2026-03-05')).toBe(false);
    expect(isSeriesOccurrence({ ...daily, recurrence: [] }, '2026-03-02')).toBe(false);
  });

  it('gives up after MAX_OCCURRENCE_INDEX occurrences, in bounded time', () => {
    const secondly = { start: '2026-03-02T09:00:00', timeZone: 'UTC', allDay: false, recurrence: ['RRULE:FREQ=SECONDLY'] };
    expect(isSeriesOccurrence(secondly, '2026-03-02T09:00:59')).toBe(true);
    expect(MAX_OCCURRENCE_INDEX).toBe(10_000);
    expectCpuWithin(1500, () => expect(isSeriesOccurrence(secondly, '2027-03-02T09:00:00')).toBe(false));
  });
});

describe('wallClockInSeries', () => {
  it('converts from the exception zone (or its offset) to the series zone', () => {
    expect(wallClockInSeries('2026-03-09T08:00:00', 'Europe/London', 'Europe/Berlin', false)).toBe('2026-03-09T09:00:00');
    expect(wallClockInSeries('2026-03-09T08:00:00Z', 'America/New_York', 'Europe/Berlin', false)).toBe('2026-03-09T09:00:00');
    expect(wallClockInSeries('2026-03-09', 'UTC', 'UTC', true)).toBe('2026-03-09');
    expect(wallClockInSeries('2026-03-09T08:00', 'UTC', 'UTC', true)).toBeNull();
    expect(wallClockInSeries('yesterday', 'UTC', 'UTC', false)).toBeNull();
  });
});
