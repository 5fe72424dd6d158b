import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ALL_ENTITIES } from './entities';
import { ApiKeysRepository } from './repositories/api-keys.repository';
import { DelegationCredentialsRepository } from './repositories/delegation-credentials.repository';
import { DomainsRepository } from './repositories/domains.repository';
import { LinkEventMappingsRepository } from './repositories/link-event-mappings.repository';
import { LinksRepository } from './repositories/links.repository';
import { ConnectionsRepository } from './repositories/connections.repository';
import { OAuthStatesRepository } from './repositories/oauth-states.repository';
import { DestinationCalendarsRepository } from './repositories/destination-calendars.repository';
import { CrmEventsRepository } from './repositories/crm-events.repository';
import { TenantsRepository } from './repositories/tenants.repository';
import { UsersRepository } from './repositories/users.repository';

/** Every repository the app has, in one module: the shared repository layer (all I/O to Postgres goes through it). */
export const REPOSITORIES = [TenantsRepository, DelegationCredentialsRepository, DomainsRepository, UsersRepository, ApiKeysRepository, LinksRepository, LinkEventMappingsRepository, ConnectionsRepository, OAuthStatesRepository, DestinationCalendarsRepository, CrmEventsRepository];

/**
 * The one repository layer shared by every feature module (design card): entities and
 * repositories live in src/database/, every repository method takes the tenant first.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature(ALL_ENTITIES)],
  providers: REPOSITORIES,
  exports: REPOSITORIES,
})
export class RepositoriesModule {}
