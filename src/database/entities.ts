import { ApiKeyEntity } from '../tenancy/api-key.entity';
import { DelegationCredentialEntity } from '../tenancy/delegation-credential.entity';
import { DomainEntity } from '../tenancy/domain.entity';
import { TenantEntity } from '../tenancy/tenant.entity';
import { UserEntity } from '../tenancy/user.entity';
import { LinkEventMappingEntity } from './entities/link-event-mapping.entity';
import { LinkEntity } from './entities/link.entity';

/** Every TypeORM entity, listed explicitly so that compiled and ts-node runs see the same set. */
export const ALL_ENTITIES: Function[] = [TenantEntity, DelegationCredentialEntity, DomainEntity, UserEntity, ApiKeyEntity, LinkEntity, LinkEventMappingEntity];
