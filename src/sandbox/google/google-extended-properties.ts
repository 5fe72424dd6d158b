import { errors } from './google-errors';
import { isPlainObject } from './google-event-fields';

/**
 * Limits of extended properties, https://developers.google.com/calendar/api/guides/extended-properties
 * ("Limits"): keys longer than 44 characters are silently dropped, values longer than 1024
 * characters silently truncated, and an event holds at most 300 shared and 300 private
 * properties, each set totalling at most 32 kB (key + value sizes). The guide does not say
 * what happens past the count or size limit; the emulator refuses the write with 400.
 */
export const EXTENDED_PROPERTY_LIMITS = {
  maxKeyChars: 44,
  maxValueChars: 1024,
  maxPropertiesPerScope: 300,
  maxBytesPerScope: 32 * 1024,
} as const;

type Bag = Record<string, string>;
export type ExtendedProperties = { private?: Bag; shared?: Bag };

const SCOPES = ['private', 'shared'] as const;

/** Validates the shape, applies the silent drop/truncate rules, then the per-scope totals. */
export function limitExtendedProperties(props: unknown): ExtendedProperties | undefined {
  if (props === undefined || props === null) return undefined;
  if (!isPlainObject(props)) throw errors.invalid('Invalid value for: extendedProperties');
  const out: ExtendedProperties = {};
  for (const scope of SCOPES) {
    const bag = props[scope];
    if (bag === undefined || bag === null) continue;
    if (!isPlainObject(bag) || Object.values(bag).some((v) => typeof v !== 'string')) {
      throw errors.invalid(`Invalid value for: extendedProperties.${scope}`);
    }
    out[scope] = withinScopeTotals(scope, clip(bag as Bag));
  }
  return out;
}

function clip(bag: Bag): Bag {
  const out: Bag = {};
  for (const [key, value] of Object.entries(bag)) {
    if (charCount(key) > EXTENDED_PROPERTY_LIMITS.maxKeyChars) continue;
    out[key] = truncateChars(value, EXTENDED_PROPERTY_LIMITS.maxValueChars);
  }
  return out;
}

function withinScopeTotals(scope: string, bag: Bag): Bag {
  const entries = Object.entries(bag);
  const bytes = entries.reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (entries.length > EXTENDED_PROPERTY_LIMITS.maxPropertiesPerScope || bytes > EXTENDED_PROPERTY_LIMITS.maxBytesPerScope) {
    throw errors.invalid(
      `Too many ${scope} extended properties: at most ${EXTENDED_PROPERTY_LIMITS.maxPropertiesPerScope}, totalling at most 32 kB.`,
    );
  }
  return bag;
}

/** Characters as code points, so a surrogate pair is never cut in half. */
function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

function truncateChars(text: string, max: number): string {
  if (text.length <= max) return text;
  return Array.from(text).slice(0, max).join('');
}
