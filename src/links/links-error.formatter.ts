import { ErrorCode, NormalizedError } from '../common/errors/error-codes';
import { RenderedError, SurfaceErrorFormatter } from '../common/errors/surface-error-formatter';

/**
 * CalendarBridge's Manage API answers with a message (`Sync already exists`). Validation
 * failures are 422 with the field errors — the seed's 500 for a missing property is a
 * limitation it admits, not a contract.
 */
export class LinksErrorFormatter implements SurfaceErrorFormatter {
  format(error: NormalizedError): RenderedError {
    const status = error.code === ErrorCode.ValidationFailed ? 422 : error.status;
    return {
      status,
      body: { message: error.message, ...(error.details ? { errors: error.details } : {}) },
    };
  }
}
