/** The deepest nesting of arrays and objects a request body may have (ours need 3). */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x5b, 0x7b]); // [ {
const CLOSERS = new Set([0x5d, 0x7d]); // ] }

/**
 * True when JSON text nests arrays/objects deeper than `maxDepth`. One pass over the code
 * units, skipping string contents, so it runs before JSON.parse and before anything
 * recursive (class-transformer threw RangeError at a few thousand levels). It does not
 * validate: malformed text is left for the parser to refuse. Works on UTF-8 bytes (no
 * multi-byte sequence contains an ASCII byte) and on decoded strings alike.
 */
export function exceedsJsonDepth(text: Uint8Array | string, maxDepth = MAX_JSON_DEPTH): boolean {
  const at = typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const unit = at(i);
    if (inString) {
      if (unit === BACKSLASH) i++;
      else if (unit === QUOTE) inString = false;
    } else if (unit === QUOTE) {
      inString = true;
    } else if (OPENERS.has(unit)) {
      if (++depth > maxDepth) return true;
    } else if (CLOSERS.has(unit)) {
      depth--;
    }
  }
  return false;
}
