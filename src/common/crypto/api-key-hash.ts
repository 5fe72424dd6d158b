import { createHash, randomBytes } from 'node:crypto';

/**
 * API keys carry 192 random bits, so a plain SHA-256 is enough to make the stored value
 * useless to a reader of the database (no need for a slow password hash), and lets us
 * look a key up by its hash in one indexed query.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** `cbk_` keys act for a tenant; `cal_` keys (cal.com style) act for one user. */
export function generateApiKey(kind: 'tenant' | 'user'): string {
  const prefix = kind === 'user' ? 'cal_' : 'cbk_';
  return `${prefix}${randomBytes(24).toString('base64url')}`;
}

/** A token shaped like one of our keys (rather than a JWT): it is looked up, never JWT-verified. */
export function looksLikeApiKey(token: string): boolean {
  return token.startsWith('cal_') || token.startsWith('cbk_');
}
