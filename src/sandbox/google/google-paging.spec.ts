import fc from 'fast-check';
import { FIRST_PAGE, nextPageState, planPage, type PagingSettings } from './google-paging';

/** Walks a listing of `total` items to its end and returns the page sizes. */
function walk(settings: PagingSettings, total: number, maxResults: number): number[] {
  const sizes: number[] = [];
  let state = FIRST_PAGE;
  let offset = 0;
  for (;;) {
    const plan = planPage(settings, 'events:cal', state, maxResults, total - offset);
    sizes.push(plan.take);
    offset += plan.take;
    if (plan.last) return sizes;
    state = nextPageState(state, plan);
    if (sizes.length > 4 * total + 4) throw new Error('listing does not end');
  }
}

describe('planPage', () => {
  it('always ends, never exceeds maxResults, never gives two empty pages in a row, and returns every item', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 12 }), (seed, total, maxResults) => {
        const sizes = walk({ shortPages: true, seed }, total, maxResults);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
        expect(sizes.every((n) => n >= 0 && n <= maxResults)).toBe(true);
        expect(sizes.some((n, i) => n === 0 && sizes[i + 1] === 0)).toBe(false);
      }),
    );
  });

  it('is deterministic per seed and gives full pages when short pages are off', () => {
    expect(walk({ shortPages: true, seed: 1 }, 20, 5)).toEqual(walk({ shortPages: true, seed: 1 }, 20, 5));
    expect(walk({ shortPages: false, seed: 1 }, 7, 3)).toEqual([3, 3, 1]);
    expect(walk({ shortPages: false, seed: 1 }, 0, 3)).toEqual([0]);
  });

  it('gives short or empty pages before the last one for most seeds', () => {
    const seeds = Array.from({ length: 50 }, (_, i) => i);
    const withShortPage = seeds.filter((seed) => walk({ shortPages: true, seed }, 20, 5).slice(0, -1).some((n) => n < 5));
    expect(withShortPage.length).toBeGreaterThan(45);
  });
});
