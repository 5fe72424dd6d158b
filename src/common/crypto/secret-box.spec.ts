import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips text and never shows it in the sealed form', () => {
    const sealed = box.encrypt('-----BEGIN PRIVATE KEY----- s3cret');
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('s3cret');
    expect(box.decrypt(sealed)).toBe('-----BEGIN PRIVATE KEY----- s3cret');
  });

  it('uses a fresh IV each time', () => {
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
  });

  it('rejects a tampered value and a value sealed under another key', () => {
    const sealed = box.encrypt('payload');
    const parts = sealed.split(':');
    parts[3] = Buffer.from('other').toString('base64url');
    expect(() => box.decrypt(parts.join(':'))).toThrow();
    expect(() => new SecretBox(randomBytes(32)).decrypt(sealed)).toThrow();
  });
});
