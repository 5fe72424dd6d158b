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

/**
 * The caches are what make the conversion cheap (each zone check builds an Intl formatter, each
 * offset lookup is an Intl call): these count the lookups on a fresh copy of the module.
 */
describe('wall-clock caches', () => {
  type WallClockModule = typeof import('./wall-clock');
  type Luxon = typeof import('luxon');
  function fresh(): { clock: WallClockModule; luxon: Luxon } {
    let loaded: { clock: WallClockModule; luxon: Luxon } | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = { clock: require('./wall-clock') as WallClockModule, luxon: require('luxon') as Luxon };
    });
    return loaded!;
  }
  const wall = (text: string) => parseWallClock(text)!;
  afterEach(() => jest.restoreAllMocks());

  it('checks a zone name once, and remembers at most 1000 names', () => {
    const { clock, luxon } = fresh();
    const checks = jest.spyOn(luxon.IANAZone, 'isValidZone');
    const paris = clock.findTimeZone('Europe/Paris');
    expect(checks).toHaveBeenCalled();
    checks.mockClear();
    expect(clock.findTimeZone('Europe/Paris')).toBe(paris);
    expect(checks).not.toHaveBeenCalled();

    // Intl matches names case-insensitively, so case variants are distinct valid names.
    const zoneNames = Intl.supportedValuesOf('timeZone').filter((name) => name !== 'Europe/Paris');
    const names = [...new Set([...zoneNames, ...zoneNames.map((n) => n.toLowerCase()), ...zoneNames.map((n) => n.toUpperCase())])]
      .filter((name) => name !== 'Europe/Paris')
      .slice(0, 1000);
    expect(names).toHaveLength(1000);
    for (const name of names.slice(0, 999)) expect(clock.findTimeZone(name)).toBeDefined();
    // 1000 names are remembered now (Europe/Paris and 999 others): the next ones are checked every time.
    clock.findTimeZone(names[999]);
    checks.mockClear();
    clock.findTimeZone(names[999]);
    expect(checks).toHaveBeenCalled();
    checks.mockClear();
    clock.findTimeZone(names[998]);
    clock.findTimeZone('Europe/Paris');
    expect(checks).not.toHaveBeenCalled();
  });

  it('looks offsets up once per zone and day (two lookups) and reuses them for the whole day', () => {
    const { clock } = fresh();
    const zone = clock.findTimeZone('America/New_York')!;
    const offsets = jest.spyOn(zone, 'offset');
    expect(new Date(clock.wallClockToUtc(wall('2021-12-17T11:30'), zone)).toISOString()).toBe('2021-12-17T16:30:00.000Z');
    expect(offsets).toHaveBeenCalledTimes(2);
    expect(new Date(clock.wallClockToUtc(wall('2021-12-17T23:59:59'), zone)).toISOString()).toBe('2021-12-18T04:59:59.000Z');
    expect(new Date(clock.wallClockToUtc(wall('2021-12-17T00:00'), zone)).toISOString()).toBe('2021-12-17T05:00:00.000Z');
    expect(offsets).toHaveBeenCalledTimes(2);
    // A day near a transition is remembered as "not steady": two lookups for the instant only.
    offsets.mockClear();
    expect(new Date(clock.wallClockToUtc(wall('2025-03-09T12:00'), zone)).toISOString()).toBe('2025-03-09T16:00:00.000Z');
    const first = offsets.mock.calls.length;
    expect(first).toBeGreaterThan(2);
    offsets.mockClear();
    expect(new Date(clock.wallClockToUtc(wall('2025-03-09T01:00'), zone)).toISOString()).toBe('2025-03-09T06:00:00.000Z');
    expect(offsets.mock.calls.length).toBe(first - 2);
  });

  it('remembers at most 10 000 zone-days, dropping the oldest', () => {
    const { clock } = fresh();
    const zone = clock.findTimeZone('Etc/GMT-3')!;
    const day = (n: number) => new Date(Date.UTC(2000, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    for (let n = 0; n < 10_001; n++) clock.wallClockToUtc(wall(`${day(n)}T12:00`), zone);
    const offsets = jest.spyOn(zone, 'offset');
    // Day 1 and the newest are still known; day 0 was dropped when day 10 000 came in.
    expect(new Date(clock.wallClockToUtc(wall(`${day(1)}T08:00`), zone)).toISOString()).toBe(`${day(1)}T05:00:00.000Z`);
    clock.wallClockToUtc(wall(`${day(10_000)}T08:00`), zone);
    expect(offsets).not.toHaveBeenCalled();
    expect(new Date(clock.wallClockToUtc(wall(`${day(0)}T08:00`), zone)).toISOString()).toBe(`${day(0)}T05:00:00.000Z`);
    expect(offsets).toHaveBeenCalledTimes(2);
  });
});
