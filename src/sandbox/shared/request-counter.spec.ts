import { RequestCounter } from './request-counter';

describe('RequestCounter', () => {
  it('counts by mailbox and endpoint and resets', () => {
    const c = new RequestCounter();
    c.record('A@x.com', 'events.list');
    c.record('a@x.com', 'events.insert');
    c.record(undefined, 'events.list');
    expect(c.snapshot()).toEqual({
      total: 3,
      byMailbox: { 'a@x.com': 2 },
      byEndpoint: { 'events.list': 2, 'events.insert': 1 },
    });
    c.reset();
    expect(c.snapshot()).toEqual({ total: 0, byMailbox: {}, byEndpoint: {} });
  });
});
