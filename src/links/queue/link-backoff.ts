const MAX_BACKOFF_MS = 24 * 60 * 60 * 1000;

/**
 * When a failed link is tried again: `base` after the first failure, doubling per consecutive
 * failure, never later than a day — a revoked grant that is restored is picked up within a day.
 */
export function nextAttemptAt(now: Date, failureCount: number, baseSeconds: number): Date {
  const exponent = Math.min(Math.max(failureCount - 1, 0), 20);
  const delay = Math.min(baseSeconds * 1000 * 2 ** exponent, MAX_BACKOFF_MS);
  return new Date(now.getTime() + delay);
}
