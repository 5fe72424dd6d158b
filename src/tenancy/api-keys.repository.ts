import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';

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

  async revoke(tenantId: string, id: string): Promise<boolean> {
    const result = await this.keys.update({ tenantId, id, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }

  async touchLastUsed(tenantId: string, id: string): Promise<void> {
    await this.keys.update({ tenantId, id }, { lastUsedAt: new Date() });
  }
}
