import fc from 'fast-check';
import { WINDOWS_TO_IANA_MAP } from 'windows-iana';
import { graphZoneOf, ianaZoneOf } from './graph-time-zones';

const WINDOWS_NAMES = [...new Set(WINDOWS_TO_IANA_MAP.map((e) => e.windowsName))];
const IANA_NAMES = Intl.supportedValuesOf('timeZone');

describe('Windows ↔ IANA zone names', () => {
  it('maps the names Graph uses', () => {
    expect(ianaZoneOf('Pacific Standard Time')).toBe('America/Los_Angeles');
    expect(ianaZoneOf('W. Europe Standard Time')).toBe('Europe/Berlin');
    expect(ianaZoneOf('UTC')).toBe('UTC');
    expect(ianaZoneOf('Europe/Paris')).toBe('Europe/Paris');
    expect(ianaZoneOf('Not A Zone')).toBeNull();
    expect(graphZoneOf('Europe/Berlin')).toBe('W. Europe Standard Time');
    // Vancouver shares Pacific Standard Time with Los Angeles: sent as IANA so it reads back as itself.
    expect(graphZoneOf('America/Vancouver')).toBe('America/Vancouver');
  });

  it('every IANA zone of the model reads back as itself after being written to Graph', () => {
    fc.assert(fc.property(fc.constantFrom(...IANA_NAMES), (zone) => ianaZoneOf(graphZoneOf(zone)) === zone), { numRuns: IANA_NAMES.length * 2 });
  });

  it('every Windows zone Graph may send is a zone of the model that is written back to the same zone', () => {
    fc.assert(
      fc.property(fc.constantFrom(...WINDOWS_NAMES), (windows) => {
        const iana = ianaZoneOf(windows);
        return iana !== null && ianaZoneOf(graphZoneOf(iana)) === iana;
      }),
      { numRuns: WINDOWS_NAMES.length * 2 },
    );
  });
});
