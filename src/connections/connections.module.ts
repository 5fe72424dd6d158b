import { Module } from '@nestjs/common';
import { LinksModule } from '../links/links.module';
import { ProvidersModule } from '../providers/providers.module';
import { SyncModule } from '../sync/sync.module';
import { ConnectionAccessService } from './connection-access.service';
import { ConnectionsController } from './connections.controller';
import { ConnectionsService } from './connections.service';
import { OAuthStateService } from './oauth-state.service';
import { ConnectionSyncController } from './connection-sync.controller';
import { ConnectionSyncService } from './connection-sync.service';
import { CONNECTION_SYNC_HOOKS } from './connection-sync.types';
import { CrmEventsController } from './crm-events.controller';
import { CrmEventsService } from './crm-events.service';

/**
 * Connections (seed 001): a CRM SPA's users connect their own calendars; two-way sync with the
 * CRM's event store. Syncs run on the Links worker's tenant queues under the same tenant mutex
 * (LinksModule exports both).
 */
@Module({
  imports: [ProvidersModule, SyncModule.forApp(), LinksModule],
  controllers: [ConnectionsController, CrmEventsController, ConnectionSyncController],
  providers: [
    ConnectionAccessService,
    ConnectionsService,
    OAuthStateService,
    CrmEventsService,
    ConnectionSyncService,
    { provide: CONNECTION_SYNC_HOOKS, useExisting: ConnectionSyncService },
  ],
  exports: [ConnectionAccessService, CONNECTION_SYNC_HOOKS],
})
export class ConnectionsModule {}
