import type { Request, Response } from 'express';
import { BodyTooLargeError, InvalidJsonError, parseJsonText, readTextBody } from '../shared/raw-body';
import { graphErrorBody, newRequestId } from './graph-errors';
import type { GraphRequest, GraphResponse } from './graph-request';
import type { GraphBatch } from './graph-batch';
import type { GraphService } from './graph-service';

const JSON_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
/** Graph rejects request bodies above 4 MB. */
const BODY_LIMIT = 4 * 1024 * 1024;

/** Express adapter for /graph/v1.0: raw request in, GraphRequest to the service, JSON out. */
export function graphHttpHandler(service: GraphService, batch: GraphBatch) {
  return async (req: Request, res: Response): Promise<void> => {
    let result: GraphResponse;
    try {
      const graphReq = await toGraphRequest(req);
      result = graphReq.path.toLowerCase() === '/$batch' && graphReq.method === 'POST' ? await batch.handle(graphReq) : await service.handle(graphReq);
    } catch (err) {
      result = bodyError(err);
    }
    send(res, result);
  };
}

async function toGraphRequest(req: Request): Promise<GraphRequest> {
  const text = await readTextBody(req, BODY_LIMIT);
  const url = req.url;
  const q = url.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return {
    method: req.method.toUpperCase(),
    path: q === -1 ? url : url.slice(0, q),
    query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
    headers,
    body: parseJsonText(text),
    serviceRoot: `${req.protocol}://${req.get('host')}${req.baseUrl}`,
  };
}

function bodyError(err: unknown): GraphResponse {
  const requestId = newRequestId();
  const headers = { 'request-id': requestId, 'client-request-id': requestId };
  if (err instanceof InvalidJsonError) {
    return { status: 400, headers, body: graphErrorBody('BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.', requestId) };
  }
  if (err instanceof BodyTooLargeError) return { status: 413, headers, body: graphErrorBody('RequestEntityTooLarge', 'The request body is too large.', requestId) };
  return { status: 500, headers, body: graphErrorBody('InternalServerError', (err as Error)?.message ?? 'Internal error', requestId) };
}

function send(res: Response, result: GraphResponse): void {
  res.status(result.status);
  for (const [k, v] of Object.entries(result.headers)) res.setHeader(k, v);
  if (result.body === undefined) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', JSON_CONTENT_TYPE);
  res.send(JSON.stringify(result.body));
}
