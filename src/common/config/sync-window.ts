import type { AppConfig } from './app-config';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The sync window (SPEC 5): SYNC_PAST_DAYS before `now` to SYNC_FUTURE_DAYS after, as ISO instants. */
export function syncWindow(sync: AppConfig['sync'], now = Date.now()): { start: string; end: string } {
  return { start: new Date(now - sync.pastDays * DAY_MS).toISOString(), end: new Date(now + sync.futureDays * DAY_MS).toISOString() };
}
