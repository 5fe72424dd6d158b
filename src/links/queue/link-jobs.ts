/** Task identifiers and payloads of the Links jobs (graphile-worker). */
export const LINK_TASKS = {
  sync: 'links.sync',
  delete: 'links.delete',
  staleTick: 'links.stale-tick',
} as const;

export interface LinkJobPayload {
  tenantId: string;
  linkId: string;
}

export interface StaleTickPayload {
  /** The minute this tick stands for (ISO instant at second 0). */
  minute: string;
}

/** One queue per tenant: graphile-worker runs a named queue's jobs one at a time, in order. */
export function tenantQueue(tenantId: string): string {
  return `tenant:${tenantId}`;
}

/** While a link's sync waits in the queue, further requests for it (cron, resync) join it. */
export function syncJobKey(linkId: string): string {
  return `links:sync:${linkId}`;
}

export function deleteJobKey(linkId: string): string {
  return `links:delete:${linkId}`;
}

export function staleTickJobKey(minute: string): string {
  return `links:stale-tick:${minute}`;
}
