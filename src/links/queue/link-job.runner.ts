import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { syncWindow } from '../../common/config/sync-window';
import type { JobHelpers } from 'graphile-worker';
import { APP_CONFIG, AppConfig } from '../../common/config/app-config';
import { LinkEntity } from '../../database/entities/link.entity';
import { LinksRepository } from '../../database/repositories/links.repository';
import { isProviderError } from '../../providers/provider-errors';
import { ProviderRegistry } from '../../providers/provider-registry';
import { parsePolicy } from '../../sync/link-policy';
import type { LinkEndpoint } from '../../sync/link-sync.types';
import { providerNameOf } from '../../tenancy/delegation-access.service';
import { LinkAccessResolver } from '../link-access.resolver';
import { LINK_SYNC_ENGINE, LinkSyncEngine } from '../link-sync-engine';
import { LinksMetrics } from '../links-metrics';
import { nextAttemptAt } from './link-backoff';
import { judgeFailure } from './link-failure';
import { LinkJobQueue } from './link-job.queue';
import { LINK_TASKS, LinkJobPayload } from './link-jobs';
import { StaleSyncCron } from './stale-sync.cron';
import { TenantMutex, WithClient } from '../../sync/tenant-mutex.service';

/** How a job ended, for the metrics: `failed` = the link was marked failed (the job itself completed). */
type JobOutcome = 'succeeded' | 'failed' | 'skipped';

/**
 * Runs the Links jobs: loads the link, unseals the delegation, resolves the primary calendars
 * on the first sync, calls the sync engine and writes the outcome back onto the link. Each
 * tenant's jobs run under the tenant mutex.
 */
@Injectable()
export class LinkJobRunner implements OnModuleInit {
  private readonly log = new Logger('LinkJobRunner');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LINK_SYNC_ENGINE) private readonly engine: LinkSyncEngine,
    private readonly links: LinksRepository,
    private readonly access: LinkAccessResolver,
    private readonly providers: ProviderRegistry,
    private readonly queue: LinkJobQueue,
    private readonly mutex: TenantMutex,
    private readonly metrics: LinksMetrics,
    private readonly cron: StaleSyncCron,
  ) {}

  onModuleInit(): void {
    this.queue.setHandlers({
      sync: (payload, helpers) => this.underTenantLock(LINK_TASKS.sync, payload, helpers, () => this.sync(payload, helpers)),
      delete: (payload, helpers) => this.underTenantLock(LINK_TASKS.delete, payload, helpers, () => this.remove(payload)),
      staleTick: async () => {
        await this.cron.sweep();
      },
    });
  }

  /** One sync of one link. Permanent failures end here (link `failed`); transient ones are rethrown for the queue's retry. */
  async sync(payload: LinkJobPayload, helpers?: Pick<JobHelpers, 'job'>): Promise<JobOutcome> {
    const link = await this.links.findById(payload.tenantId, payload.linkId);
    // A delete queued meanwhile wins: its job (next in the tenant's queue) removes the link.
    if (!link || !(await this.links.markSyncing(link.tenantId, link.id))) return 'skipped';
    try {
      const [source, destination] = await Promise.all([this.endpoint(link, 'source'), this.endpoint(link, 'destination')]);
      const policy = parsePolicy(link.policy);
      if (!policy.ok) throw new Error(`stored policy is invalid: ${link.policy}`);
      this.metrics.providerCalls.inc({ provider: source.provider, operation: 'sync' });
      const result = await this.engine.syncLink({
        tenantId: link.tenantId,
        linkId: link.id,
        source,
        destination,
        policy: policy.policy,
        tag: link.tag,
        cursor: link.syncCursor,
        window: syncWindow(this.config.sync),
      });
      await this.links.recordSuccess(link.tenantId, link.id, {
        cursor: result.cursor,
        sourceCalendarId: source.calendarId,
        destinationCalendarId: destination.calendarId,
        created: result.created,
        updated: result.updated,
        deleted: result.deleted,
        failed: result.failed,
        at: new Date(),
      });
      this.metrics.eventsWritten.inc({ operation: 'created' }, result.created);
      this.metrics.eventsWritten.inc({ operation: 'updated' }, result.updated);
      this.metrics.eventsWritten.inc({ operation: 'deleted' }, result.deleted);
      return 'succeeded';
    } catch (error) {
      return this.handleFailure(link, error, helpers);
    }
  }

  /** Removes the copies the link made, then the link. */
  async remove(payload: LinkJobPayload): Promise<JobOutcome> {
    const link = await this.links.findById(payload.tenantId, payload.linkId);
    if (!link) return 'skipped';
    if (link.destinationCalendarId) {
      try {
        const destination = await this.endpoint(link, 'destination');
        this.metrics.providerCalls.inc({ provider: destination.provider, operation: 'remove-copies' });
        await this.engine.removeCopies({ tenantId: link.tenantId, linkId: link.id, destination });
      } catch (error) {
        const verdict = judgeFailure(error);
        this.countProviderError(error);
        // A destination we can no longer reach keeps its copies; the link goes anyway, as asked.
        if (verdict.kind === 'transient') throw error;
        this.log.warn(`link ${link.id}: copies not removed (${verdict.message})`);
      }
    }
    await this.links.delete(link.tenantId, link.id);
    return 'succeeded';
  }

  private async underTenantLock(task: string, payload: LinkJobPayload, helpers: JobHelpers, work: () => Promise<JobOutcome>): Promise<void> {
    this.metrics.jobsRunning.inc({ task });
    try {
      const outcome = await this.mutex.runExclusive(payload.tenantId, helpers.withPgClient as unknown as WithClient, work);
      this.metrics.jobsFinished.inc({ task, outcome });
    } catch (error) {
      this.metrics.jobsFinished.inc({ task, outcome: 'retry' });
      throw error;
    } finally {
      this.metrics.jobsRunning.dec({ task });
    }
  }

  private async handleFailure(link: LinkEntity, error: unknown, helpers?: Pick<JobHelpers, 'job'>): Promise<JobOutcome> {
    this.countProviderError(error);
    const verdict = judgeFailure(error);
    const lastAttempt = helpers ? helpers.job.attempts >= helpers.job.max_attempts : true;
    if (verdict.kind === 'permanent' || lastAttempt) {
      const base = this.config.links.failureBackoffSeconds;
      await this.links.recordFailure(link.tenantId, link.id, verdict.message, (count) => nextAttemptAt(new Date(), count, base));
      return 'failed';
    }
    // Back to where it was; the queue tries again with its own back-off.
    await this.links.setStatus(link.tenantId, link.id, link.status === 'syncing' ? 'queued' : link.status);
    await this.links.recordTransientError(link.tenantId, link.id, verdict.message);
    throw error;
  }

  private countProviderError(error: unknown): void {
    if (isProviderError(error)) this.metrics.providerErrors.inc({ provider: error.provider, kind: error.kind });
  }

  /** Unseals the delegation for one side; on the first sync, asks the provider for the primary calendar. */
  private async endpoint(link: LinkEntity, side: 'source' | 'destination'): Promise<LinkEndpoint> {
    const email = side === 'source' ? link.sourceEmail : link.destinationEmail;
    const kind = side === 'source' ? link.sourceType : link.destinationType;
    const known = side === 'source' ? link.sourceCalendarId : link.destinationCalendarId;
    const provider = providerNameOf(kind);
    const access = await this.access.accessFor(link.tenantId, email, kind);
    let calendarId = known;
    if (!calendarId) {
      this.metrics.providerCalls.inc({ provider, operation: 'resolve-mailbox' });
      calendarId = (await this.providers.get(provider).resolveMailbox(access)).primaryCalendarId;
    }
    return { provider, access, calendarId, timeZone: side === 'source' ? link.sourceTz : link.destinationTz };
  }
}
