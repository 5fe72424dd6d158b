import { findIana, findWindows } from 'windows-iana';
import { DateTime } from 'luxon';

/**
 * Windows ↔ IANA zone names through the CLDR windowsZones table (`windows-iana`).
 * Graph accepts and returns both kinds of names; the model keeps IANA names only.
 */

/**
 * Both directions are looked up once per zone name: windows-iana builds fresh arrays on every
 * call, a measurable part of a 10,000-event sync's allocations (bench links-initial-sync). Zone
 * names come from providers, so the caches are bounded.
 */
const MAX_CACHED = 256;
const ianaCache = new Map<string, string | null>();
const graphCache = new Map<string, string>();

function cached<T>(cache: Map<string, T>, key: string, compute: (key: string) => T): T {
  if (cache.has(key)) return cache.get(key) as T;
  if (cache.size >= MAX_CACHED) cache.clear();
  const value = compute(key);
  cache.set(key, value);
  return value;
}

/** The IANA zone a Graph zone name stands for; null when neither a known Windows nor a valid IANA name. */
export function ianaZoneOf(graphZone: string | null | undefined): string | null {
  if (!graphZone) return null;
  return cached(ianaCache, graphZone, lookUpIana);
}

function lookUpIana(graphZone: string): string | null {
  // Graph's own name for UTC; CLDR would make it Etc/UTC, which would not read back as written.
  if (graphZone === 'UTC') return 'UTC';
  const fromWindows = findIana(graphZone);
  if (fromWindows.length > 0) return fromWindows[0];
  return DateTime.local().setZone(graphZone).isValid ? graphZone : null;
}

/**
 * The name to send Graph for an IANA zone: its Windows name when reading that name back gives the
 * same IANA zone (Europe/Berlin ↔ "W. Europe Standard Time"), otherwise the IANA name itself, which
 * Graph also accepts (America/Vancouver would come back as America/Los_Angeles through Windows).
 */
export function graphZoneOf(ianaZone: string): string {
  return cached(graphCache, ianaZone, lookUpGraph);
}

function lookUpGraph(ianaZone: string): string {
  if (ianaZone === 'UTC') return 'UTC';
  const windows = findWindows(ianaZone);
  if (windows.length > 0 && findIana(windows[0])[0] === ianaZone) return windows[0];
  return ianaZone;
}
