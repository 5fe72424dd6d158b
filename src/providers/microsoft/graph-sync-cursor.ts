import { createHash } from 'node:crypto';
import { ProviderError } from '../provider-errors';

/**
 * The incremental cursor handed to the sync engine: Graph's deltaLink plus a compact memory of
 * what the last listing returned, which Graph's calendarView/delta does not give us for free:
 *  - `e`: singles and exceptions in the window, hashed id → [hashed changeKey, series master id
 *    for exceptions]. A replayed change (same changeKey) is dropped; a @removed for an id we never
 *    listed (a phantom outside the window, or a plain occurrence) is not reported as a removal;
 *  - `m`: series masters (full id, so they can be re-read) → fingerprint of changeKey + cancelled
 *    occurrences. An occurrence in the delta only means "this series may have changed": the
 *    master is re-read and reported only if its fingerprint moved.
 * Hashes keep the cursor small (about 30 bytes per event) whatever Graph's long ids look like.
 */
export interface SyncState {
  d: string;
  e: Record<string, [string, string?]>;
  m: Record<string, string>;
}

const PREFIX = 'msgraph1.';
const MAX_CURSOR_CHARS = 4 * 1024 * 1024;

export const shortHash = (value: string): string => createHash('sha256').update(value).digest('base64url').slice(0, 16);

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
