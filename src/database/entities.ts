import { ApiKeyEntity } from './entities/api-key.entity';
import { DelegationCredentialEntity } from './entities/delegation-credential.entity';
import { DomainEntity } from './entities/domain.entity';
import { TenantEntity } from './entities/tenant.entity';
import { UserEntity } from './entities/user.entity';
import { LinkEventMappingEntity } from './entities/link-event-mapping.entity';
import { LinkEntity } from './entities/link.entity';
import { ConnectionEntity } from './entities/connection.entity';
import { OAuthStateEntity } from './entities/oauth-state.entity';
import { DestinationCalendarEntity } from './entities/destination-calendar.entity';
import { CrmEventEntity } from './entities/crm-event.entity';

/** A TypeORM entity class. */
export type EntityClass = new () => object;

/** Every TypeORM entity, listed explicitly so that compiled and ts-node runs see the same set. */
export const ALL_ENTITIES: EntityClass[] = [TenantEntity, DelegationCredentialEntity, DomainEntity, UserEntity, ApiKeyEntity, LinkEntity, LinkEventMappingEntity, ConnectionEntity, OAuthStateEntity, DestinationCalendarEntity, CrmEventEntity];
