import { NormalizedError } from './error-codes';
import { httpReason } from './http-reason';
import { RenderedError, SurfaceErrorFormatter } from './surface-error-formatter';

/** Admin API, health and anything outside the four public surfaces. */
export class DefaultErrorFormatter implements SurfaceErrorFormatter {
  format(error: NormalizedError): RenderedError {
    return {
      status: error.status,
      body: {
        statusCode: error.status,
        error: httpReason(error.status),
        code: error.code,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
      },
    };
  }
}
