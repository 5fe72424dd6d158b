import { syncWindow } from './sync-window';

describe('syncWindow', () => {
  it('reaches SYNC_PAST_DAYS back and SYNC_FUTURE_DAYS ahead of now, as ISO instants', () => {
    expect(syncWindow({ pastDays: 30, futureDays: 365 }, Date.UTC(2026, 10, 21, 12, 0, 0))).toEqual({ start: '2026-10-22T12:00:00.000Z', end: '2027-11-21T12:00:00.000Z' });
    expect(syncWindow({ pastDays: 0, futureDays: 1 }, Date.UTC(2026, 0, 1))).toEqual({ start: '2026-01-01T00:00:00.000Z', end: '2026-01-02T00:00:00.000Z' });
  });
});
