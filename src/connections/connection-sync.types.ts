/**
 * The contract between the connect/disconnect half of Connections (OAuth, Apple credentials,
 * status, disconnect) and its two-way sync half (CRM event store, sync jobs). The sync half
 * provides it under CONNECTION_SYNC_HOOKS.
 */
export const CONNECTION_SYNC_HOOKS = Symbol('CONNECTION_SYNC_HOOKS');

export interface ConnectionSyncHooks {
  /** Queues a sync of the connection (its first, after connect or reconnect). */
  queueSync(tenantId: string, userId: number, connectionId: number): Promise<void>;
  /**
   * Before a connection's row is deleted (disconnect): under the tenant mutex, deletes the CRM
   * events imported from it, unbinds the CRM-made events it held, and forgets its sync state.
   */
  forgetConnection(tenantId: string, userId: number, connectionId: number): Promise<void>;
}
