import { DomainException } from '../common/errors/domain.exception';
import { CRM_EVENT_LIMITS, validateCrmEvent, validateCrmEventShape } from './crm-event.validator';
import { expectCpuWithin } from '../../test/support/cpu-time';

function problems(body: unknown, existing?: Parameters<typeof validateCrmEvent>[1]): Array<{ field: string; message: string }> {
  try {
    validateCrmEvent(body, existing);
  } catch (error) {
    if (error instanceof DomainException) {
      expect(error.status).toBe(400);
      return error.details ?? [];
    }
    throw error;
  }
  throw new Error('expected a validation failure');
}

const VALID = { title: 'Call', start: '2030-03-04T09:00:00', end: '2030-03-04T10:00', timeZone: 'Europe/Berlin' };

describe('validateCrmEvent', () => {
  it('accepts a timed event, defaults the rest, and computes the instants in the zone', () => {
    expect(validateCrmEvent(VALID)).toEqual({
      title: 'Call',
      description: null,
      location: null,
      start: '2030-03-04T09:00:00',
      end: '2030-03-04T10:00',
      startAt: new Date('2030-03-04T08:00:00Z'),
      endAt: new Date('2030-03-04T09:00:00Z'),
      timeZone: 'Europe/Berlin',
      allDay: false,
      recurrence: [],
      occurrence: null,
    });
    expect(validateCrmEvent({ ...VALID, start: '2030-03-04T09:00:00.123+05:30', end: '2030-03-04T09:00:00Z' }).startAt).toEqual(new Date('2030-03-04T03:30:00.123Z'));
  });

  it('all-day events take dates with an exclusive end', () => {
    expect(validateCrmEvent({ title: 'Off', start: '2030-03-04', end: '2030-03-05', allDay: true })).toMatchObject({ startAt: new Date('2030-03-04T00:00:00Z'), endAt: new Date('2030-03-05T00:00:00Z'), timeZone: 'UTC' });
    expect(problems({ title: 'Off', start: '2030-03-04T09:00', end: '2030-03-04', allDay: true })).toEqual([{ field: 'start', message: 'start must be an ISO 8601 date (YYYY-MM-DD) for an all-day event' }]);
    expect(problems({ title: 'Off', start: '2030-03-04', end: '2030-03-04', allDay: true })).toEqual([{ field: 'end', message: 'end must be a date after start (the end date is exclusive)' }]);
  });

  it('names every problem at once', () => {
    expect(problems({ title: '', start: '2030-02-30T09:00', end: 5, timeZone: '+01:00', allDay: 'yes', description: 7, extra: 1 })).toEqual([
      { field: 'extra', message: 'property extra should not exist' },
      { field: 'title', message: 'title must not be empty' },
      { field: 'description', message: 'description must be a string' },
      { field: 'timeZone', message: 'timeZone must be an IANA time zone name such as Europe/Berlin' },
      { field: 'allDay', message: 'allDay must be a boolean' },
      { field: 'end', message: 'end must be a string' },
    ]);
    expect(problems({ ...VALID, end: '2030-03-04T09:00:00' })).toEqual([{ field: 'end', message: 'end must be after start' }]);
    expect(problems({ ...VALID, start: '2030-02-30T09:00' })).toEqual([{ field: 'start', message: 'start must be an ISO 8601 date-time such as 2026-03-02T09:30:00 (offset optional)' }]);
    expect(problems({ ...VALID, start: '1800-01-01T00:00', end: '1800-01-01T01:00' })).toEqual([
      { field: 'start', message: 'start must be between the years 1900 and 2200' },
      { field: 'end', message: 'end must be between the years 1900 and 2200' },
    ]);
    expect(problems([])).toEqual([{ field: 'body', message: 'request body must be a JSON object' }]);
  });

  it('bounds sizes', () => {
    expect(problems({ ...VALID, title: 'x'.repeat(CRM_EVENT_LIMITS.title + 1) })).toEqual([{ field: 'title', message: 'title must be at most 1024 characters' }]);
    expect(problems({ ...VALID, description: 'x'.repeat(CRM_EVENT_LIMITS.description + 1) })).toEqual([{ field: 'description', message: 'description must be at most 8192 characters' }]);
    expect(problems({ ...VALID, start: `2030-03-04T09:00:00${'0'.repeat(100)}` })).toEqual([{ field: 'start', message: 'start must be at most 64 characters' }]);
    expect(problems({ ...VALID, recurrence: Array.from({ length: 21 }, () => 'RRULE:FREQ=DAILY') })).toEqual([{ field: 'recurrence', message: 'recurrence must have at most 20 lines' }]);
    expect(problems({ ...VALID, title: 'a\u0000b' })).toEqual([{ field: 'title', message: 'title must not contain NUL characters' }]);
  });

  it('checks RRULE and EXDATE lines', () => {
    expect(validateCrmEvent({ ...VALID, recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20301231T000000Z', 'EXDATE;TZID=Europe/Berlin:20300311T090000,20300318T090000', 'EXDATE;VALUE=DATE:20300325'] }).recurrence).toHaveLength(3);
    expect(problems({ ...VALID, recurrence: ['RRULE:FREQ=FORTNIGHTLY'] })).toEqual([{ field: 'recurrence[0]', message: 'RRULE must be NAME=VALUE parts separated by ";" with a FREQ of SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY, YEARLY' }]);
    expect(problems({ ...VALID, recurrence: ['EXDATE:20300311'] })).toEqual([{ field: 'recurrence', message: 'EXDATE lines need an RRULE line' }]);
    expect(problems({ ...VALID, recurrence: ['RRULE:FREQ=DAILY', 'RRULE:FREQ=WEEKLY'] })).toEqual([{ field: 'recurrence', message: 'recurrence must have exactly one RRULE line' }]);
    expect(problems({ ...VALID, recurrence: ['RRULE:FREQ=DAILY', 'EXDATE:tomorrow', 'DTSTART:20300101', 7] })).toEqual([
      { field: 'recurrence[1]', message: 'EXDATE values must be dates (YYYYMMDD) or date-times (YYYYMMDDTHHMMSS, optionally Z), comma-separated' },
      { field: 'recurrence[2]', message: 'each line must be an RRULE: or EXDATE line' },
      { field: 'recurrence[3]', message: 'each line must be a string of 1 to 1000 characters' },
    ]);
  });

  it('PATCH: the sent fields over the stored event, checked as a whole', () => {
    const stored = validateCrmEvent(VALID);
    expect(validateCrmEvent({ title: 'Renamed' }, stored)).toEqual({ ...stored, title: 'Renamed' });
    expect(validateCrmEvent({ description: null, location: 'Room' }, stored)).toMatchObject({ description: null, location: 'Room' });
    expect(problems({ end: '2030-03-04T08:00' }, stored)).toEqual([{ field: 'end', message: 'end must be after start' }]);
    expect(problems({ timeZone: 'Nowhere/City' }, stored)).toEqual([{ field: 'timeZone', message: 'timeZone must be an IANA time zone name such as Europe/Berlin' }]);
  });

  it('an exception names its series and the original start together (POST only), and does not recur', () => {
    const series = '3F1C1F7E-9A55-4A8E-9F0A-2B8F1B6F4D11';
    expect(validateCrmEvent({ ...VALID, recurringEventId: series, originalStart: '2030-03-04T09:00:00' }).occurrence).toEqual({
      recurringEventId: series.toLowerCase(),
      originalStart: '2030-03-04T09:00:00',
    });
    expect(problems({ ...VALID, recurringEventId: series })).toEqual([{ field: 'originalStart', message: 'originalStart is required with recurringEventId' }]);
    expect(problems({ ...VALID, originalStart: '2030-03-04T09:00:00' })).toEqual([{ field: 'recurringEventId', message: 'recurringEventId is required with originalStart' }]);
    expect(problems({ ...VALID, recurringEventId: 'series-1', originalStart: 7 })).toEqual([
      { field: 'recurringEventId', message: 'recurringEventId must be the id of one of your recurring events' },
      { field: 'originalStart', message: 'originalStart must be a string' },
    ]);
    expect(problems({ ...VALID, recurringEventId: series, originalStart: '2030-03-04T09:00:00', recurrence: ['RRULE:FREQ=DAILY'] })).toEqual([
      { field: 'recurrence', message: 'an exception (recurringEventId) is one occurrence: recurrence must be empty' },
    ]);
    const stored = validateCrmEvent(VALID);
    expect(problems({ recurringEventId: series, originalStart: 'x' }, stored)).toEqual([
      { field: 'recurringEventId', message: 'recurringEventId cannot be changed' },
      { field: 'originalStart', message: 'originalStart cannot be changed' },
    ]);
    expect(() => validateCrmEventShape({ recurringEventId: series })).toThrow(expect.objectContaining({ details: [{ field: 'recurringEventId', message: 'recurringEventId cannot be changed' }] }));
  });

  it('stays linear on long pathological strings', () => {
    expectCpuWithin(2000, () => {
      for (let i = 0; i < 200; i++) problems({ ...VALID, start: '2'.repeat(60), recurrence: ['RRULE:' + 'A=1;'.repeat(240)] });
    });
  });
});
