import { ProviderError } from '../provider-errors';

interface CaldavCursor {
  /** The collection's DAV:sync-token (RFC 6578). */
  syncToken: string;
}

/** Opaque to the engine: versioned, so a later format can read what an earlier one stored. */
export function encodeCursor(cursor: CaldavCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, t: cursor.syncToken })).toString('base64url');
}

/** An unreadable cursor is as good as an expired one: the engine lists in full. */
export function decodeCursor(cursor: string): CaldavCursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; t?: unknown };
    if (parsed.v === 1 && typeof parsed.t === 'string' && parsed.t.length > 0) return { syncToken: parsed.t };
  } catch {
    // fall through
  }
  throw new ProviderError('SYNC_CURSOR_EXPIRED', 'unreadable CalDAV cursor', { provider: 'caldav', providerCode: 'bad-cursor' });
}
