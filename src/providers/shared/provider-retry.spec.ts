import { ProviderError } from '../provider-errors';
import { parseRetryAfter, RetryClock, withProviderRetries } from './provider-retry';

function fakeClock(): RetryClock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
    random: () => 0.5,
  };
}

const temporary = () => new ProviderError('TEMPORARY', 'boom', { provider: 'google', status: 503 });
const limited = (ms: number) => new ProviderError('RATE_LIMITED', 'slow down', { provider: 'microsoft', status: 429, retryAfterMs: ms });
const options = { maxAttempts: 4, maxTotalMs: 10_000, baseDelayMs: 100, maxDelayMs: 1_000 };

describe('withProviderRetries', () => {
  it('retries temporary errors with jittered exponential backoff, then succeeds', async () => {
    const clock = fakeClock();
    let calls = 0;
    const result = await withProviderRetries(async () => (++calls < 3 ? Promise.reject(temporary()) : 'done'), options, clock);
    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect(clock.slept).toEqual([50, 100]);
  });

  it('waits exactly what Retry-After asked', async () => {
    const clock = fakeClock();
    let calls = 0;
    await withProviderRetries(async () => (++calls === 1 ? Promise.reject(limited(2_500)) : 'ok'), options, clock);
    expect(clock.slept).toEqual([2_500]);
  });

  it('does not retry errors that waiting cannot fix', async () => {
    const clock = fakeClock();
    let calls = 0;
    const revoked = new ProviderError('AUTH_REVOKED', 'grant revoked', { provider: 'google', status: 400 });
    await expect(withProviderRetries(async () => { calls++; throw revoked; }, options, clock)).rejects.toBe(revoked);
    expect(calls).toBe(1);
    expect(clock.slept).toEqual([]);
  });

  it('gives up after maxAttempts with the last (still temporary) error', async () => {
    const clock = fakeClock();
    let calls = 0;
    const error = await withProviderRetries(async () => { calls++; throw temporary(); }, options, clock).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('TEMPORARY');
  });

  it('does not start a retry that would overrun the total time budget', async () => {
    const clock = fakeClock();
    let calls = 0;
    const error = await withProviderRetries(async () => { calls++; throw limited(9_000); }, options, clock).catch((e: unknown) => e);
    expect(calls).toBe(2);
    expect(clock.slept).toEqual([9_000]);
    expect((error as ProviderError).kind).toBe('RATE_LIMITED');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('7')).toBe(7_000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 10:00:05 GMT', Date.parse('Sat, 21 Nov 2026 10:00:00 GMT'))).toBe(5_000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
