/** Longest IANA name is ~32 characters; anything much longer is not a zone. */
const MAX_ZONE_LENGTH = 64;

/**
 * Whether `name` is an IANA time-zone name. Asks ICU (Intl) rather than
 * `Intl.supportedValuesOf('timeZone')`: that list holds canonical names only and omits links
 * the seed lists (`Asia/Kolkata`, `Europe/Kiev`, `Etc/GMT`, `America/Thunder_Bay`…), while ICU
 * resolves every name of the tz database, links included. ICU also takes UTC offsets
 * (`+01:00`), which are not zone names: refused by their leading sign.
 */
export function isIanaTimeZone(name: string): boolean {
  if (name.length === 0 || name.length > MAX_ZONE_LENGTH) return false;
  if (name.startsWith('+') || name.startsWith('-') || name.trim() !== name) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
