import type { JobHelpers } from 'graphile-worker';

/**
 * The tenant job queue as other features see it (Connections' syncs share the Links queue, its
 * per-tenant named queues and its stale-sync tick). LinkJobQueue implements it; LinksModule
 * provides it under TENANT_JOB_QUEUE. Tasks and sweeps are registered before the app bootstraps.
 */
export const TENANT_JOB_QUEUE = Symbol('TENANT_JOB_QUEUE');

export type TenantTaskHandler = (payload: unknown, helpers: JobHelpers) => Promise<void>;

export interface TenantJobQueue {
  /** A task of another feature, run by the same worker (call from onModuleInit). */
  registerTask(identifier: string, handler: TenantTaskHandler): void;
  /** Runs with each stale-sync tick (once a minute per cluster), after the Links sweep. */
  registerStaleSweep(sweep: (now: Date) => Promise<number>): void;
  /** Adds a job on the tenant's named queue (one job at a time per tenant); a waiting job with the same key is joined. */
  enqueueTenantJob(identifier: string, tenantId: string, payload: Record<string, unknown>, jobKey: string): Promise<void>;
}
