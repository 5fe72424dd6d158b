import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DelegationCredentialEntity } from '../entities/delegation-credential.entity';
import { ProviderKind } from '../entities/provider-kind';

export interface NewDelegationCredential {
  provider: ProviderKind;
  name: string;
  publicConfig: Record<string, string>;
  secretSealed: string;
}

@Injectable()
export class DelegationCredentialsRepository {
  constructor(
    @InjectRepository(DelegationCredentialEntity) private readonly credentials: Repository<DelegationCredentialEntity>,
  ) {}

  create(tenantId: string, input: NewDelegationCredential): Promise<DelegationCredentialEntity> {
    return this.credentials.save(this.credentials.create({ tenantId, ...input }));
  }

  list(tenantId: string): Promise<DelegationCredentialEntity[]> {
    return this.credentials.find({ where: { tenantId }, order: { createdAt: 'ASC' } });
  }

  findById(tenantId: string, id: string): Promise<DelegationCredentialEntity | null> {
    return this.credentials.findOneBy({ tenantId, id });
  }
}
