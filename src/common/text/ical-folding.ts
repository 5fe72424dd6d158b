/** RFC 5545 §3.1: content lines are folded at 75 octets. Shared by the ICS surface and the CalDAV driver. */
export const MAX_LINE_OCTETS = 75;

/**
 * Folds a content line so that no physical line exceeds 75 octets (the leading space of a
 * continuation counts), cutting only between characters, never inside a UTF-8 sequence
 * or between the two halves of a surrogate pair.
 */
export function foldLine(line: string): string {
  if (line.length <= MAX_LINE_OCTETS / 3 || Buffer.byteLength(line, 'utf8') <= MAX_LINE_OCTETS) return line;
  let folded = '';
  let segmentStart = 0;
  let octets = 0;
  let limit = MAX_LINE_OCTETS;
  for (let i = 0; i < line.length; ) {
    const code = line.charCodeAt(i);
    const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < line.length && (line.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : pair ? 4 : 3;
    if (octets + width > limit) {
      folded += `${line.slice(segmentStart, i)}\r\n `;
      segmentStart = i;
      octets = 0;
      limit = MAX_LINE_OCTETS - 1;
    }
    octets += width;
    i += pair ? 2 : 1;
  }
  return folded + line.slice(segmentStart);
}

/** Joins folded lines back (a CRLF followed by one space or tab continues the line). */
export function unfoldLines(text: string): string[] {
  const lines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && lines.length > 0) lines[lines.length - 1] += line.slice(1);
    else lines.push(line);
  }
  return lines;
}
