import { cleanName, isEmail, parsePerson } from './person';
import { expectCpuWithin } from '../../test/support/cpu-time';

describe('person parsing', () => {
  it.each([
    ['jo@example.com', { email: 'jo@example.com' }],
    ['  mailto:Jo@Example.com ', { email: 'Jo@Example.com' }],
    ['Jo Smith <jo@example.com>', { email: 'jo@example.com', name: 'Jo Smith' }],
    ['"Smith, Jo" <jo@example.com>', { email: 'jo@example.com', name: 'Smith, Jo' }],
    ['<jo@example.com>', { email: 'jo@example.com' }],
    ["o'brien+tag@mail.example.co.uk", { email: "o'brien+tag@mail.example.co.uk" }],
  ])('reads %j', (text, expected) => {
    expect(parsePerson(text)).toEqual(expected);
  });

  it.each(['', 'jo', 'jo@localhost', 'jo@@example.com', 'jo@example..com', 'Jo <jo>', 'jo@exa mple.com', 'a,b@example.com', 'jo;x@example.com', `${'a'.repeat(250)}@example.com`])(
    'refuses %j',
    (text) => {
      expect(parsePerson(text)).toBeUndefined();
    },
  );

  it('makes names safe for a quoted CN parameter', () => {
    expect(cleanName('Dwight "Assistant" Schrute')).toBe("Dwight 'Assistant' Schrute");
    expect(cleanName('back\\slash\r\nname')).toBe('back/slash name');
    expect(cleanName('   ')).toBeUndefined();
    expect(cleanName('x'.repeat(500))).toHaveLength(200);
  });

  it('checks addresses', () => {
    expect(isEmail('pam@dundermifflin.example')).toBe(true);
    expect(isEmail('pam@dundermifflin')).toBe(false);
  });

  // Regression: `^(.*?)\s*<…>$` backtracked quadratically (128 k spaces took 29 s).
  it.each([
    ['a + spaces + b', `a${' '.repeat(100_000)}b`],
    ['spaces before <', `a${' '.repeat(100_000)}<`],
    ['many <', '<'.repeat(100_000)],
    ['many @', '@'.repeat(100_000)],
    ['quotes', '"'.repeat(100_000)],
    ['nested brackets', `${'<'.repeat(50_000)}${'>'.repeat(50_000)}`],
    ['tabs and a final >', `a${'\t '.repeat(50_000)}>`],
  ])('parses 100 kB of %s in linear time', (_label, text) => {
    // The backtracking regex took 15 s on these; linear parsing takes a few milliseconds. The
    // bound sits far from both, so a loaded CI machine (once 461 ms for one try) cannot fail it.
    expectCpuWithin(1500, () => {
      parsePerson(text);
      parsePerson(`${text} <jo@example.com>`);
      cleanName(text);
    });
  });

  it('takes the address from the last <…> and the name from everything before it', () => {
    expect(parsePerson('Jo <x> <jo@example.com>')).toEqual({ email: 'jo@example.com', name: 'Jo <x>' });
    expect(parsePerson('Jo\t \n<jo@example.com>')).toEqual({ email: 'jo@example.com', name: 'Jo' });
    expect(parsePerson('Jo <jo@example.com> tail')).toBeUndefined();
    expect(parsePerson('Jo <j>o@example.com>')).toBeUndefined();
  });

  it('trims around the whole text and around the address', () => {
    expect(parsePerson('  Jo <jo@example.com>  ')).toEqual({ email: 'jo@example.com', name: 'Jo' });
    expect(parsePerson('Jo < jo@example.com >')).toEqual({ email: 'jo@example.com', name: 'Jo' });
  });

  it('needs a complete <…> at the very end to read a name', () => {
    expect(parsePerson('Jo <jo@example.com')).toBeUndefined();
    expect(parsePerson('jo@example.com>')).toBeUndefined();
    expect(parsePerson('Jo jo@example.com>')).toBeUndefined();
  });

  it('reads at most 1000 characters', () => {
    const named = (length: number) => `${'N'.repeat(length - ' <jo@example.com>'.length)} <jo@example.com>`;
    expect(parsePerson(named(1000))).toEqual({ email: 'jo@example.com', name: 'N'.repeat(200) });
    expect(parsePerson(named(1001))).toBeUndefined();
  });

  it('unquotes only a name quoted on both ends', () => {
    expect(cleanName('""')).toBeUndefined();
    expect(cleanName('"')).toBe("'");
    expect(cleanName('Jo"')).toBe("Jo'");
    expect(cleanName('"Jo')).toBe("'Jo");
    expect(cleanName('"Jo"')).toBe('Jo');
  });
});
