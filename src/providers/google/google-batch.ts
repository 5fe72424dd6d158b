import { randomBytes } from 'node:crypto';

/**
 * Google batch requests (https://developers.google.com/calendar/api/guides/batch): one
 * `multipart/mixed` POST to /batch/calendar/v3 whose parts are `application/http` requests;
 * the answer is `multipart/mixed` with one `application/http` response per part, paired by
 * `Content-ID: <response-…>`. googleapis has no batch helper, so the body is built here.
 */

/** Google accepts up to 1000 calls per batch but recommends small ones; the driver uses 50. */
export const MAX_CALLS_PER_BATCH = 50;

export interface BatchCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute path, e.g. /calendar/v3/calendars/primary/events (percent-encoded). */
  path: string;
  body?: unknown;
}

export interface BatchReply {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export class BatchResponseError extends Error {}

export function newBoundary(): string {
  return `batch_${randomBytes(16).toString('hex')}`;
}

export function buildBatchBody(calls: BatchCall[], boundary: string): string {
  const parts = calls.map((call, index) => {
    const lines = [
      `--${boundary}`,
      'Content-Type: application/http',
      `Content-ID: <item${index + 1}>`,
      '',
      `${call.method} ${call.path} HTTP/1.1`,
    ];
    if (call.body === undefined) {
      lines.push('', '');
    } else {
      const json = JSON.stringify(call.body);
      lines.push('Content-Type: application/json; charset=UTF-8', `Content-Length: ${Buffer.byteLength(json, 'utf8')}`, '', json);
    }
    return lines.join('\r\n');
  });
  return `${parts.join('\r\n')}\r\n--${boundary}--\r\n`;
}

export function boundaryOf(contentType: string | null): string {
  const match = /boundary=(?:"([^"]{1,200})"|([^;\s]{1,200}))/i.exec(contentType ?? '');
  if (!contentType || !/^multipart\/mixed/i.test(contentType) || !match) {
    throw new BatchResponseError(`Google batch answered ${contentType ?? 'no content type'}, not multipart/mixed`);
  }
  return match[1] ?? match[2];
}

/**
 * The replies in the order of the calls. Parts are matched by Content-ID when present (Google
 * does not promise order), else by position; a call without a reply gets none (undefined).
 */
export function parseBatchResponse(text: string, contentType: string | null, callCount: number): (BatchReply | undefined)[] {
  const boundary = boundaryOf(contentType);
  const replies: (BatchReply | undefined)[] = new Array<BatchReply | undefined>(callCount).fill(undefined);
  const sections = text.split(`--${boundary}`).slice(1);
  let position = 0;
  for (const section of sections) {
    if (section.startsWith('--')) break;
    const { headers: mime, rest } = splitHead(section.replace(/^\r?\n/, ''));
    const reply = parseHttpResponse(rest);
    const index = indexFromContentId(mime['content-id']) ?? position;
    if (index >= 0 && index < callCount && reply) replies[index] = reply;
    position++;
  }
  return replies;
}

function indexFromContentId(contentId: string | undefined): number | undefined {
  const match = /^<?response-item(\d{1,6})>?$/i.exec(contentId?.trim() ?? '');
  return match ? Number(match[1]) - 1 : undefined;
}

function parseHttpResponse(text: string): BatchReply | undefined {
  const trimmed = text.replace(/^(\r?\n)+/, '');
  const lineEnd = trimmed.indexOf('\n');
  const statusLine = (lineEnd < 0 ? trimmed : trimmed.slice(0, lineEnd)).trim();
  const match = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(statusLine);
  if (!match) return undefined;
  const { headers, rest } = splitHead(lineEnd < 0 ? '' : trimmed.slice(lineEnd + 1));
  const raw = rest.replace(/\r?\n$/, '').trim();
  let body: unknown = undefined;
  if (raw) {
    try {
      body = JSON.parse(raw) as unknown;
    } catch {
      body = raw;
    }
  }
  return { status: Number(match[1]), headers, body };
}

/** Header lines up to the first empty line; names lower-cased. */
function splitHead(text: string): { headers: Record<string, string>; rest: string } {
  const headers: Record<string, string> = {};
  let offset = 0;
  for (;;) {
    const end = text.indexOf('\n', offset);
    const line = (end < 0 ? text.slice(offset) : text.slice(offset, end)).replace(/\r$/, '');
    offset = end < 0 ? text.length : end + 1;
    if (line === '') break;
    const cut = line.indexOf(':');
    if (cut > 0) headers[line.slice(0, cut).trim().toLowerCase()] = line.slice(cut + 1).trim();
    if (end < 0) break;
  }
  return { headers, rest: text.slice(offset) };
}
