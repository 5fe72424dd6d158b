/**
 * The wall clock ("yyyy-MM-ddTHH:mm:ss") of an instant in an IANA zone, through one cached
 * Intl.DateTimeFormat per zone. Luxon's DateTime + toFormat did the same with a dozen objects
 * and a fresh formatter per call: at 10,000 events that was most of a sync's allocation and its
 * memory peak (bench links-initial-sync). Null when the instant has no four-digit year, for the
 * caller to fall back to Luxon.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
/** Zone names come from providers: the cache is bounded. */
const MAX_ZONES = 256;

export function wallClockAt(ms: number, zone: string): string | null {
  if (!Number.isFinite(ms)) return null;
  let formatter = formatters.get(zone);
  if (!formatter) {
    if (formatters.size >= MAX_ZONES) formatters.clear();
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  const part: Record<string, string> = {};
  for (const { type, value } of formatter.formatToParts(ms)) part[type] = value;
  if (part.era !== 'AD' || !/^\d{4}$/.test(part.year)) return null;
  return `${part.year}-${part.month}-${part.day}T${part.hour}:${part.minute}:${part.second}`;
}

const validZones = new Map<string, boolean>();

/**
 * Whether `zone` is an IANA zone this runtime knows, remembered per name. Luxon's
 * IANAZone.isValidZone builds a new Intl.DateTimeFormat on every call, and ICU keeps ~27 KB of
 * native memory per formatter until it is collected: called per event, that was ~290 MB of
 * resident memory over 11,000 Google events (bench links-initial-sync). Bounded like the formatters.
 */
export function isKnownTimeZone(zone: string): boolean {
  let valid = validZones.get(zone);
  if (valid === undefined) {
    if (validZones.size >= MAX_ZONES) validZones.clear();
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      valid = true;
    } catch {
      valid = false;
    }
    validZones.set(zone, valid);
  }
  return valid;
}
