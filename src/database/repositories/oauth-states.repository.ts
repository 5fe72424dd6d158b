import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { OAuthStateEntity } from '../entities/oauth-state.entity';

/** Pending OAuth consents: issued by authorize, consumed once by callback. */
@Injectable()
export class OAuthStatesRepository {
  constructor(@InjectRepository(OAuthStateEntity) private readonly states: Repository<OAuthStateEntity>) {}

  async create(tenantId: string, state: Omit<OAuthStateEntity, 'tenantId' | 'tenant' | 'createdAt'>): Promise<void> {
    await this.states.insert({ tenantId, ...state });
  }

  /**
   * Deletes and returns the state in one statement, so two concurrent callbacks with the same
   * state cannot both succeed (single use). The caller checks user, provider and expiry; the
   * row is gone either way, so a refused attempt also burns it.
   */
  async consume(tenantId: string, stateHash: string): Promise<OAuthStateEntity | null> {
    const result = await this.states
      .createQueryBuilder()
      .delete()
      .from(OAuthStateEntity)
      .where('tenant_id = :tenantId AND state_hash = :stateHash', { tenantId, stateHash })
      // '*': a list of column names is filtered against the entity's property names (only `provider` survived).
      .returning('*')
      .execute();
    const row = (result.raw as Record<string, unknown>[])[0];
    if (!row) return null;
    return this.states.create({
      tenantId: row.tenant_id as string,
      stateHash: row.state_hash as string,
      userId: row.user_id as number,
      provider: row.provider as string,
      codeVerifierSealed: row.code_verifier_sealed as string,
      redirectUri: row.redirect_uri as string,
      expiresAt: new Date(row.expires_at as string),
      createdAt: new Date(row.created_at as string),
    });
  }

  /** Housekeeping: states nobody came back for. */
  async deleteExpired(now: Date): Promise<number> {
    const result = await this.states.createQueryBuilder().delete().from(OAuthStateEntity).where('expires_at < :now', { now }).execute();
    return result.affected ?? 0;
  }
}
