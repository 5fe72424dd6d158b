import { FaultInjector } from './fault-injector';

describe('FaultInjector', () => {
  it('fails exactly count matching requests, then lets them through', () => {
    const f = new FaultInjector();
    f.add({ status: 503, count: 2, match: { method: 'post', pathIncludes: '/events' } });
    expect(f.take({ method: 'GET', path: '/calendars/a/events' })).toBeUndefined();
    expect(f.take({ method: 'POST', path: '/calendars/a/events' })?.status).toBe(503);
    expect(f.take({ method: 'POST', path: '/calendars/a/events' })?.status).toBe(503);
    expect(f.take({ method: 'POST', path: '/calendars/a/events' })).toBeUndefined();
  });

  it('matches mailbox case-insensitively and takes rules in order', () => {
    const f = new FaultInjector();
    f.add({ status: 500, count: 1, match: { mailbox: 'A@x.com' } });
    f.add({ status: 429, count: 1 });
    expect(f.take({ method: 'GET', path: '/', mailbox: 'b@x.com' })?.status).toBe(429);
    expect(f.take({ method: 'GET', path: '/', mailbox: 'a@x.com' })?.status).toBe(500);
    expect(f.take({ method: 'GET', path: '/', mailbox: 'a@x.com' })).toBeUndefined();
  });

  it('does not mutate the caller rule and clears latency', () => {
    const f = new FaultInjector();
    const rule = { status: 500, count: 1 };
    f.add(rule);
    f.take({ method: 'GET', path: '/' });
    expect(rule.count).toBe(1);
    f.setLatency(50);
    expect(f.latencyMs).toBe(50);
    f.clear();
    expect(f.latencyMs).toBe(0);
  });
});
