import { parseWallClock } from './iso-datetime';
import { findTimeZone, wallClockToUtc } from './wall-clock';

function utc(wall: string, zoneName: string): string {
  const zone = findTimeZone(zoneName);
  const clock = parseWallClock(wall);
  if (!zone || !clock) throw new Error('bad fixture');
  return new Date(wallClockToUtc(clock, zone)).toISOString();
}

describe('findTimeZone', () => {
  it('knows tz database names, links included, case-insensitively', () => {
    for (const name of ['America/New_York', 'Asia/Kolkata', 'Europe/Kiev', 'Europe/Kyiv', 'Etc/GMT', 'Etc/GMT-14', 'America/Thunder_Bay', 'UTC', 'america/new_york']) {
      expect([name, findTimeZone(name) !== undefined]).toEqual([name, true]);
    }
  });

  it('refuses unknown names and raw offsets', () => {
    for (const name of ['Mars/Olympus_Mons', '+05:00', 'GMT+05:00', '', 'America/', '../etc/passwd', 'America/New York']) {
      expect([name, findTimeZone(name)]).toEqual([name, undefined]);
    }
  });

  it('caches zones (the same object is returned)', () => {
    expect(findTimeZone('Europe/Paris')).toBe(findTimeZone('Europe/Paris'));
  });
});

describe('wallClockToUtc', () => {
  it('reads ordinary times with the offset in force', () => {
    expect(utc('2021-12-17T11:30', 'America/New_York')).toBe('2021-12-17T16:30:00.000Z');
    expect(utc('2021-07-17T11:30', 'America/New_York')).toBe('2021-07-17T15:30:00.000Z');
    expect(utc('2021-12-17T11:30', 'Asia/Kathmandu')).toBe('2021-12-17T05:45:00.000Z');
    expect(utc('2021-12-17T11:30', 'Etc/GMT')).toBe('2021-12-17T11:30:00.000Z');
  });

  it('moves a time in the spring-forward gap forward by the gap (offset before the transition)', () => {
    expect(utc('2025-03-09T02:00', 'America/New_York')).toBe('2025-03-09T07:00:00.000Z');
    expect(utc('2025-03-09T02:30', 'America/New_York')).toBe('2025-03-09T07:30:00.000Z');
    expect(utc('2025-03-09T02:59:59', 'America/New_York')).toBe('2025-03-09T07:59:59.000Z');
    expect(utc('2025-03-09T03:00', 'America/New_York')).toBe('2025-03-09T07:00:00.000Z');
    expect(utc('2025-10-05T02:15', 'Australia/Lord_Howe')).toBe('2025-10-04T15:45:00.000Z');
  });

  it('takes the earlier instant of a time that happens twice', () => {
    expect(utc('2025-11-02T01:00', 'America/New_York')).toBe('2025-11-02T05:00:00.000Z');
    expect(utc('2025-11-02T01:59:59', 'America/New_York')).toBe('2025-11-02T05:59:59.000Z');
    expect(utc('2025-11-02T02:00', 'America/New_York')).toBe('2025-11-02T07:00:00.000Z');
    expect(utc('2025-04-06T01:45', 'Australia/Lord_Howe')).toBe('2025-04-05T14:45:00.000Z');
  });

  it('handles a zone that skipped a whole day (Pacific/Apia, end of 2011-12-30)', () => {
    // 2011-12-30 never happened in Samoa: read with the offset before (-10:00).
    expect(utc('2011-12-30T12:00', 'Pacific/Apia')).toBe('2011-12-30T22:00:00.000Z');
    expect(utc('2011-12-31T12:00', 'Pacific/Apia')).toBe('2011-12-30T22:00:00.000Z');
  });
});
