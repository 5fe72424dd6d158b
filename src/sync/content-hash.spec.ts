import fc from 'fast-check';
import { canonicalJson, contentHash } from './content-hash';

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: null, y: 'x' }], c: undefined } })).toBe('{"a":{"d":[2,{"y":"x","z":null}]},"b":1}');
  });

  it('keeps array order and writes undefined array items as null', () => {
    expect(canonicalJson([3, undefined, 'a'])).toBe('[3,null,"a"]');
  });

  it('is the same text for any key order (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(object));
      }),
    );
  });

  it('round-trips through JSON.parse to an equal value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('contentHash', () => {
  it('is the SHA-256 hex of the canonical text', () => {
    // sha256('{"a":1,"b":2}')
    expect(contentHash({ b: 2, a: 1 })).toBe('43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777');
    expect(contentHash({ a: 1, b: 2 })).toHaveLength(64);
  });

  it('changes when any value changes', () => {
    expect(contentHash({ title: 'Busy' })).not.toBe(contentHash({ title: 'Free' }));
  });
});
