const MAX_ADDRESS_LENGTH = 254;
const MAX_LOCAL_LENGTH = 64;
const MAX_LABEL_LENGTH = 63;
const LOCAL_CHARACTERS = new Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-");

/**
 * A mailbox address as a directory knows it: dot-atom local part, host name with at least two
 * labels (the WHATWG "valid e-mail address" rule). Checked character by character: no regex, so
 * no backtracking on user input. Quoted local parts and IP literals are not mailboxes here.
 */
export function isMailboxAddress(text: string): boolean {
  if (text.length === 0 || text.length > MAX_ADDRESS_LENGTH) return false;
  const at = text.indexOf('@');
  if (at <= 0 || at !== text.lastIndexOf('@')) return false;
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  if (local.length > MAX_LOCAL_LENGTH || [...local].some((character) => !LOCAL_CHARACTERS.has(character))) return false;
  const labels = domain.split('.');
  return labels.length >= 2 && labels.every(isHostLabel);
}

function isHostLabel(label: string): boolean {
  if (label.length === 0 || label.length > MAX_LABEL_LENGTH) return false;
  if (label.startsWith('-') || label.endsWith('-')) return false;
  return [...label].every((character) => isAsciiAlphanumeric(character) || character === '-');
}

function isAsciiAlphanumeric(character: string): boolean {
  const code = character.charCodeAt(0);
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}
