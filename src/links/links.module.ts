import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LinkEntity } from '../database/entities/link.entity';
import { LinksRepository } from '../database/repositories/links.repository';
import { CaldavCalendarProvider } from '../providers/caldav/caldav-calendar.provider';
import { ProviderRegistry } from '../providers/provider-registry';
import { LinkAccessResolver } from './link-access.resolver';
import { LINK_SYNC_ENGINE, LinkSyncEngine } from './link-sync-engine';
import { LinksController } from './links.controller';
import { LinksMetrics } from './links-metrics';
import { LinksService } from './links.service';
import { LinkJobQueue } from './queue/link-job.queue';
import { LinkJobRunner } from './queue/link-job.runner';
import { StaleSyncCron } from './queue/stale-sync.cron';
import { TenantMutex } from './queue/tenant-mutex';

/**
 * Until the sync engine (src/sync/sync-engine.ts) is wired in, a job that reaches it fails as a
 * transient error and stays queued for the retry. INTEGRATION: replace with
 * `{ provide: LINK_SYNC_ENGINE, useExisting: SyncEngine }` and import the engine's module.
 */
const ENGINE_NOT_WIRED: LinkSyncEngine = {
  syncLink: () => Promise.reject(new Error('the sync engine is not wired into LinksModule')),
  removeCopies: () => Promise.reject(new Error('the sync engine is not wired into LinksModule')),
};

/** Links (seed 000): the HTTP API, the job queue, the tenant mutex, the job runner and the stale-sync cron. */
@Module({
  imports: [TypeOrmModule.forFeature([LinkEntity]), ScheduleModule.forRoot()],
  controllers: [LinksController],
  providers: [
    LinksService,
    LinksRepository,
    LinkAccessResolver,
    LinkJobQueue,
    LinkJobRunner,
    StaleSyncCron,
    TenantMutex,
    LinksMetrics,
    // INTEGRATION: ProvidersModule exports the full registry (google, microsoft, caldav); import it instead.
    { provide: ProviderRegistry, useFactory: () => new ProviderRegistry().register(new CaldavCalendarProvider()) },
    { provide: LINK_SYNC_ENGINE, useValue: ENGINE_NOT_WIRED },
  ],
  exports: [LinksRepository, LinkJobQueue],
})
export class LinksModule {}
