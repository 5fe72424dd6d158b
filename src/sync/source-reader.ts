import type { CalendarProvider } from '../providers/calendar-provider';
import { isProviderError } from '../providers/provider-errors';
import type { LinkEndpoint, LinkSyncRequest } from './link-sync.types';
import type { SourceSnapshot } from './sync-plan';

/**
 * One listing of the source: incremental from the cursor, or in full when there is none or the
 * provider forgot it (SYNC_CURSOR_EXPIRED). Every other provider error goes to the caller.
 */
/** What a listing needs: a link's source, or a connection's calendar (two-way sync). */
export type SourceReadRequest = Pick<LinkSyncRequest, 'cursor' | 'window'> & { source: Pick<LinkEndpoint, 'access' | 'calendarId'> };

export async function readSource(provider: CalendarProvider, request: SourceReadRequest): Promise<SourceSnapshot> {
  const { access, calendarId } = request.source;
  if (request.cursor !== null) {
    try {
      const changes = await provider.listChanges(access, calendarId, request.cursor, request.window);
      return { fullScan: false, changed: changes.changed, removed: changes.removed, cursor: changes.cursor };
    } catch (error) {
      if (!isProviderError(error, 'SYNC_CURSOR_EXPIRED')) throw error;
    }
  }
  const listing = await provider.listEvents(access, calendarId, request.window);
  return { fullScan: true, changed: listing.events, removed: [], cursor: listing.cursor };
}
