import { errors } from './google-errors';
import { FIRST_PAGE, isPageState, type PageState } from './google-paging';
import type { Calendar } from './google-types';

/**
 * Sync and page tokens are opaque to clients (as Google's are) but carry state here:
 * a sync token is "everything up to change sequence N of this calendar incarnation";
 * a page token is "continue the listing snapshotted at sequence `up` after sort key `k`".
 */
interface SyncTokenData {
  u: string;
  e: number;
  s: number;
  t: number;
}

export interface PageCursor {
  /** Snapshot: changes after this sequence are left for the next sync. */
  up: number;
  /** Incremental listings: only changes after this sequence. */
  since?: number;
  /** Sort key of the last item already returned. */
  k: [number, string];
  /** Page number and whether the previous page was empty (drives short pages). */
  page: PageState;
}

interface PageTokenData extends PageCursor {
  u: string;
}

export function encodeSyncToken(calendar: Calendar, seq: number, now: number): string {
  const data: SyncTokenData = { u: calendar.uid, e: calendar.syncEpoch, s: seq, t: now };
  return 'C' + Buffer.from(JSON.stringify(data)).toString('base64url');
}

/** Returns the sequence the token stands for, or throws 410 fullSyncRequired. */
export function decodeSyncToken(token: string, calendar: Calendar, now: number, ttlMs?: number): number {
  const data = decode<SyncTokenData>(token.slice(1));
  const valid =
    token.startsWith('C') &&
    data !== undefined &&
    typeof data.s === 'number' &&
    data.u === calendar.uid &&
    data.e === calendar.syncEpoch &&
    (ttlMs === undefined || now - data.t <= ttlMs);
  if (!valid) throw errors.fullSyncRequired();
  return data.s;
}

export function encodePageToken(calendar: Calendar, cursor: PageCursor): string {
  const data: PageTokenData = { u: calendar.uid, ...cursor };
  return Buffer.from(JSON.stringify(data)).toString('base64url');
}

export function decodePageToken(token: string, calendar: Calendar): PageCursor {
  const data = decode<PageTokenData>(token);
  if (!data || data.u !== calendar.uid || typeof data.up !== 'number' || !Array.isArray(data.k)) {
    throw errors.invalid('Invalid page token value.', 'pageToken');
  }
  return { up: data.up, since: data.since, k: data.k, page: isPageState(data.page) ? data.page : FIRST_PAGE };
}

function decode<T>(text: string): T | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}
