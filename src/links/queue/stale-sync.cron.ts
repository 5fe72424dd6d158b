import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { APP_CONFIG, AppConfig } from '../../common/config/app-config';
import { LinksRepository } from '../../database/repositories/links.repository';
import { LinksMetrics } from '../links-metrics';
import { LinkJobQueue } from './link-job.queue';
import { LINK_TASKS } from './link-jobs';

/** At most this many links are claimed per tick; the rest are due on the next one. */
const SWEEP_LIMIT = 5000;

/**
 * The stale-sync safety net (SPEC 5): each minute, an incremental sync for every active link
 * last synced longer ago than LINKS_STALE_AFTER_SECONDS, and a retry for failed links whose
 * back-off has passed. Every replica's @Cron fires; the work happens once per cluster:
 * - each replica adds the tick job for the NEXT minute under one job key, so the cluster holds
 *   one waiting job per minute (graphile-worker dedupes waiting jobs by key) and one worker runs it;
 * - the sweep claims links with FOR UPDATE SKIP LOCKED, so even overlapping sweeps queue a link once.
 */
@Injectable()
export class StaleSyncCron implements OnApplicationBootstrap {
  private readonly log = new Logger('StaleSyncCron');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly links: LinksRepository,
    private readonly queue: LinkJobQueue,
    private readonly metrics: LinksMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.links.cronEnabled) await this.scheduleNextTick(new Date());
  }

  @Cron(CronExpression.EVERY_MINUTE, { name: 'links-stale-sync' })
  async onCron(): Promise<void> {
    if (!this.config.links.cronEnabled) return;
    await this.scheduleNextTick(new Date()).catch((error: unknown) => this.log.warn(`stale-sync tick not queued: ${String(error)}`));
  }

  /** Adds the tick job for the minute after `now` (idempotent across replicas). */
  async scheduleNextTick(now: Date): Promise<void> {
    await this.queue.enqueueStaleTick(nextMinute(now));
  }

  /** One sweep: claims the due links and queues a sync for each on its tenant's queue. Returns how many. */
  async sweep(now = new Date()): Promise<number> {
    const staleBefore = new Date(now.getTime() - this.config.links.staleAfterSeconds * 1000);
    // A claimed link is not claimed again before its sync could have run.
    const claimUntil = new Date(now.getTime() + this.config.links.staleAfterSeconds * 1000);
    const due = await this.links.claimDue(now, staleBefore, claimUntil, SWEEP_LIMIT);
    for (const link of due) await this.queue.enqueueSync({ tenantId: link.tenantId, linkId: link.id });
    this.metrics.jobsQueued.inc({ task: LINK_TASKS.sync }, due.length);
    return due.length;
  }
}

export function nextMinute(now: Date): Date {
  const minute = new Date(now.getTime());
  minute.setUTCSeconds(0, 0);
  return new Date(minute.getTime() + 60_000);
}
