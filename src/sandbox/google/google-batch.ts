import type { Request, Response, Router } from 'express';
import { randomBytes } from 'node:crypto';
import { readTextBody } from '../shared/raw-body';
import { STATUS_TEXT, type ApiRequest, type ApiResponse } from './google-api-request';
import { handleApiRequest } from './google-calendar-api';
import { baseUrlOf, type GoogleEmulatorContext } from './google-context';
import { googleErrorBody } from './google-errors';

/** Google documents at most 1000 calls per batch (https://developers.google.com/calendar/api/guides/batch). */
export const MAX_BATCH_CALLS = 1000;

export interface BatchPart {
  contentId?: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export class BatchFormatError extends Error {}

export function registerBatchRoutes(router: Router, ctx: GoogleEmulatorContext): void {
  router.post(['/batch/calendar/v3', '/batch'], async (req, res) => handleBatch(ctx, req, res));
}

async function handleBatch(ctx: GoogleEmulatorContext, req: Request, res: Response): Promise<void> {
  ctx.counter.record(undefined, 'batch');
  let parts: BatchPart[];
  try {
    const boundary = boundaryOf(req.get('content-type') ?? '');
    parts = parseMultipart(await readTextBody(req, ctx.settings.maxBodyBytes), boundary);
    if (parts.length === 0) throw new BatchFormatError('Batch request contains no calls.');
    if (parts.length > MAX_BATCH_CALLS) throw new BatchFormatError(`A batch may contain at most ${MAX_BATCH_CALLS} calls.`);
  } catch (err) {
    const message = err instanceof BatchFormatError ? err.message : 'Bad Request';
    res.status(400).json(googleErrorBody(400, 'badRequest', message));
    return;
  }
  const outer = outerHeaders(req);
  const base = baseUrlOf(req);
  const responses: { contentId?: string; response: ApiResponse }[] = [];
  // Sequential: the order Google executes parts in is unspecified, sequential is one valid order.
  for (const part of parts) {
    responses.push({ contentId: part.contentId, response: await handleApiRequest(ctx, toApiRequest(part, outer, base, req.baseUrl)) });
  }
  const boundary = `batch_${randomBytes(12).toString('base64url')}`;
  res.status(200).type(`multipart/mixed; boundary=${boundary}`).send(formatMultipart(responses, boundary));
}

export function boundaryOf(contentType: string): string {
  if (!/^multipart\/mixed/i.test(contentType)) throw new BatchFormatError('Content-Type must be multipart/mixed.');
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!m) throw new BatchFormatError('Missing multipart boundary.');
  return m[1] ?? m[2];
}

/** Splits a multipart/mixed body into application/http requests. */
export function parseMultipart(body: string, boundary: string): BatchPart[] {
  const delimiter = `--${boundary}`;
  const sections = body.split(delimiter);
  const parts: BatchPart[] = [];
  for (const section of sections.slice(1)) {
    if (section.startsWith('--')) break;
    const { headers: mime, rest } = splitHeaders(section.replace(/^\r?\n/, ''));
    parts.push(parseHttpRequest(rest, mime['content-id']));
  }
  return parts;
}

function parseHttpRequest(text: string, contentId: string | undefined): BatchPart {
  const trimmed = text.replace(/^(\r?\n)+/, '');
  const lineEnd = trimmed.search(/\r?\n/);
  const requestLine = (lineEnd < 0 ? trimmed : trimmed.slice(0, lineEnd)).trim();
  const m = /^([A-Z]+)\s+(\S+)(\s+HTTP\/\d(\.\d)?)?$/.exec(requestLine);
  if (!m) throw new BatchFormatError(`Invalid request line in batch part: ${requestLine.slice(0, 80)}`);
  const afterLine = lineEnd < 0 ? '' : trimmed.slice(lineEnd).replace(/^\r?\n/, '');
  const { headers, rest } = splitHeaders(afterLine);
  return { contentId, method: m[1], url: m[2], headers, body: rest.replace(/\r?\n$/, '') };
}

/** Header block up to the first blank line; the rest is the body. */
function splitHeaders(text: string): { headers: Record<string, string>; rest: string } {
  const headers: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') {
      i += 1;
      break;
    }
    const cut = line.indexOf(':');
    if (cut > 0) headers[line.slice(0, cut).trim().toLowerCase()] = line.slice(cut + 1).trim();
  }
  return { headers, rest: lines.slice(i).join('\r\n') };
}

/** Outer headers apply to every part unless the part overrides them (Content-* excluded). */
function outerHeaders(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (typeof v === 'string' && !k.toLowerCase().startsWith('content-')) out[k.toLowerCase()] = v;
  }
  return out;
}

function toApiRequest(part: BatchPart, outer: Record<string, string>, baseUrl: string, mountPath: string): ApiRequest {
  const url = new URL(part.url, 'http://emulator');
  let path = url.pathname;
  if (mountPath && path.startsWith(mountPath + '/')) path = path.slice(mountPath.length);
  return {
    method: part.method,
    path,
    query: url.searchParams,
    headers: { ...outer, ...part.headers },
    body: part.body,
    baseUrl,
  };
}

export function formatMultipart(responses: { contentId?: string; response: ApiResponse }[], boundary: string): string {
  const chunks: string[] = [];
  for (const { contentId, response } of responses) {
    const body = response.body === undefined ? '' : JSON.stringify(response.body);
    const lines = [`--${boundary}`, 'Content-Type: application/http'];
    if (contentId) lines.push(`Content-ID: ${responseContentId(contentId)}`);
    lines.push('', `HTTP/1.1 ${response.status} ${STATUS_TEXT[response.status] ?? ''}`.trimEnd());
    if (body) lines.push('Content-Type: application/json; charset=UTF-8');
    for (const [k, v] of Object.entries(response.headers)) lines.push(`${k}: ${v}`);
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
    chunks.push(lines.join('\r\n'));
  }
  return `${chunks.join('\r\n')}\r\n--${boundary}--\r\n`;
}

/** <item1> → <response-item1>, the pairing Google documents. */
function responseContentId(contentId: string): string {
  const inner = contentId.replace(/^<|>$/g, '');
  return `<response-${inner}>`;
}
