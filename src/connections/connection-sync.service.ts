import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { syncWindow } from '../common/config/sync-window';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JobHelpers } from 'graphile-worker';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../common/config/app-config';
import { DomainException } from '../common/errors/domain.exception';
import { ErrorCode } from '../common/errors/error-codes';
import type { ConnectionEntity } from '../database/entities/connection.entity';
import type { DestinationCalendarEntity } from '../database/entities/destination-calendar.entity';
import { ConnectionsRepository } from '../database/repositories/connections.repository';
import { CrmEventsRepository } from '../database/repositories/crm-events.repository';
import { DestinationCalendarsRepository } from '../database/repositories/destination-calendars.repository';
import { isProviderError, ProviderError } from '../providers/provider-errors';
import { TENANT_JOB_QUEUE, TenantJobQueue } from '../sync/tenant-jobs.types';
import { TenantMutex, WithClient } from '../sync/tenant-mutex.service';
import { TwoWaySyncService } from '../sync/two-way-sync.service';
import type { TwoWayBinding, TwoWayTarget } from '../sync/two-way-sync.types';
import { DelegationAccessService, providerNameOf } from '../tenancy/delegation-access.service';
import { ConnectionAccessService } from './connection-access.service';
import type { ConnectionSyncHooks } from './connection-sync.types';
import { CrmProvider, crmProviderOf, driverOf } from './crm-provider-names';
import type { ConnectionSyncResultView } from './dto/crm-events.dto';

export const CONNECTION_SYNC_TASK = 'connections.sync';
/** POST /sync-if-stale: connections last synced longer ago than this (seed 001: 5 minutes). */
export const STALE_AFTER_MS = 5 * 60 * 1000;
const SWEEP_LIMIT = 5000;

interface SyncJobPayload {
  tenantId: string;
  userId: number;
  connectionId: number;
}

/**
 * Runs two-way syncs of connections (SPEC 4.2): manual (POST /{provider}/sync, waits for the
 * tenant mutex: a second request for the same connection runs after the first, and finds little
 * left to do), stale (POST /sync-if-stale), queued (after connect, and the stale-sync cron) on
 * the Links worker's tenant queues. Writes IN_PROGRESS, then SUCCESS or FAILED with a readable
 * lastSyncError; a revoked grant leaves the connection in place.
 */
@Injectable()
export class ConnectionSyncService implements ConnectionSyncHooks, OnModuleInit {
  private readonly log = new Logger('ConnectionSync');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connections: ConnectionsRepository,
    private readonly events: CrmEventsRepository,
    private readonly destinations: DestinationCalendarsRepository,
    private readonly access: ConnectionAccessService,
    private readonly delegation: DelegationAccessService,
    private readonly engine: TwoWaySyncService,
    private readonly mutex: TenantMutex,
    @Inject(TENANT_JOB_QUEUE) private readonly queue: TenantJobQueue,
  ) {}

  onModuleInit(): void {
    this.queue.registerTask(CONNECTION_SYNC_TASK, (payload, helpers) => this.runJob(payload as SyncJobPayload, helpers));
    this.queue.registerStaleSweep((now) => this.sweepStale(now));
  }

  /** POST /{provider}/sync. 404 when the user has not connected that provider. */
  async syncNow(tenantId: string, userId: number, provider: CrmProvider): Promise<ConnectionSyncResultView> {
    const connection = await this.connections.findForUser(tenantId, userId, driverOf(provider));
    if (!connection) throw new DomainException(ErrorCode.NotFound, `No ${provider} calendar is connected`, 404);
    const result = await this.mutex.runExclusive(tenantId, this.withClient, () => this.run(tenantId, userId, connection.id));
    if (!result) throw new DomainException(ErrorCode.NotFound, `No ${provider} calendar is connected`, 404);
    return viewOf(result);
  }

  /** POST /sync-if-stale: each connection never synced or last synced over 5 minutes ago, in turn. */
  async syncIfStale(tenantId: string, userId: number, now = new Date()): Promise<ConnectionSyncResultView[]> {
    const stale = (await this.connections.listForUser(tenantId, userId)).filter((connection) => !connection.lastSyncAt || now.getTime() - connection.lastSyncAt.getTime() > STALE_AFTER_MS);
    const results: ConnectionSyncResultView[] = [];
    for (const connection of stale) {
      const result = await this.mutex.runExclusive(tenantId, this.withClient, () => this.run(tenantId, userId, connection.id));
      if (result) results.push(viewOf(result));
    }
    return results;
  }

  async queueSync(tenantId: string, userId: number, connectionId: number): Promise<void> {
    await this.queue.enqueueTenantJob(CONNECTION_SYNC_TASK, tenantId, { tenantId, userId, connectionId } satisfies SyncJobPayload, `connections:sync:${connectionId}`);
  }

  async forgetConnection(tenantId: string, userId: number, connectionId: number): Promise<void> {
    await this.mutex.runExclusive(tenantId, this.withClient, async () => {
      const removed = await this.events.deleteImported(tenantId, userId, connectionId);
      this.log.log(`connection ${connectionId}: ${removed} imported events deleted`);
    });
  }

  /** The cron's share of the stale-sync tick: queues a sync for connections older than LINKS_STALE_AFTER_SECONDS. */
  async sweepStale(now = new Date()): Promise<number> {
    const due = await this.connections.listStale(new Date(now.getTime() - this.config.links.staleAfterSeconds * 1000), SWEEP_LIMIT);
    for (const connection of due) await this.queueSync(connection.tenantId, connection.userId, connection.id);
    return due.length;
  }

  /** A queued sync; transient failures are thrown so the queue retries with its back-off. */
  private async runJob(payload: SyncJobPayload, helpers: JobHelpers): Promise<void> {
    const error = await this.mutex.runExclusive(payload.tenantId, helpers.withPgClient as unknown as WithClient, async () => {
      const result = await this.run(payload.tenantId, payload.userId, payload.connectionId);
      return result?.retryable ?? null;
    });
    if (error) throw error;
  }

  /** One sync, under the tenant mutex (the caller holds it). Null when the connection is gone. */
  private async run(tenantId: string, userId: number, connectionId: number): Promise<(ConnectionSyncResultView & { retryable?: ProviderError }) | null> {
    const connection = await this.connections.findById(tenantId, userId, connectionId);
    if (!connection) return null;
    const provider = crmProviderOf(connection.provider);
    await this.connections.setSyncState(tenantId, userId, connection.id, { status: 'IN_PROGRESS' });
    try {
      const here: TwoWayTarget = {
        binding: { connectionId: connection.id, delegationCredentialId: null, mailbox: null, calendarId: connection.calendarId },
        provider: connection.provider,
        access: this.access.accessFor(connection),
      };
      const destination = await this.destinations.find(tenantId, userId);
      const resolve = (binding: TwoWayBinding) => this.resolve(tenantId, userId, connection, here, binding);
      const newEvents = (destination && (await resolve(bindingOfDestination(destination)))) || here;
      const result = await this.engine.sync({
        tenantId,
        userId,
        here,
        cursor: connection.syncCursor,
        window: syncWindow(this.config.sync),
        timeZone: 'UTC',
        newEvents,
        pushes: (binding) => binding.connectionId === connection.id || binding.delegationCredentialId !== null,
        resolve,
      });
      await this.connections.setSyncState(tenantId, userId, connection.id, { status: 'SUCCESS', error: null, at: new Date(), cursor: result.cursor });
      return { provider, success: true, error: null, eventsCreated: result.created, eventsUpdated: result.updated, eventsDeleted: result.deleted, eventsPushed: result.pushed };
    } catch (error) {
      const message = readableError(provider, error);
      if (!isProviderError(error)) this.log.error(`connection ${connection.id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      await this.connections.setSyncState(tenantId, userId, connection.id, { status: 'FAILED', error: message, at: new Date() });
      const failed = { provider, success: false, error: message, eventsCreated: 0, eventsUpdated: 0, eventsDeleted: 0, eventsPushed: 0 };
      return isProviderError(error) && error.retryable ? { ...failed, retryable: error } : failed;
    }
  }

  /** Access for a calendar CRM events are (or will be) bound to; null when it cannot be reached now. */
  private async resolve(tenantId: string, userId: number, connection: ConnectionEntity, here: TwoWayTarget, binding: TwoWayBinding): Promise<TwoWayTarget | null> {
    if (binding.connectionId === connection.id) return { ...here, binding };
    if (binding.connectionId !== null) {
      const other = await this.connections.findById(tenantId, userId, binding.connectionId);
      return other ? { binding, provider: other.provider, access: this.access.accessFor(other) } : null;
    }
    if (!binding.delegationCredentialId || !binding.mailbox) return null;
    // Still delegated: the mailbox's domain must be bound to that credential now, not only when
    // the destination was chosen (an organisation that de-authorizes a domain stops the writes).
    const mailbox = binding.mailbox;
    const domain = await this.delegation.domainFor(tenantId, mailbox);
    if (!domain || domain.delegationCredentialId !== binding.delegationCredentialId) return null;
    return { binding, provider: providerNameOf(domain.provider), access: await this.delegation.accessFor(tenantId, domain.delegationCredentialId, mailbox) };
  }

  /** The HTTP path's connection for the tenant's advisory lock (queued jobs bring their own). */
  private readonly withClient: WithClient = async (callback) => {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      return await callback({ query: (sql: string, values?: unknown[]) => runner.query(sql, values) });
    } finally {
      await runner.release();
    }
  };
}

function viewOf(result: ConnectionSyncResultView & { retryable?: ProviderError }): ConnectionSyncResultView {
  const { provider, success, error, eventsCreated, eventsUpdated, eventsDeleted, eventsPushed } = result;
  return { provider, success, error, eventsCreated, eventsUpdated, eventsDeleted, eventsPushed };
}

function bindingOfDestination(destination: DestinationCalendarEntity): TwoWayBinding {
  return { connectionId: destination.connectionId, delegationCredentialId: destination.delegationCredentialId, mailbox: destination.mailbox, calendarId: destination.externalId };
}

const PROVIDER_LABELS: Record<CrmProvider, string> = { GOOGLE: 'Google', OUTLOOK: 'Outlook', APPLE: 'Apple' };

/** What the user reads in lastSyncError: what happened and what to do, never a stack or a secret. */
export function readableError(provider: CrmProvider, error: unknown): string {
  const label = PROVIDER_LABELS[provider];
  if (!isProviderError(error)) return `The ${label} calendar sync failed unexpectedly; it will be retried`;
  const detail = error.message.slice(0, 300);
  switch (error.kind) {
    case 'AUTH_REVOKED':
      return `Access to your ${label} calendar was revoked; reconnect it (${detail})`;
    case 'PERMISSION_DENIED':
      return `Not allowed by ${label}: ${detail}`;
    case 'MAILBOX_NOT_FOUND':
    case 'NOT_FOUND':
      return `Your ${label} calendar was not found: ${detail}`;
    case 'QUOTA':
    case 'RATE_LIMITED':
      return `${label} limited the requests; the sync will be retried (${detail})`;
    case 'TEMPORARY':
      return `${label} is unavailable right now; the sync will be retried (${detail})`;
    default:
      return `${label} refused the sync: ${detail}`;
  }
}
