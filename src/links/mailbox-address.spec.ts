import { isMailboxAddress } from './mailbox-address';
import { expectCpuWithin } from '../../test/support/cpu-time';

describe('isMailboxAddress', () => {
  it.each(['tester@managelegalspend.com', 'pradeepg@tzv1w.onmicrosoft.com', "o'brien+cal@a-b.example.co.uk", 'A.B@X.TEST'])('accepts %s', (address) => {
    expect(isMailboxAddress(address)).toBe(true);
  });

  it.each([
    '',
    'plain',
    '@a.test',
    'a@',
    'a@b@c.test',
    'a@localhost',
    'a b@c.test',
    'a@-c.test',
    'a@c-.test',
    'a@c..test',
    '"quoted"@c.test',
    'ä@c.test',
    `${'a'.repeat(65)}@c.test`,
    `a@${'b'.repeat(64)}.test`,
    `a@${'b.'.repeat(127)}test`,
  ])('refuses %j', (address) => {
    expect(isMailboxAddress(address)).toBe(false);
  });

  it('answers at once on long hostile input', () => {
    const address = `${'a.'.repeat(100)}@${'-'.repeat(150)}`;
    expect(isMailboxAddress(address)).toBe(false);
    expectCpuWithin(150, () => isMailboxAddress(address));
  });
});
