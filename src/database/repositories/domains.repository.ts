import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainEntity } from '../entities/domain.entity';
import { ProviderKind } from '../entities/provider-kind';

@Injectable()
export class DomainsRepository {
  constructor(@InjectRepository(DomainEntity) private readonly domains: Repository<DomainEntity>) {}

  create(
    tenantId: string,
    input: { domain: string; provider: ProviderKind; delegationCredentialId: string },
  ): Promise<DomainEntity> {
    return this.domains.save(this.domains.create({ tenantId, ...input }));
  }

  list(tenantId: string): Promise<DomainEntity[]> {
    return this.domains.find({ where: { tenantId }, order: { domain: 'ASC' } });
  }

  findByDomain(tenantId: string, domain: string): Promise<DomainEntity | null> {
    return this.domains.findOneBy({ tenantId, domain: domain.toLowerCase() });
  }

  /** Whether the domain belongs to any organisation: domains are unique across tenants. */
  async isTaken(domain: string): Promise<boolean> {
    return (await this.domains.countBy({ domain: domain.toLowerCase() })) > 0;
  }

  /** The organisation that authorized the domain, if any (domains are unique across tenants). */
  async ownerOf(domain: string): Promise<string | null> {
    return (await this.domains.findOneBy({ domain: domain.toLowerCase() }))?.tenantId ?? null;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const result = await this.domains.delete({ tenantId, id });
    return (result.affected ?? 0) > 0;
  }
}
