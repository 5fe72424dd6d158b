import { DateTime } from 'luxon';
import { isKnownTimeZone, wallClockAt } from './wall-clock';

describe('wallClockAt', () => {
  it('gives the wall clock Luxon gives, across zones, DST changes and offsets', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns'];
    const instants = ['2026-03-29T00:59:59Z', '2026-03-29T01:00:00Z', '2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z', '2026-12-31T23:59:59Z', '2027-01-01T00:00:00Z', '2026-03-08T07:00:00Z', '1970-01-01T00:00:00Z'];
    for (const zone of zones) {
      for (const iso of instants) {
        const ms = Date.parse(iso);
        expect([zone, iso, wallClockAt(ms, zone)]).toEqual([zone, iso, DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss")]);
      }
    }
  });

  it('answers midnight as 00, not 24', () => {
    expect(wallClockAt(Date.parse('2026-12-07T23:00:00Z'), 'Europe/Berlin')).toBe('2026-12-08T00:00:00');
  });

  it('leaves years outside 1000–9999 and invalid instants to the caller', () => {
    expect(wallClockAt(Date.parse('0999-06-01T00:00:00Z'), 'UTC')).toBeNull();
    expect(wallClockAt(Number.NaN, 'UTC')).toBeNull();
  });
});

describe('isKnownTimeZone', () => {
  it('knows IANA zones and refuses anything else, as Luxon does', () => {
    expect(['Europe/Berlin', 'UTC', 'America/Argentina/Buenos_Aires'].map(isKnownTimeZone)).toEqual([true, true, true]);
    expect(['', 'Mars/Olympus', 'W. Europe Standard Time', 'Europe/Berlin\n'].map(isKnownTimeZone)).toEqual([false, false, false, false]);
  });
});
