import { createHash } from 'node:crypto';

/**
 * Google may answer a list call with a short or even empty page that still carries a
 * nextPageToken, before the last page. events.list, `maxResults`
 * (https://developers.google.com/calendar/api/v3/reference/events/list): "The number of events
 * in the resulting page may be less than this value, or none at all, even if there are more
 * events matching the query. Incomplete pages can be detected by a non-empty nextPageToken".
 * The emulator does this by default (events.list, events.instances, calendarList.list), so a
 * client that stops at the first short page loses data in tests as it would in production.
 * Page sizes come from a hash of (seed, listing, page number): the same seed gives the same
 * pages on every run.
 */
export interface PagingSettings {
  /** Short and empty pages before the last one. Default true; false gives full pages. */
  shortPages: boolean;
  /** Seed of the page-size sequence. */
  seed: number;
}

export const DEFAULT_PAGING: PagingSettings = { shortPages: true, seed: 1 };

/** Carried in page tokens: which page comes next and whether the one before was empty. */
export interface PageState {
  n: number;
  e: boolean;
}

export const FIRST_PAGE: PageState = { n: 0, e: false };

export interface PagePlan {
  /** How many of the remaining items this page returns (never more than maxResults). */
  take: number;
  /** Whether this is the last page (nextSyncToken) or not (nextPageToken). */
  last: boolean;
}

/** Decides the size of one page of a listing identified by `listing` (e.g. the calendar id). */
export function planPage(settings: PagingSettings, listing: string, state: PageState, maxResults: number, remaining: number): PagePlan {
  if (!settings.shortPages) {
    const take = Math.min(maxResults, remaining);
    return { take, last: take === remaining };
  }
  if (remaining === 0) return { take: 0, last: true };
  const roll = pageRoll(settings.seed, listing, state.n);
  const take = Math.min(pageSize(roll, maxResults, state.e), remaining);
  // Sometimes the items run out on a page that still points to one more, empty, last page.
  const trailingEmptyPage = take > 0 && (roll >>> 8) % 4 === 0;
  return { take, last: take === remaining && !trailingEmptyPage };
}

export function nextPageState(state: PageState, plan: PagePlan): PageState {
  return { n: state.n + 1, e: plan.take === 0 };
}

/** A third of pages are empty (never two in a row, so listings always end), a third short, a third full. */
function pageSize(roll: number, maxResults: number, previousEmpty: boolean): number {
  switch (roll % 3) {
    case 0:
      return previousEmpty ? 1 : 0;
    case 1:
      return maxResults === 1 ? 1 : 1 + ((roll >>> 4) % (maxResults - 1));
    default:
      return maxResults;
  }
}

function pageRoll(seed: number, listing: string, pageNumber: number): number {
  return createHash('sha256').update(`${seed}:${listing}:${pageNumber}`).digest().readUInt32BE(0);
}

export function isPageState(value: unknown): value is PageState {
  const v = value as PageState;
  return typeof v === 'object' && v !== null && Number.isInteger(v.n) && v.n >= 0 && typeof v.e === 'boolean';
}
