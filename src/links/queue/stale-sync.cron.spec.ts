import { nextMinute } from './stale-sync.cron';

describe('nextMinute', () => {
  it('is the start of the minute after now, whatever second of the minute it is', () => {
    expect(nextMinute(new Date('2030-01-01T10:15:00.000Z')).toISOString()).toBe('2030-01-01T10:16:00.000Z');
    expect(nextMinute(new Date('2030-01-01T10:15:59.999Z')).toISOString()).toBe('2030-01-01T10:16:00.000Z');
    expect(nextMinute(new Date('2030-01-01T23:59:30.000Z')).toISOString()).toBe('2030-01-02T00:00:00.000Z');
  });
});
