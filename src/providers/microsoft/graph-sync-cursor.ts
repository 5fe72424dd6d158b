import { createHash } from 'node:crypto';
import { ProviderError } from '../provider-errors';

/**
 * The incremental cursor handed to the sync engine: Graph's deltaLink plus a compact memory of
 * what the last listing saw, which Graph's calendarView/delta does not give us for free:
 *  - `e`: every instance in the window (singles, exceptions, plain occurrences), hashed id →
 *    [hashed changeKey, hashed series master id (exceptions and occurrences), 1 for an occurrence].
 *    A replayed entry (same changeKey) is dropped; a @removed for an id never seen (a phantom
 *    outside the window) is ignored; a removed occurrence means its master changed (cancelled);
 *  - `m`: series masters (full id, so they can be re-read) → fingerprint of changeKey + cancelled
 *    occurrences. A changed occurrence only means "this series may have changed": the master is
 *    re-read and reported only if its fingerprint moved.
 * Hashes keep the cursor small (about 45 bytes per instance) whatever Graph's long ids look like.
 */
export type SeenInstance = [changeKey: string, master?: string, occurrence?: 1];

export interface SyncState {
  d: string;
  e: Record<string, SeenInstance>;
  m: Record<string, string>;
}

const PREFIX = 'msgraph2.';
const MAX_CURSOR_CHARS = 4 * 1024 * 1024;

/** 12 base64url characters (72 bits): collisions among a mailbox's few thousand instances are negligible. */
export const shortHash = (value: string): string => createHash('sha256').update(value).digest('base64url').slice(0, 12);

export function encodeCursor(state: SyncState): string {
  return PREFIX + Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

/** A cursor we cannot read is one to start again from: SYNC_CURSOR_EXPIRED makes the engine list in full. */
export function decodeCursor(cursor: string): SyncState {
  const expired = () => new ProviderError('SYNC_CURSOR_EXPIRED', 'Unreadable Microsoft sync cursor', { provider: 'microsoft' });
  if (!cursor.startsWith(PREFIX) || cursor.length > MAX_CURSOR_CHARS) throw expired();
  try {
    const state = JSON.parse(Buffer.from(cursor.slice(PREFIX.length), 'base64url').toString('utf8')) as SyncState;
    if (typeof state.d !== 'string' || typeof state.e !== 'object' || typeof state.m !== 'object' || !state.e || !state.m) throw expired();
    return state;
  } catch {
    throw expired();
  }
}
