import { Inject, Injectable, Logger as NestLogger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JobHelpers, Logger, makeWorkerUtils, run, Runner, TaskList, WorkerUtils } from 'graphile-worker';
import { EventEmitter } from 'node:events';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../common/config/app-config';
import type { TenantJobQueue, TenantTaskHandler } from '../../sync/tenant-jobs.types';
import { WorkerLiveness } from './worker-liveness';
import { LINK_TASKS, LinkJobPayload, StaleTickPayload, staleTickJobKey, syncJobKey, deleteJobKey, tenantQueue } from './link-jobs';

/** graphile-worker keeps its tables in this schema of the app's database (it migrates it itself). */
export const WORKER_SCHEMA = 'graphile_worker';

/** How often a replica looks for jobs of dead workers (see WorkerLiveness). */
const ORPHAN_SWEEP_MS = 15_000;

/** Transient failures (TEMPORARY, RATE_LIMITED) are retried by the queue, with its exponential back-off. */
const SYNC_MAX_ATTEMPTS = 10;

/** The handlers, registered by the runner and the cron before the worker starts. */
export interface LinkTaskHandlers {
  sync(payload: LinkJobPayload, helpers: JobHelpers): Promise<void>;
  delete(payload: LinkJobPayload, helpers: JobHelpers): Promise<void>;
  staleTick(payload: StaleTickPayload): Promise<void>;
}

/**
 * The Links job queue: graphile-worker, in-process. Every replica can enqueue; replicas with
 * LINKS_QUEUE_CONCURRENCY > 0 also run jobs. Jobs are rows in Postgres: they survive restarts,
 * and a job whose worker's process died is released (WorkerLiveness) and run again at once.
 */
@Injectable()
export class LinkJobQueue implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown, TenantJobQueue {
  private readonly log = new NestLogger('LinkJobQueue');
  private utils?: WorkerUtils;
  private runner?: Runner;
  private pool?: Pool;
  private stopping?: Promise<void>;
  private handlers?: LinkTaskHandlers;
  private liveness?: WorkerLiveness;
  private reaper?: NodeJS.Timeout;
  /** Other features' tasks (Connections' syncs) on the same worker and tenant queues. */
  private readonly extraTasks = new Map<string, TenantTaskHandler>();
  private readonly staleSweeps: Array<(now: Date) => Promise<number>> = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  setHandlers(handlers: LinkTaskHandlers): void {
    this.handlers = handlers;
  }

  registerTask(identifier: string, handler: TenantTaskHandler): void {
    this.extraTasks.set(identifier, handler);
  }

  registerStaleSweep(sweep: (now: Date) => Promise<number>): void {
    this.staleSweeps.push(sweep);
  }

  async enqueueTenantJob(identifier: string, tenantId: string, payload: Record<string, unknown>, jobKey: string): Promise<void> {
    await this.requireUtils().addJob(identifier, payload, {
      queueName: tenantQueue(tenantId),
      jobKey,
      jobKeyMode: 'preserve_run_at',
      maxAttempts: SYNC_MAX_ATTEMPTS,
    });
  }

  /** The queue's schema and pool: ready before any bootstrap hook (the cron's) adds a job. */
  async onModuleInit(): Promise<void> {
    // One pool of our own for the queue: each running job holds a connection for its tenant
    // lock, the worker needs a few more (LISTEN, fetching jobs), and we end it on shutdown.
    const pool = new Pool({ connectionString: this.connectionString(), max: this.config.links.queueConcurrency * 2 + 4 });
    // A connection dropped by the server (restart, failover) must not crash the process.
    pool.on('error', (error) => this.log.warn(`queue pool: ${error.message}`));
    pool.on('connect', (client) => client.on('error', (error) => this.log.warn(`queue connection: ${error.message}`)));
    this.pool = pool;
    this.utils = await makeWorkerUtils({ pgPool: pool, schema: WORKER_SCHEMA, logger: this.workerLogger() });
    // Creates or upgrades the graphile_worker schema (graphile-worker serialises this itself).
    await this.utils.migrate();
  }

  /** The worker starts once every handler is registered (LinkJobRunner.onModuleInit). */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.links.queueConcurrency > 0 && this.pool) await this.startWorker(this.pool);
  }

  /** Idempotent: Nest's signal hook and main.ts's own SIGTERM handler may both close the app. */
  onApplicationShutdown(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  private async stop(): Promise<void> {
    // Lets running jobs finish (bounded by graphile-worker's graceful shutdown), then releases the pool.
    const runner = this.runner;
    const utils = this.utils;
    const pool = this.pool;
    clearInterval(this.reaper);
    this.runner = undefined;
    this.utils = undefined;
    this.pool = undefined;
    await runner?.stop().catch((error: unknown) => this.log.warn(`worker stop: ${String(error)}`));
    this.liveness?.stop();
    this.liveness = undefined;
    await Promise.resolve(utils?.release()).catch((error: unknown) => this.log.warn(`queue utils release: ${String(error)}`));
    await pool?.end().catch((error: unknown) => this.log.warn(`queue pool end: ${String(error)}`));
  }

  /** The first sync of a new link, a resync, or a stale sync: after the tenant's earlier jobs. */
  async enqueueSync(payload: LinkJobPayload): Promise<void> {
    await this.requireUtils().addJob(LINK_TASKS.sync, payload, {
      queueName: tenantQueue(payload.tenantId),
      jobKey: syncJobKey(payload.linkId),
      jobKeyMode: 'preserve_run_at',
      maxAttempts: SYNC_MAX_ATTEMPTS,
    });
  }

  async enqueueDelete(payload: LinkJobPayload): Promise<void> {
    await this.requireUtils().addJob(LINK_TASKS.delete, payload, {
      queueName: tenantQueue(payload.tenantId),
      jobKey: deleteJobKey(payload.linkId),
      jobKeyMode: 'preserve_run_at',
      maxAttempts: SYNC_MAX_ATTEMPTS,
    });
  }

  /**
   * One tick per minute per cluster: every replica's cron adds the tick for `minute` under the
   * same job key while that job is still waiting (it is added ahead of its run time), so the
   * cluster holds one job per minute, not one per replica.
   */
  async enqueueStaleTick(minute: Date): Promise<void> {
    const iso = minute.toISOString();
    await this.requireUtils().addJob(LINK_TASKS.staleTick, { minute: iso } satisfies StaleTickPayload, {
      jobKey: staleTickJobKey(iso),
      jobKeyMode: 'preserve_run_at',
      runAt: minute,
      maxAttempts: 1,
    });
  }

  /**
   * Releases the jobs of workers whose process died (see WorkerLiveness), so they run again
   * now. Runs when this replica's worker starts and then every 15 s; returns the dead ids.
   */
  async releaseOrphanedJobs(): Promise<string[]> {
    if (!this.liveness || !this.utils) return [];
    const dead = await this.liveness.findDeadWorkers(WORKER_SCHEMA);
    if (dead.length > 0) {
      await this.utils.forceUnlockWorkers(dead);
      this.log.warn(`released the jobs of ${dead.length} worker(s) whose process is gone: ${dead.join(', ')}`);
    }
    return dead;
  }

  /** Jobs waiting (not running), for the queue-depth metric. */
  async depth(): Promise<number> {
    const rows: Array<{ count: string }> = await this.dataSource.query(
      `SELECT count(*)::text AS count FROM ${WORKER_SCHEMA}.jobs WHERE task_identifier LIKE 'links.%' AND locked_at IS NULL`,
    );
    return Number(rows[0]?.count ?? 0);
  }

  private async startWorker(pgPool: Pool): Promise<void> {
    const handlers = this.handlers;
    if (!handlers) throw new Error('LinkJobQueue: handlers must be set before the worker starts');
    const taskList: TaskList = {
      [LINK_TASKS.sync]: (payload, helpers) => handlers.sync(payload as LinkJobPayload, helpers),
      [LINK_TASKS.delete]: (payload, helpers) => handlers.delete(payload as LinkJobPayload, helpers),
      [LINK_TASKS.staleTick]: async (payload) => {
        await handlers.staleTick(payload as StaleTickPayload);
        for (const sweep of this.staleSweeps) await sweep(new Date());
      },
      ...Object.fromEntries(this.extraTasks),
    };
    const concurrency = this.config.links.queueConcurrency;
    const liveness = new WorkerLiveness(pgPool);
    await liveness.start();
    this.liveness = liveness;
    // Each worker's liveness lock is taken as it is created (before its first poll completes).
    const events = new EventEmitter();
    events.on('worker:create', ({ worker }: { worker: { workerId: string } }) => {
      liveness.claim(worker.workerId).catch((error: unknown) => this.log.warn(`liveness lock for ${worker.workerId}: ${String(error)}`));
    });
    this.runner = await run({
      pgPool,
      schema: WORKER_SCHEMA,
      concurrency,
      events: events as never,
      noHandleSignals: true,
      pollInterval: 1000,
      taskList,
      logger: this.workerLogger(),
    });
    await this.releaseOrphanedJobs().catch((error: unknown) => this.log.warn(`orphaned jobs: ${String(error)}`));
    this.reaper = setInterval(() => {
      this.releaseOrphanedJobs().catch((error: unknown) => this.log.warn(`orphaned jobs: ${String(error)}`));
    }, ORPHAN_SWEEP_MS);
    this.reaper.unref();
  }

  private requireUtils(): WorkerUtils {
    if (!this.utils) throw new Error('LinkJobQueue used before the application bootstrapped');
    return this.utils;
  }

  private connectionString(): string {
    const url = (this.dataSource.options as { url?: string }).url;
    if (!url) throw new Error('LinkJobQueue needs the database URL');
    return url;
  }

  /** graphile-worker's own messages go to the app log (warnings and errors only). */
  private workerLogger(): Logger {
    return new Logger(() => (level, message) => {
      if (level === 'error') this.log.error(message);
      else if (level === 'warning') this.log.warn(message);
    });
  }
}
