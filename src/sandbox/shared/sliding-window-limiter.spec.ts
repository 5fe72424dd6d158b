import { SlidingWindowLimiter } from './sliding-window-limiter';

describe('SlidingWindowLimiter', () => {
  it('allows limit hits per window per key and reports when a slot frees', () => {
    const l = new SlidingWindowLimiter(2, 60_000);
    expect(l.tryTake('a', 0).ok).toBe(true);
    expect(l.tryTake('a', 10_000).ok).toBe(true);
    expect(l.tryTake('a', 20_000)).toEqual({ ok: false, retryAfterSeconds: 40 });
    expect(l.tryTake('b', 20_000).ok).toBe(true);
    expect(l.tryTake('a', 60_001).ok).toBe(true);
  });

  it('treats 0 as unlimited and accepts a new limit', () => {
    const l = new SlidingWindowLimiter(0, 1000);
    for (let i = 0; i < 100; i++) expect(l.tryTake('a', 0).ok).toBe(true);
    l.setLimit(1, 500);
    expect(l.tryTake('a', 1).ok).toBe(true);
    expect(l.tryTake('a', 2).ok).toBe(false);
    expect(l.tryTake('a', 502).ok).toBe(true);
  });
});
