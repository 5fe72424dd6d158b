/**
 * The Links policy string (seed 000, SPEC 4.1): `|`-separated, case-insensitive tokens. Fields
 * say what a copy carries over; flags change which events are copied and how.
 */
export const POLICY_FIELDS = ['subject', 'description', 'location', 'contact', 'conference'] as const;
export const POLICY_FLAGS = ['private', 'busyonly'] as const;
export const POLICY_TOKENS = [...POLICY_FIELDS, ...POLICY_FLAGS] as const;

export type PolicyField = (typeof POLICY_FIELDS)[number];
export type PolicyFlag = (typeof POLICY_FLAGS)[number];

export interface LinkPolicy {
  fields: ReadonlySet<PolicyField>;
  /** Copies are marked private. */
  private: boolean;
  /** Free and declined events are not copied. */
  busyOnly: boolean;
}

export type PolicyParseResult = { ok: true; policy: LinkPolicy; normalized: string } | { ok: false; unknown: string[] };

const MAX_POLICY_LENGTH = 200;

/**
 * Parses without a regex: split on `|`, trim, lower-case. Empty tokens (`subject||location`) are
 * ignored; an unknown token fails the whole string with the list of the unknown ones.
 */
export function parsePolicy(raw: string): PolicyParseResult {
  if (raw.length > MAX_POLICY_LENGTH) return { ok: false, unknown: [`${raw.slice(0, 20)}…`] };
  const tokens = raw
    .split('|')
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token.length > 0);
  const unknown = tokens.filter((token) => !(POLICY_TOKENS as readonly string[]).includes(token));
  if (unknown.length > 0) return { ok: false, unknown };
  const present = new Set(tokens);
  const policy: LinkPolicy = {
    fields: new Set(POLICY_FIELDS.filter((field) => present.has(field))),
    private: present.has('private'),
    busyOnly: present.has('busyonly'),
  };
  return { ok: true, policy, normalized: POLICY_TOKENS.filter((token) => present.has(token)).join('|') };
}
