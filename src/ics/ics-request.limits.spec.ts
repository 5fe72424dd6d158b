import { DomainException } from '../common/errors/domain.exception';
import { SEED_EXAMPLE } from './dto/create-calendar.dto';
import { validateIcsRequest } from './ics-request.validator';

/** The code a request is refused with, or 'accepted'. */
function outcome(overrides: Record<string, unknown>): string {
  try {
    validateIcsRequest({ ...SEED_EXAMPLE, ...overrides });
    return 'accepted';
  } catch (error) {
    if (error instanceof DomainException) return error.code;
    throw error;
  }
}

/** Each limit is inclusive: the last allowed value passes, one more is refused. */
describe('ICS request limits, at their boundaries', () => {
  it('takes an alarm from 0 minutes (at the start) up to exactly 40320 (four weeks), and keeps the value', () => {
    expect(validateIcsRequest({ ...SEED_EXAMPLE, 'event-alarm-minutes': 0 }).alarmMinutes).toBe(0);
    expect(validateIcsRequest({ ...SEED_EXAMPLE, 'event-alarm-minutes': 40320 }).alarmMinutes).toBe(40320);
    expect(outcome({ 'event-alarm-minutes': -1 })).toBe('E1755');
    expect(outcome({ 'event-alarm-minutes': 40321 })).toBe('E1755');
  });

  it('takes 100 attendees and refuses 101 with E1760', () => {
    const attendees = (n: number): string[] => Array.from({ length: n }, (_, i) => `person${i}@example.com`);
    expect(validateIcsRequest({ ...SEED_EXAMPLE, 'event-attendees': attendees(100) }).attendees).toHaveLength(100);
    expect(outcome({ 'event-attendees': attendees(101) })).toBe('E1760');
  });
});
