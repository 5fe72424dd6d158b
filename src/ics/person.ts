/** Someone named in the event: an organizer or an attendee. */
export interface Person {
  email: string;
  name?: string;
}

const MAX_EMAIL_LENGTH = 254;
const MAX_NAME_LENGTH = 200;
// Pragmatic address check (the WHATWG "valid e-mail address" rule): a dot-atom local part
// and a host name with at least one dot. Quoted local parts are not accepted.
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const NAME_AND_ADDRESS = /^(.*?)\s*<([^<>]*)>$/s;

export function isEmail(text: string): boolean {
  return text.length <= MAX_EMAIL_LENGTH && EMAIL.test(text);
}

/**
 * Parses `jo@example.com`, `mailto:jo@example.com` or `Jo Smith <jo@example.com>`;
 * undefined when there is no valid address.
 */
export function parsePerson(text: string): Person | undefined {
  const trimmed = text.trim();
  const match = NAME_AND_ADDRESS.exec(trimmed);
  const address = stripMailto((match ? match[2] : trimmed).trim());
  if (!isEmail(address)) return undefined;
  const name = match ? cleanName(match[1]) : undefined;
  return name ? { email: address, name } : { email: address };
}

/**
 * A display name fit for a quoted CN parameter. RFC 5545 parameter values cannot contain
 * DQUOTE or control characters and have no escape for them, so they are replaced.
 */
export function cleanName(raw: string): string | undefined {
  const name = raw
    .replace(/^"(.*)"$/s, '$1')
    .replace(/"/g, "'")
    .replace(/\\/g, '/')
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim()
    .slice(0, MAX_NAME_LENGTH);
  return name || undefined;
}

function stripMailto(address: string): string {
  return address.replace(/^mailto:/i, '');
}
