import type { LinkRemovalRequest, LinkSyncRequest, LinkSyncResult } from '../sync/link-sync.types';

/**
 * What the job runner needs from the sync engine (src/sync): the SyncEngine implements it.
 * Injected by token so that the runner does not depend on the engine's construction.
 */
export interface LinkSyncEngine {
  syncLink(request: LinkSyncRequest): Promise<LinkSyncResult>;
  removeCopies(request: LinkRemovalRequest): Promise<unknown>;
}

export const LINK_SYNC_ENGINE = Symbol('LINK_SYNC_ENGINE');
