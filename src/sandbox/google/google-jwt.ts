import { createPublicKey, verify, type KeyObject } from 'node:crypto';

export interface JwtClaims {
  iss?: string;
  sub?: string;
  scope?: string;
  aud?: string | string[];
  exp?: number;
  iat?: number;
  [key: string]: unknown;
}

export class JwtError extends Error {}

/**
 * Verifies a compact RS256 JWS with Node's crypto (no JWT library: the emulator must
 * check exactly what Google documents for the jwt-bearer grant, nothing more).
 */
export function verifyRs256(assertion: string, publicKey: KeyObject): JwtClaims {
  const parts = assertion.split('.');
  if (parts.length !== 3) throw new JwtError('Invalid JWT: malformed assertion.');
  const header = parseSegment(parts[0]);
  if (header.alg !== 'RS256') throw new JwtError('Invalid JWT: unsupported signing algorithm.');
  const signature = Buffer.from(parts[2], 'base64url');
  const ok = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, signature);
  if (!ok) throw new JwtError('Invalid JWT Signature.');
  return parseSegment(parts[1]) as JwtClaims;
}

/** Reads the claims without verifying, to find which key to verify with. */
export function peekClaims(assertion: string): JwtClaims {
  const parts = assertion.split('.');
  if (parts.length !== 3) throw new JwtError('Invalid JWT: malformed assertion.');
  return parseSegment(parts[1]) as JwtClaims;
}

export function loadPublicKey(pem: string): KeyObject {
  return createPublicKey(pem);
}

function parseSegment(segment: string): Record<string, unknown> {
  try {
    const value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new JwtError('Invalid JWT: malformed assertion.');
  }
}
