import { parseWallClock } from './iso-datetime';

const clock = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0, hasTime = true) => ({ year, month, day, hour, minute, second, hasTime });

describe('parseWallClock', () => {
  it.each([
    ['2021-12-17T11:30:00Z', clock(2021, 12, 17, 11, 30)],
    ['2021-12-17T11:30:45+05:30', clock(2021, 12, 17, 11, 30, 45)],
    ['2021-12-17T11:30-0800', clock(2021, 12, 17, 11, 30)],
    ['2021-12-17 11:30:45.999999999', clock(2021, 12, 17, 11, 30, 45)],
    ['2021-12-17T11:30:45,5Z', clock(2021, 12, 17, 11, 30, 45)],
    ['2021-12-17T11:30:00+01:00[Europe/Paris]', clock(2021, 12, 17, 11, 30)],
    ['20211217T113045Z', clock(2021, 12, 17, 11, 30, 45)],
    ['20211217T1130', clock(2021, 12, 17, 11, 30)],
    ['2021-12-17', clock(2021, 12, 17, 0, 0, 0, false)],
    ['20211217', clock(2021, 12, 17, 0, 0, 0, false)],
    ['2024-02-29T10:00', clock(2024, 2, 29, 10)],
    ['2021-12-31T24:00:00', clock(2022, 1, 1)],
  ])('reads %s', (text, expected) => {
    expect(parseWallClock(text)).toEqual(expected);
  });

  it.each([
    '',
    'tomorrow',
    '2021-12-17T11',
    '2021-12-17T11:30:00 Z',
    '2021-12-17Z',
    '2021-12-17+05:00',
    '2023-02-29',
    '2021-04-31T10:00',
    '2021-00-10',
    '2021-12-17T24:30',
    '2021-12-17T23:60',
    '2021-12-17T23:59:60',
    '21-12-17',
    '0999-12-31',
    '9999-01-01',
    '2021-12-17T11:30:00+05:30[',
    '2021-W50-5',
    '1639740600',
  ])('refuses %j', (text) => {
    expect(parseWallClock(text)).toBeUndefined();
  });
});
