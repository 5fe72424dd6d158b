import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DomainException } from '../errors/domain.exception';
import { ErrorCode } from '../errors/error-codes';
import { fromBodyParserError } from '../errors/normalize-error';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth';
import { hasMatchingRoute } from './route-match';

const TOO_DEEP = 'entity.too.deep';

/**
 * Body parsing as Nest middleware rather than Nest's built-in parser: a malformed or
 * oversized body then fails inside Nest, and the surface filters answer it in the
 * surface's own error shape instead of Express's HTML page.
 *
 * Only requests that some route will handle have their body read: an unknown path answers
 * 404 without the server buffering and parsing whatever was sent to it. GET and HEAD
 * bodies have no meaning (RFC 9110 §9.3.1) and are never parsed.
 */
@Injectable()
export class BodyParserMiddleware implements NestMiddleware {
  private readonly parseJson: RequestHandler;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // Every body is read as JSON whatever its content type: all our APIs take JSON, and a
    // `curl -d` without a content-type header should work rather than arrive empty.
    // `limit` counts decompressed bytes (body-parser inflates before it counts), so a
    // gzip bomb stops at the limit. Not `strict`: a scalar body is valid JSON and gets its
    // own "not an object" answer below rather than "not valid JSON".
    this.parseJson = express.json({ limit: config.bodyLimitBytes, strict: false, type: () => true, verify: refuseDeepNesting });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (req.method === 'GET' || req.method === 'HEAD' || !hasMatchingRoute(req)) return next();
    this.parseJson(req, res, (err?: unknown) => {
      if (err) return next(toDomainError(err, req));
      // undefined: no body was sent at all (a DELETE, say), which is not a wrong body.
      if (req.body !== undefined && (req.body === null || typeof req.body !== 'object')) {
        return next(new DomainException(ErrorCode.BodyNotObject, 'Request body must be a JSON object', 400));
      }
      next();
    });
  }
}

/** Runs on the raw bytes before JSON.parse, so nothing recursive ever sees a deep body. */
function refuseDeepNesting(_req: Request, _res: Response, body: Buffer, encoding: string): void {
  const text = encoding.toLowerCase() === 'utf-8' ? body : decodeOrUndefined(body, encoding);
  if (text !== undefined && exceedsJsonDepth(text)) {
    throw Object.assign(new Error(`Request body nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep`), { type: TOO_DEEP });
  }
}

function decodeOrUndefined(body: Buffer, encoding: string): string | undefined {
  try {
    return new TextDecoder(encoding).decode(body);
  } catch {
    return undefined; // a charset TextDecoder lacks: body-parser refuses or parses it itself
  }
}

function toDomainError(err: unknown, req: Request): unknown {
  const type = (err as { type?: unknown }).type;
  if (type === TOO_DEEP) return new DomainException(ErrorCode.BodyTooDeep, (err as Error).message, 400);
  const known = fromBodyParserError(err);
  if (known) return known;
  // A zlib failure (bad header, truncated stream, bad brotli data) carries no body-parser
  // type; it is the client's broken body, not our fault.
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const encoding = req.headers['content-encoding'];
    return encoding && encoding.toLowerCase() !== 'identity'
      ? new DomainException(ErrorCode.BadContentEncoding, `Request body could not be decoded as ${encoding}`, 400)
      : new DomainException(ErrorCode.BadJson, 'Request body could not be read', 400);
  }
  return err;
}
