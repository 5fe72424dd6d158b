import { isProviderError, ProviderError } from '../provider-errors';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** No retry is started that would end after this much time since the first attempt. */
  maxTotalMs: number;
  /** First backoff step; doubles per attempt (full jitter), capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 6, maxTotalMs: 60_000, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Injectable for tests: time and randomness. */
export interface RetryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const SYSTEM_CLOCK: RetryClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/**
 * Runs `attempt` until it succeeds, retrying only retryable provider errors (TEMPORARY,
 * RATE_LIMITED). A provider's Retry-After is honoured as given; otherwise exponential backoff
 * with full jitter. When the attempts or the time budget run out, the last error is thrown:
 * it is still TEMPORARY or RATE_LIMITED, so the caller can back off the whole job.
 */
export async function withProviderRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: RetryOptions = DEFAULT_RETRY,
  clock: RetryClock = SYSTEM_CLOCK,
): Promise<T> {
  const startedAt = clock.now();
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (!isProviderError(error) || !error.retryable || attemptNumber >= options.maxAttempts) throw error;
      const delay = retryDelayMs(error, attemptNumber, options, clock);
      if (clock.now() - startedAt + delay > options.maxTotalMs) throw error;
      await clock.sleep(delay);
    }
  }
}

export function retryDelayMs(error: ProviderError, attemptNumber: number, options: RetryOptions, clock: RetryClock): number {
  if (error.retryAfterMs !== undefined && error.retryAfterMs >= 0) return error.retryAfterMs;
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attemptNumber - 1));
  return Math.floor(clock.random() * ceiling);
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
