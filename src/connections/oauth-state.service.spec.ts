import { createHash, randomBytes } from 'node:crypto';
import { SecretBox } from '../common/crypto/secret-box';
import { DomainException } from '../common/errors/domain.exception';
import type { OAuthStateEntity } from '../database/entities/oauth-state.entity';
import type { OAuthStatesRepository } from '../database/repositories/oauth-states.repository';
import { hashState, OAUTH_STATE_TTL_MS, OAuthStateService } from './oauth-state.service';

/** The repository's contract in memory: rows by (tenant, state hash); consume deletes and returns. */
class MemoryStates {
  readonly rows = new Map<string, OAuthStateEntity>();
  async create(tenantId: string, state: Omit<OAuthStateEntity, 'tenantId' | 'tenant' | 'createdAt'>): Promise<void> {
    this.rows.set(`${tenantId}/${state.stateHash}`, { ...state, tenantId, createdAt: new Date() } as OAuthStateEntity);
  }
  async deleteExpired(now: Date): Promise<number> {
    let deleted = 0;
    for (const [key, row] of this.rows) {
      if (row.expiresAt < now) {
        this.rows.delete(key);
        deleted += 1;
      }
    }
    return deleted;
  }
  async consume(tenantId: string, stateHash: string): Promise<OAuthStateEntity | null> {
    const row = this.rows.get(`${tenantId}/${stateHash}`) ?? null;
    this.rows.delete(`${tenantId}/${stateHash}`);
    return row;
  }
}

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const REDIRECT = 'https://crm.example.com/connections/google/callback';
const NOW = new Date('2030-01-01T12:00:00.000Z');

async function refusal(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainException) return { status: error.status, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('OAuthStateService', () => {
  let states: MemoryStates;
  let box: SecretBox;
  let service: OAuthStateService;

  beforeEach(() => {
    states = new MemoryStates();
    box = new SecretBox(randomBytes(32));
    service = new OAuthStateService(states as unknown as OAuthStatesRepository, box);
  });

  it('issues a 256-bit state stored only as its SHA-256, with a sealed verifier matching the S256 challenge, expiring in 10 minutes', async () => {
    const { state, codeChallenge } = await service.issue(T1, 7, 'google', REDIRECT, NOW);
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [[key, row]] = [...states.rows];
    expect(key).toBe(`${T1}/${createHash('sha256').update(state).digest('hex')}`);
    expect(row).toMatchObject({ stateHash: hashState(state), userId: 7, provider: 'google', redirectUri: REDIRECT, expiresAt: new Date(NOW.getTime() + OAUTH_STATE_TTL_MS) });
    expect(JSON.stringify(row)).not.toContain(state);
    const verifier = box.decrypt(row.codeVerifierSealed);
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(codeChallenge);
    expect(row.codeVerifierSealed).not.toContain(verifier);
  });

  it('two issues never share a state or a verifier', async () => {
    const a = await service.issue(T1, 7, 'google', REDIRECT, NOW);
    const b = await service.issue(T1, 7, 'google', REDIRECT, NOW);
    expect(a.state).not.toBe(b.state);
    expect(a.codeChallenge).not.toBe(b.codeChallenge);
  });

  it('consumes once: the verifier and redirect URI, then "already used"', async () => {
    const { state, codeChallenge } = await service.issue(T1, 7, 'microsoft', REDIRECT, NOW);
    const consumed = await service.consume(T1, 7, 'microsoft', state, new Date(NOW.getTime() + OAUTH_STATE_TTL_MS - 1));
    expect(consumed.redirectUri).toBe(REDIRECT);
    expect(createHash('sha256').update(consumed.codeVerifier).digest('base64url')).toBe(codeChallenge);
    expect(await refusal(service.consume(T1, 7, 'microsoft', state, NOW))).toEqual({ status: 400, message: 'Unknown or already used OAuth state: start again with authorize' });
  });

  it('refuses an expired state, exactly at expiry', async () => {
    const { state } = await service.issue(T1, 7, 'google', REDIRECT, NOW);
    expect(await refusal(service.consume(T1, 7, 'google', state, new Date(NOW.getTime() + OAUTH_STATE_TTL_MS)))).toEqual({
      status: 400,
      message: 'The OAuth state expired (consent must finish within 10 minutes): start again with authorize',
    });
  });

  it("refuses another user's state and burns it", async () => {
    const { state } = await service.issue(T1, 7, 'google', REDIRECT, NOW);
    expect(await refusal(service.consume(T1, 8, 'google', state, NOW))).toEqual({ status: 400, message: 'This OAuth state was issued to another user' });
    expect(states.rows.size).toBe(0);
  });

  it("refuses another tenant's state (the lookup is tenant-first)", async () => {
    const { state } = await service.issue(T1, 7, 'google', REDIRECT, NOW);
    expect((await refusal(service.consume(T2, 7, 'google', state, NOW))).message).toBe('Unknown or already used OAuth state: start again with authorize');
    expect(states.rows.size).toBe(1);
  });

  it.each([
    ['google', 'microsoft', 'This OAuth state was issued for google, not outlook'],
    ['microsoft', 'google', 'This OAuth state was issued for outlook, not google'],
  ] as const)("refuses the other provider's state (%s used for %s)", async (issuedFor, usedFor, message) => {
    const { state } = await service.issue(T1, 7, issuedFor, REDIRECT, NOW);
    expect(await refusal(service.consume(T1, 7, usedFor, state, NOW))).toEqual({ status: 400, message });
  });

  it('issuing sweeps states that expired (of any user or tenant), and keeps live ones', async () => {
    await service.issue(T1, 7, 'google', REDIRECT, NOW);
    const live = await service.issue(T2, 8, 'google', REDIRECT, new Date(NOW.getTime() + 60_000));
    await service.issue(T1, 9, 'microsoft', REDIRECT, new Date(NOW.getTime() + OAUTH_STATE_TTL_MS + 1));
    expect([...states.rows.values()].map((row) => row.userId).sort()).toEqual([8, 9]);
    expect((await service.consume(T2, 8, 'google', live.state, NOW)).redirectUri).toBe(REDIRECT);
  });

  it('an unknown state → 400', async () => {
    expect((await refusal(service.consume(T1, 7, 'google', 'never-issued', NOW))).status).toBe(400);
  });
});
