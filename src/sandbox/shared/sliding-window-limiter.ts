/**
 * Per-key sliding-window rate limiter (exact log of timestamps), the model both
 * providers document for their per-user quotas. A limit of 0 disables it.
 */
export class SlidingWindowLimiter {
  private hits = new Map<string, number[]>();

  constructor(
    private limit: number,
    private windowMs: number,
  ) {}

  tryTake(key: string, now: number = Date.now()): { ok: boolean; retryAfterSeconds: number } {
    if (this.limit <= 0) return { ok: true, retryAfterSeconds: 0 };
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      // The oldest hit leaving the window frees the next slot.
      const waitMs = recent[0] + this.windowMs - now;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    recent.push(now);
    this.hits.set(key, recent);
    return { ok: true, retryAfterSeconds: 0 };
  }

  setLimit(limit: number, windowMs?: number): void {
    this.limit = Math.max(0, limit);
    if (windowMs !== undefined && windowMs > 0) this.windowMs = windowMs;
  }

  get currentLimit(): { limit: number; windowMs: number } {
    return { limit: this.limit, windowMs: this.windowMs };
  }

  reset(): void {
    this.hits.clear();
  }
}
