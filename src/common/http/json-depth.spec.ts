import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth';
import { expectCpuWithin } from '../../../test/support/cpu-time';

describe('exceedsJsonDepth', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it('allows exactly the limit and refuses one more, for arrays and objects', () => {
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(exceedsJsonDepth(`${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1${'}'.repeat(MAX_JSON_DEPTH + 1)}`)).toBe(true);
  });

  it('ignores brackets inside strings, also after escaped quotes', () => {
    expect(exceedsJsonDepth(JSON.stringify({ a: '['.repeat(100) }))).toBe(false);
    expect(exceedsJsonDepth(JSON.stringify({ a: `\\"${'{'.repeat(100)}` }))).toBe(false);
  });

  it('reads UTF-8 bytes the same as text', () => {
    const text = JSON.stringify({ név: ['ő', ['[', { x: 'é' }]] });
    expect(exceedsJsonDepth(Buffer.from(text), 4)).toBe(false);
    expect(exceedsJsonDepth(Buffer.from(text), 3)).toBe(true);
  });

  it('is linear: a megabyte of brackets in a few milliseconds', () => {
    const text = Buffer.from(`[${'"['.repeat(500_000)}`);
    expectCpuWithin(300, () => exceedsJsonDepth(text));
  });
});
