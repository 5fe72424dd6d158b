import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { SecretBox } from '../common/crypto/secret-box';
import { DomainException } from '../common/errors/domain.exception';
import { ErrorCode } from '../common/errors/error-codes';
import { OAuthStatesRepository } from '../database/repositories/oauth-states.repository';
import type { OAuthProviderName } from './connections-request.validator';

/** How long a consent may take: the state expires 10 minutes after authorize (SPEC 4.2). */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

export interface IssuedState {
  /** Sent to the provider in the consent URL; comes back in the redirect. Never stored. */
  state: string;
  /** PKCE S256 challenge of the verifier kept (sealed) with the state. */
  codeChallenge: string;
}

export interface ConsumedState {
  codeVerifier: string;
  redirectUri: string;
}

/**
 * The single-use OAuth `state` of a consent, bound to tenant, user and provider, with its PKCE
 * verifier. Only the state's SHA-256 is stored and the verifier is sealed, so a database read
 * alone can neither answer a callback nor redeem a stolen code.
 */
@Injectable()
export class OAuthStateService {
  constructor(
    private readonly states: OAuthStatesRepository,
    private readonly secretBox: SecretBox,
  ) {}

  async issue(tenantId: string, userId: number, provider: OAuthProviderName, redirectUri: string, now = new Date()): Promise<IssuedState> {
    // Housekeeping as we go: consents nobody came back for (an indexed range delete).
    await this.states.deleteExpired(now);
    const state = randomBytes(32).toString('base64url');
    const codeVerifier = randomBytes(48).toString('base64url'); // 64 characters (RFC 7636: 43–128)
    await this.states.create(tenantId, {
      stateHash: hashState(state),
      userId,
      provider,
      codeVerifierSealed: this.secretBox.encrypt(codeVerifier),
      redirectUri,
      expiresAt: new Date(now.getTime() + OAUTH_STATE_TTL_MS),
    });
    return { state, codeChallenge: pkceChallenge(codeVerifier) };
  }

  /**
   * Burns the state (whatever the outcome: a refused attempt cannot be retried with it) and
   * returns its verifier when it was issued to this user, for this provider, and is still live.
   */
  async consume(tenantId: string, userId: number, provider: OAuthProviderName, state: string, now = new Date()): Promise<ConsumedState> {
    const row = await this.states.consume(tenantId, hashState(state));
    if (!row) throw invalidState('Unknown or already used OAuth state: start again with authorize');
    if (row.userId !== userId) throw invalidState('This OAuth state was issued to another user');
    if (row.provider !== provider) throw invalidState(`This OAuth state was issued for ${row.provider === 'microsoft' ? 'outlook' : row.provider}, not ${provider === 'microsoft' ? 'outlook' : provider}`);
    if (row.expiresAt.getTime() <= now.getTime()) throw invalidState('The OAuth state expired (consent must finish within 10 minutes): start again with authorize');
    return { codeVerifier: this.secretBox.decrypt(row.codeVerifierSealed), redirectUri: row.redirectUri };
  }
}

export function hashState(state: string): string {
  return createHash('sha256').update(state, 'utf8').digest('hex');
}

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

function invalidState(message: string): DomainException {
  return new DomainException(ErrorCode.ValidationFailed, message, 400);
}
