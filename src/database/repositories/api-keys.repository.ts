import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { ApiKeyEntity } from '../entities/api-key.entity';

@Injectable()
export class ApiKeysRepository {
  constructor(@InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>) {}

  create(
    tenantId: string,
    input: { name: string; keyPrefix: string; keyHash: string; userId: number | null },
  ): Promise<ApiKeyEntity> {
    return this.keys.save(this.keys.create({ tenantId, ...input }));
  }

  /**
   * The one lookup that cannot take a tenant: authentication is how we learn the tenant.
   * It matches only by the hash and only unrevoked keys.
   */
  findActiveByHash(keyHash: string): Promise<ApiKeyEntity | null> {
    return this.keys.findOneBy({ keyHash, revokedAt: IsNull() });
  }

  list(tenantId: string): Promise<ApiKeyEntity[]> {
    return this.keys.find({ where: { tenantId }, order: { createdAt: 'ASC' } });
  }

  findById(tenantId: string, id: string): Promise<ApiKeyEntity | null> {
    return this.keys.findOneBy({ tenantId, id });
  }

  /** Revokes an active key; returns its hash (to evict it from caches), or null if none matched. */
  async revoke(tenantId: string, id: string): Promise<string | null> {
    const result = await this.keys
      .createQueryBuilder()
      .update(ApiKeyEntity)
      .set({ revokedAt: () => 'now()' })
      .where({ tenantId, id, revokedAt: IsNull() })
      .returning(['keyHash'])
      .execute();
    const rows = result.raw as Array<{ key_hash: string }>;
    return rows[0]?.key_hash ?? null;
  }

  async touchLastUsed(tenantId: string, id: string): Promise<void> {
    await this.keys.update({ tenantId, id }, { lastUsedAt: new Date() });
  }
}
