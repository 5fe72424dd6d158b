import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { normalizeError } from './normalize-error';
import type { SurfaceName } from '../http/api-surface-errors';
import { SurfaceErrorFormatter } from './surface-error-formatter';

export interface SurfaceRoute {
  /** Path prefix, matched on whole segments (`/links` matches `/links/1`, not `/linksx`). */
  prefix: string;
  /** Names the error body documented for these routes (SURFACE_ERROR_SCHEMAS). */
  surface: Exclude<SurfaceName, 'default'>;
  formatter: SurfaceErrorFormatter;
}

/**
 * The single global filter. Body-parser and routing errors happen before any controller
 * is chosen, so the surface is picked from the path, and that surface's formatter renders it.
 */
@Catch()
export class SurfaceExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(
    private readonly routes: SurfaceRoute[],
    private readonly fallback: SurfaceErrorFormatter,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const normalized = normalizeError(exception);
    if (normalized.status >= 500) {
      // pino-http put the request id on the request; it ties this line to the access log.
      const requestId = (request as Request & { id?: unknown }).id;
      this.logger.error({ err: exception, path: request.path, requestId }, 'unhandled error');
    }
    if (response.headersSent) return;
    const rendered = this.formatterFor(request.path).format(normalized);
    for (const [name, value] of Object.entries(rendered.headers ?? {})) response.setHeader(name, value);
    response.status(rendered.status).json(rendered.body);
  }

  formatterFor(path: string): SurfaceErrorFormatter {
    const route = this.routes.find((r) => path === r.prefix || path.startsWith(`${r.prefix}/`));
    return route?.formatter ?? this.fallback;
  }
}
