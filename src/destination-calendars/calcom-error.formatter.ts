import { NormalizedError } from '../common/errors/error-codes';
import { RenderedError, SurfaceErrorFormatter } from '../common/errors/surface-error-formatter';

/** cal.com v2 names its error codes after Nest's exception classes. */
const CALCOM_CODES: Record<number, string> = {
  400: 'BadRequestException',
  401: 'UnauthorizedException',
  403: 'ForbiddenException',
  404: 'NotFoundException',
  408: 'RequestTimeoutException',
  409: 'ConflictException',
  413: 'PayloadTooLargeException',
  415: 'UnsupportedMediaTypeException',
  422: 'UnprocessableEntityException',
  429: 'TooManyRequestsException',
  503: 'ServiceUnavailableException',
};

export class CalcomErrorFormatter implements SurfaceErrorFormatter {
  format(error: NormalizedError): RenderedError {
    return {
      status: error.status,
      body: {
        status: 'error',
        timestamp: new Date().toISOString(),
        error: {
          code: CALCOM_CODES[error.status] ?? 'InternalServerErrorException',
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        },
      },
    };
  }
}
