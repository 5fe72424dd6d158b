import { createServer, STATUS_CODES, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import express from 'express';
import { AppConfig } from '../config/app-config';
import { ErrorCode, NormalizedError } from '../errors/error-codes';
import { SurfaceErrorFormatter } from '../errors/surface-error-formatter';
import { API_SECURITY_HEADERS } from './security-headers';

/** Node's default max header size (`--max-http-header-size`): request line plus headers. */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * The Express adapter with our HTTP server: short header/request/keep-alive timeouts (Node's
 * 300 s request timeout let a half-sent body hold a connection for five minutes),
 * case-sensitive routing, and JSON answers for what Node's own parser refuses.
 */
export class HardenedExpressAdapter extends ExpressAdapter {
  constructor(
    private readonly limits: AppConfig['http'],
    private readonly formatterFor: (path: string | undefined) => SurfaceErrorFormatter,
  ) {
    super(caseSensitiveExpress());
  }

  override initHttpServer(options: NestApplicationOptions): void {
    if (options?.httpsOptions) return super.initHttpServer(options);
    const server = createServer(
      {
        headersTimeout: this.limits.headersTimeoutMs,
        requestTimeout: this.limits.requestTimeoutMs,
        keepAliveTimeout: this.limits.keepAliveTimeoutMs,
        // How often Node looks for expired requests (its default, 30 s, would blur the bounds).
        connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(this.limits.headersTimeoutMs / 4))),
        maxHeaderSize: MAX_HEADER_BYTES,
      },
      this.getInstance(),
    );
    server.keepAliveTimeout = this.limits.keepAliveTimeoutMs;
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket, this.formatterFor));
    this.setHttpServer(server);
  }
}

/**
 * Express reads the setting once, when its router is created — and ExpressAdapter's
 * constructor already creates it. Paths are case-sensitive (RFC 3986 §6.2.2.1), so `/ICS`
 * is no route, and not the ICS surface either.
 */
function caseSensitiveExpress(): express.Express {
  const app = express();
  app.set('case sensitive routing', true);
  return app;
}

/** What each parser failure means for the client; anything else is a malformed request. */
function describeClientError(error: NodeJS.ErrnoException): NormalizedError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: ErrorCode.HeadersTooLarge, message: `Request line and headers exceed ${MAX_HEADER_BYTES} bytes` };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: ErrorCode.RequestTimeout, message: 'Request was not received in time' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: ErrorCode.PayloadTooLarge, message: 'Chunk extensions are too large' };
    default:
      return { status: 400, code: ErrorCode.MalformedRequest, message: 'Malformed HTTP request' };
  }
}

/**
 * Node answers parser errors and timeouts with an empty body; this writes the same status
 * with a JSON body — in the request's surface shape when its path is known (a timed-out
 * body), the default shape otherwise — then closes. Like Node, it writes nothing when a
 * response has already started on this socket.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, formatterFor: (path: string | undefined) => SurfaceErrorFormatter): void {
  // A late write from the abandoned request must not become an unhandled 'error' event.
  socket.on('error', () => undefined);
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  // originalUrl: inside a mounted middleware Express has rewritten `url` relative to the mount.
  const request = inFlight?.req as (ServerResponse['req'] & { originalUrl?: string }) | undefined;
  const rendered = formatterFor(request?.originalUrl ?? request?.url).format(describeClientError(error));
  const body = JSON.stringify(rendered.body);
  const headers = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
    ...API_SECURITY_HEADERS,
    ...(rendered.headers ?? {}),
  };
  const head = [`HTTP/1.1 ${rendered.status} ${STATUS_CODES[rendered.status] ?? ''}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  socket.end(`${head}\r\n\r\n${body}`, () => socket.destroy());
}
