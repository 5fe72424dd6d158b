import { nextAttemptAt } from './link-backoff';

describe('nextAttemptAt', () => {
  const now = new Date('2030-01-01T00:00:00.000Z');
  const after = (failures: number, base = 300) => (nextAttemptAt(now, failures, base).getTime() - now.getTime()) / 1000;

  it('waits the base after the first failure and doubles per failure', () => {
    expect([1, 2, 3, 4].map((failures) => after(failures))).toEqual([300, 600, 1200, 2400]);
  });

  it('never waits longer than a day', () => {
    expect(after(9)).toBe(76_800);
    expect(after(10)).toBe(86_400);
    expect(after(1000)).toBe(86_400);
  });

  it('treats a count of 0 like the first failure', () => {
    expect(after(0, 60)).toBe(60);
  });
});
