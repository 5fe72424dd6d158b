import type { CalendarProvider } from '../providers/calendar-provider';
import type { ProviderName } from '../providers/provider-errors';

/**
 * How the engine finds a driver: a plain lookup, so the app wires its registry (Google,
 * Microsoft, CalDAV) and tests wire counting or fault-injecting decorators, without the engine
 * knowing any driver.
 */
export type CalendarProviderLookup = (name: ProviderName) => CalendarProvider;

/** Nest token for the CalendarProviderLookup the SyncEngine is built with. */
export const CALENDAR_PROVIDERS = Symbol('CALENDAR_PROVIDERS');
