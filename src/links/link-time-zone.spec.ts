import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isIanaTimeZone } from './link-time-zone';

const SEED_ZONES = readFileSync(join(__dirname, '..', '..', 'test', 'ics', 'fixtures', 'seed-time-zones.txt'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));

describe('isIanaTimeZone', () => {
  it('accepts every one of the 228 zones of the seed list', () => {
    expect(SEED_ZONES).toHaveLength(228);
    expect(SEED_ZONES.filter((zone) => !isIanaTimeZone(zone))).toEqual([]);
  });

  it('accepts links that Intl.supportedValuesOf leaves out', () => {
    for (const zone of ['Asia/Kolkata', 'Asia/Calcutta', 'Europe/Kiev', 'Etc/GMT', 'America/Thunder_Bay', 'US/Eastern', 'UTC']) {
      expect([zone, isIanaTimeZone(zone)]).toEqual([zone, true]);
    }
  });

  it.each(['', 'Mars/Olympus', '+01:00', '-05:00', ' Europe/Paris', 'Europe/Paris ', 'Europe/Paris\u0000', 'x'.repeat(65), 'GMT+1'])('refuses %j', (zone) => {
    expect(isIanaTimeZone(zone)).toBe(false);
  });
});
