import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { safeErrorSerializer } from './logger';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The only request headers that reach the log. An allowlist, not a list of secrets to hide:
 * a credential sent under a misspelt or unknown name (`cb-key`, `x_api_key`, `apikey`) is
 * then never written, whatever it is called.
 */
export const LOGGED_REQUEST_HEADERS = [
  'accept',
  'accept-encoding',
  'content-length',
  'content-type',
  'host',
  'origin',
  'user-agent',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-request-id',
] as const;

function loggedHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const name of LOGGED_REQUEST_HEADERS) if (headers[name] !== undefined) kept[name] = headers[name];
  return kept;
}

/** One JSON line per request, with a request id that is echoed back as `x-request-id`. */
export function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
    serializers: {
      err: safeErrorSerializer,
      req: (req: { id: unknown; method: string; url: string; headers: Record<string, unknown> }) => ({
        id: req.id,
        method: req.method,
        // Query strings can carry OAuth codes and tokens: keep the path only.
        url: req.url.split('?')[0],
        headers: loggedHeaders(req.headers),
      }),
    },
  });
}
