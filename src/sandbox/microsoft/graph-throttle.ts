import { SlidingWindowLimiter } from '../shared/sliding-window-limiter';
import { GraphHttpError } from './graph-errors';

export interface ThrottleLimits {
  /** Requests per mailbox per window; 0 disables. Graph: 10,000 per 10 minutes. */
  requestsPerWindow: number;
  windowMs: number;
  /** In-flight requests per mailbox; 0 disables. Graph: 4. */
  maxConcurrent: number;
}

export const GRAPH_DEFAULT_LIMITS: ThrottleLimits = { requestsPerWindow: 10_000, windowMs: 10 * 60 * 1000, maxConcurrent: 4 };

/**
 * Exchange's per-app-per-mailbox limits as the throttling guidance documents them:
 * a request rate over a sliding window and a cap on concurrent requests.
 */
export class MailboxThrottle {
  private readonly limiter: SlidingWindowLimiter;
  private readonly inFlight = new Map<string, number>();
  private limits: ThrottleLimits;
  private readonly initial: ThrottleLimits;

  constructor(
    limits: Partial<ThrottleLimits>,
    private readonly now: () => number,
  ) {
    this.initial = { ...GRAPH_DEFAULT_LIMITS, ...limits };
    this.limits = { ...this.initial };
    this.limiter = new SlidingWindowLimiter(this.limits.requestsPerWindow, this.limits.windowMs);
  }

  get current(): ThrottleLimits {
    return { ...this.limits };
  }

  setLimits(limits: Partial<ThrottleLimits>): void {
    this.limits = { ...this.limits, ...limits };
    this.limiter.setLimit(this.limits.requestsPerWindow, this.limits.windowMs);
  }

  /** Takes a slot or throws the 429 Graph answers with; pair with leave(). */
  enter(key: string): void {
    const active = this.inFlight.get(key) ?? 0;
    if (this.limits.maxConcurrent > 0 && active >= this.limits.maxConcurrent) {
      throw new GraphHttpError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', { 'Retry-After': '1' });
    }
    const rate = this.limiter.tryTake(key, this.now());
    if (!rate.ok) {
      throw new GraphHttpError(429, 'ApplicationThrottled', 'Application is over its request rate limit for this mailbox (MailboxRequestRate).', {
        'Retry-After': String(rate.retryAfterSeconds),
      });
    }
    this.inFlight.set(key, active + 1);
  }

  leave(key: string): void {
    const active = (this.inFlight.get(key) ?? 1) - 1;
    if (active <= 0) this.inFlight.delete(key);
    else this.inFlight.set(key, active);
  }

  reset(): void {
    this.limiter.reset();
    this.inFlight.clear();
    this.limits = { ...this.initial };
    this.limiter.setLimit(this.limits.requestsPerWindow, this.limits.windowMs);
  }
}
