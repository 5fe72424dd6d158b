/** Someone named in the event: an organizer or an attendee. */
export interface Person {
  email: string;
  name?: string;
}

const MAX_EMAIL_LENGTH = 254;
const MAX_NAME_LENGTH = 200;
/** Longest `Name <e-mail>` text we read at all; callers refuse longer input with its own code first. */
export const MAX_PERSON_LENGTH = 1000;
// Pragmatic address check (the WHATWG "valid e-mail address" rule): a dot-atom local part
// and a host name with at least one dot. Quoted local parts are not accepted.
// Linear: the local part cannot contain '@', labels are split by '.', and the text is at most
// 254 characters before the pattern runs.
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isEmail(text: string): boolean {
  return text.length <= MAX_EMAIL_LENGTH && EMAIL.test(text);
}

/**
 * Parses `jo@example.com`, `mailto:jo@example.com` or `Jo Smith <jo@example.com>`;
 * undefined when there is no valid address.
 */
export function parsePerson(text: string): Person | undefined {
  if (text.length > MAX_PERSON_LENGTH) return undefined;
  const { name: rawName, address: rawAddress } = splitNameAndAddress(text.trim());
  const address = stripMailto(rawAddress.trim());
  if (!isEmail(address)) return undefined;
  const name = rawName === undefined ? undefined : cleanName(rawName);
  return name ? { email: address, name } : { email: address };
}

/**
 * `Name <address>`: the address is what the last `<…>` at the very end holds, the name is
 * everything before it. Index scans, not a regex: `^(.*?)\s*<…>$` backtracked quadratically
 * on long runs of spaces (one request held the event loop for half a minute).
 */
function splitNameAndAddress(text: string): { name?: string; address: string } {
  if (!text.endsWith('>')) return { address: text };
  // Stryker disable next-line ArithmeticOperator: equivalent — the text ends with '>', so searching from length - 2 or from any later position finds the same '<'.
  const open = text.lastIndexOf('<', text.length - 2);
  if (open < 0) return { address: text };
  const address = text.slice(open + 1, -1);
  // Stryker disable next-line ConditionalExpression: equivalent — an address holding '>' is never a valid e-mail, and neither is the whole text (it holds '<'): both answer undefined.
  if (address.includes('>')) return { address: text };
  return { name: text.slice(0, open).trimEnd(), address };
}

/**
 * A display name fit for a quoted CN parameter. RFC 5545 parameter values cannot contain
 * DQUOTE or control characters and have no escape for them, so they are replaced.
 */
export function cleanName(raw: string): string | undefined {
  const name = unquote(raw)
    .replace(/"/g, "'")
    .replace(/\\/g, '/')
    // eslint-disable-next-line no-control-regex -- control characters are what this removes
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim()
    .slice(0, MAX_NAME_LENGTH);
  return name || undefined;
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

function stripMailto(address: string): string {
  return address.slice(0, 7).toLowerCase() === 'mailto:' ? address.slice(7) : address;
}
