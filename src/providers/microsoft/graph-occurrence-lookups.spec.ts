import { DAY_MS, groupOccurrenceLookups } from './graph-occurrence-lookups';

describe('groupOccurrenceLookups', () => {
  const t0 = Date.parse('2026-12-07T08:00:00Z');

  it('looks up the starts of one series that lie within 28 days of each other with one /instances window', () => {
    const lookups = groupOccurrenceLookups([
      { seriesId: 'B', ms: t0 + 14 * DAY_MS },
      { seriesId: 'A', ms: t0 + 28 * DAY_MS },
      { seriesId: 'A', ms: t0 },
      { seriesId: 'B', ms: t0 },
    ]);
    expect(lookups).toEqual([
      { seriesId: 'A', fromMs: t0, toMs: t0 + 28 * DAY_MS, targets: [2, 1] },
      { seriesId: 'B', fromMs: t0, toMs: t0 + 14 * DAY_MS, targets: [3, 0] },
    ]);
  });

  it('starts a new window past 28 days, so one page of instances always holds the window', () => {
    const lookups = groupOccurrenceLookups([
      { seriesId: 'A', ms: t0 },
      { seriesId: 'A', ms: t0 + 28 * DAY_MS + 1 },
      { seriesId: 'A', ms: t0 + 40 * DAY_MS },
    ]);
    expect(lookups).toEqual([
      { seriesId: 'A', fromMs: t0, toMs: t0, targets: [0] },
      { seriesId: 'A', fromMs: t0 + 28 * DAY_MS + 1, toMs: t0 + 40 * DAY_MS, targets: [1, 2] },
    ]);
  });
});
