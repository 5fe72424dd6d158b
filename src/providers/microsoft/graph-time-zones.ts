import { findIana, findWindows } from 'windows-iana';
import { DateTime } from 'luxon';

/**
 * Windows ↔ IANA zone names through the CLDR windowsZones table (`windows-iana`).
 * Graph accepts and returns both kinds of names; the model keeps IANA names only.
 */

/** The IANA zone a Graph zone name stands for; null when neither a known Windows nor a valid IANA name. */
export function ianaZoneOf(graphZone: string | null | undefined): string | null {
  if (!graphZone) return null;
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
  if (ianaZone === 'UTC') return 'UTC';
  const windows = findWindows(ianaZone);
  if (windows.length > 0 && findIana(windows[0])[0] === ianaZone) return windows[0];
  return ianaZone;
}
