import { ianaToWindows, resolveTimeZone, windowsToIana } from './windows-time-zones';

describe('windows-time-zones', () => {
  it('maps Windows names to IANA, case-insensitively', () => {
    expect(windowsToIana('Pacific Standard Time')).toBe('America/Los_Angeles');
    expect(windowsToIana('w. europe standard time')).toBe('Europe/Berlin');
    expect(windowsToIana('UTC')).toBe('Etc/UTC');
    expect(windowsToIana('Atlantis Standard Time')).toBeUndefined();
  });

  it('maps IANA names, including non-primary zones and aliases, to Windows', () => {
    expect(ianaToWindows('America/New_York')).toBe('Eastern Standard Time');
    expect(ianaToWindows('Europe/Paris')).toBe('Romance Standard Time');
    expect(ianaToWindows('Europe/Amsterdam')).toBe('W. Europe Standard Time');
    expect(ianaToWindows('Asia/Calcutta')).toBe('India Standard Time');
    expect(ianaToWindows('Etc/UTC')).toBe('UTC');
  });

  it('every mapped IANA zone is known to the runtime', () => {
    for (const name of ['Pacific Standard Time', 'FLE Standard Time', 'AUS Eastern Standard Time', 'Greenland Standard Time', 'Argentina Standard Time']) {
      expect(resolveTimeZone(name)).toBeDefined();
    }
    expect(resolveTimeZone('Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(resolveTimeZone('Not/AZone')).toBeUndefined();
  });
});
