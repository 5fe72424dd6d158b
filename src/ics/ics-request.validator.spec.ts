import { DomainException } from '../common/errors/domain.exception';
import { SEED_EXAMPLE } from './dto/create-calendar.dto';
import { queryToRequestBody, validateIcsRequest } from './ics-request.validator';

function codeOf(body: unknown): string | undefined {
  try {
    validateIcsRequest(body);
    return undefined;
  } catch (error) {
    if (error instanceof DomainException) return error.code;
    throw error;
  }
}

describe('validateIcsRequest', () => {
  it('accepts the seed example', () => {
    const request = validateIcsRequest({ ...SEED_EXAMPLE });
    expect(request).toMatchObject({ title: 'Dunder Mifflin Christmas Party', allDay: false, attendees: [] });
    expect(request.timezone.name).toBe('America/New_York');
  });

  it('defaults all-day-event to false, also when null', () => {
    const { 'all-day-event': _omitted, ...rest } = SEED_EXAMPLE;
    expect(validateIcsRequest(rest).allDay).toBe(false);
    expect(validateIcsRequest({ ...rest, 'all-day-event': null }).allDay).toBe(false);
  });

  it('refuses non-object bodies with E1781', () => {
    for (const body of [undefined, null, 'x', 5, [], [SEED_EXAMPLE]]) expect(codeOf(body)).toBe('E1781');
  });

  it('checks unknown fields before anything else', () => {
    expect(codeOf({ nonsense: true })).toBe('E1783');
  });

  it('treats blank optional text as not given', () => {
    const request = validateIcsRequest({ ...SEED_EXAMPLE, 'event-url': '  ', 'event-rrule': '', 'event-organizer': null });
    expect(request.url).toBeUndefined();
    expect(request.rrule).toBeUndefined();
    expect(request.organizer).toBeUndefined();
  });
});

describe('queryToRequestBody', () => {
  it('turns text into booleans, numbers and lists where the JSON form has them', () => {
    expect(
      queryToRequestBody({
        'x-api-key': 'secret',
        'all-day-event': 'True',
        'event-alarm-minutes': ' 15 ',
        'event-attendees': ['a@x.example,b@x.example', 'c@x.example'],
        'event-title': 'T',
      }),
    ).toEqual({
      'all-day-event': true,
      'event-alarm-minutes': 15,
      'event-attendees': ['a@x.example', 'b@x.example', 'c@x.example'],
      'event-title': 'T',
    });
  });

  it('leaves what it cannot convert for the validator to refuse', () => {
    expect(queryToRequestBody({ 'all-day-event': 'yes', 'event-alarm-minutes': '1.5', 'event-title': ['a', 'b'] })).toEqual({
      'all-day-event': 'yes',
      'event-alarm-minutes': '1.5',
      'event-title': ['a', 'b'],
    });
    expect(queryToRequestBody({ 'all-day-event': '', 'event-alarm-minutes': '' })).toEqual({ 'all-day-event': undefined, 'event-alarm-minutes': undefined });
  });
});
