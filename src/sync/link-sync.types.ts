import type { CalendarAccess, TimeWindow } from '../providers/calendar-provider';
import type { ProviderName } from '../providers/provider-errors';
import type { LinkPolicy } from './link-policy';

/**
 * The contract between the Links job runner (src/links: queue, mutex, link rows) and the sync
 * engine (src/sync: providers, mapping table, policy). The runner loads and unseals what the
 * engine needs; the engine reads from the source, writes to the destination, keeps the mapping
 * rows, and returns the new cursor and counts for the runner to store on the link.
 */
export interface LinkEndpoint {
  provider: ProviderName;
  access: CalendarAccess;
  /** Resolved once (the mailbox's primary calendar) and stored on the link. */
  calendarId: string;
  /** The link's sourceTz / destinationTz: applied to floating times. */
  timeZone: string;
}

export interface LinkSyncRequest {
  tenantId: string;
  linkId: string;
  source: LinkEndpoint;
  destination: LinkEndpoint;
  policy: LinkPolicy;
  /** Appended to every copy's title: `Standup (from mls)`. */
  tag: string | null;
  /** Null: full scan (first sync, resync, or the provider forgot the cursor). */
  cursor: string | null;
  window: TimeWindow;
}

export interface LinkSyncResult {
  /**
   * Where the next sync starts. When a write failed it is the request's cursor (null: the next
   * sync scans in full), so the failed changes are listed again; idempotency makes that safe.
   */
  cursor: string | null;
  /** True when the engine fell back to (or was asked for) a full scan. */
  fullScan: boolean;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  /** Source events skipped by policy (busyonly) or because they are copies themselves. */
  skipped: number;
  /** Writes that failed (per event); they are retried by the next sync. */
  failed: number;
}

export interface LinkRemovalRequest {
  tenantId: string;
  linkId: string;
  destination: LinkEndpoint;
}
