import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { ProvidersModule } from '../providers/providers.module';
import { SyncEngine } from '../sync/sync-engine.service';
import { SyncModule } from '../sync/sync.module';
import { LinkAccessResolver } from './link-access.resolver';
import { LINK_SYNC_ENGINE } from './link-sync-engine';
import { LinksController } from './links.controller';
import { LinksMetrics } from './links-metrics';
import { LinksService } from './links.service';
import { LinkJobQueue } from './queue/link-job.queue';
import { LinkJobRunner } from './queue/link-job.runner';
import { StaleSyncCron } from './queue/stale-sync.cron';
import { TENANT_JOB_QUEUE } from '../sync/tenant-jobs.types';
import { TenantMutex } from '../sync/tenant-mutex.service';

/** Links (seed 000): the HTTP API, the job queue, the tenant mutex, the job runner and the stale-sync cron. */
@Module({
  imports: [ProvidersModule, SyncModule.forApp(), ScheduleModule.forRoot()],
  controllers: [LinksController],
  providers: [
    LinksService,
    LinkAccessResolver,
    LinkJobQueue,
    LinkJobRunner,
    StaleSyncCron,
    TenantMutex,
    LinksMetrics,
    { provide: LINK_SYNC_ENGINE, useExisting: SyncEngine },
    { provide: TENANT_JOB_QUEUE, useExisting: LinkJobQueue },
  ],
  // The queue and the tenant mutex are shared with Connections' syncs (one job at a time per tenant).
  exports: [LinkJobQueue, TENANT_JOB_QUEUE, TenantMutex],
})
export class LinksModule {}
