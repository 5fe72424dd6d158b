import { HttpException, HttpStatus } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { DomainException } from './domain.exception';
import { ErrorCode, NormalizedError } from './error-codes';

/** body-parser marks its failures with `type`; we map each to a clear 4xx. */
const BODY_PARSER_ERRORS: Record<string, Omit<NormalizedError, 'message'> & { message: string }> = {
  'entity.parse.failed': { status: 400, code: ErrorCode.BadJson, message: 'Request body is not valid JSON' },
  'entity.too.large': { status: 413, code: ErrorCode.PayloadTooLarge, message: 'Request body is too large' },
  'encoding.unsupported': { status: 415, code: ErrorCode.UnsupportedMediaType, message: 'Unsupported content encoding' },
  'charset.unsupported': { status: 415, code: ErrorCode.UnsupportedMediaType, message: 'Unsupported charset' },
  'request.aborted': { status: 400, code: ErrorCode.BadJson, message: 'Request body was aborted' },
};

/** Turns a body-parser failure into a DomainException, or returns undefined for anything else. */
export function fromBodyParserError(error: unknown): DomainException | undefined {
  const parserType = (error as { type?: unknown })?.type;
  if (typeof parserType !== 'string' || !BODY_PARSER_ERRORS[parserType]) return undefined;
  const { code, message, status } = BODY_PARSER_ERRORS[parserType];
  return new DomainException(code, message, status);
}

const STATUS_CODES: Record<number, string> = {
  [HttpStatus.BAD_REQUEST]: ErrorCode.ValidationFailed,
  [HttpStatus.UNAUTHORIZED]: ErrorCode.Unauthorized,
  [HttpStatus.FORBIDDEN]: ErrorCode.Forbidden,
  [HttpStatus.NOT_FOUND]: ErrorCode.NotFound,
  [HttpStatus.METHOD_NOT_ALLOWED]: ErrorCode.NotFound,
  [HttpStatus.CONFLICT]: ErrorCode.Conflict,
  [HttpStatus.PAYLOAD_TOO_LARGE]: ErrorCode.PayloadTooLarge,
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: ErrorCode.UnsupportedMediaType,
  [HttpStatus.TOO_MANY_REQUESTS]: ErrorCode.RateLimited,
  [HttpStatus.SERVICE_UNAVAILABLE]: ErrorCode.ServiceUnavailable,
};

/** Postgres `unique_violation`: two requests created the same row at once (the loser gets it). */
const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: unknown } | undefined)?.code === UNIQUE_VIOLATION;
}

export function normalizeError(error: unknown): NormalizedError {
  if (error instanceof DomainException) {
    return { status: error.status, code: error.code, message: error.message, details: error.details };
  }
  if (error instanceof HttpException) return fromHttpException(error);
  // The message names no value: Postgres' own detail ("Key (…)=(…)") may be a secret's hash.
  if (isUniqueViolation(error)) return { status: 409, code: ErrorCode.Conflict, message: 'Conflict: the resource already exists' };
  return { status: 500, code: ErrorCode.Internal, message: 'Internal server error' };
}

function fromHttpException(error: HttpException): NormalizedError {
  const status = error.getStatus();
  const response = error.getResponse();
  const message =
    typeof response === 'string'
      ? response
      : typeof (response as { message?: unknown }).message === 'string'
        ? (response as { message: string }).message
        : error.message;
  const code = STATUS_CODES[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.ValidationFailed);
  return { status, code, message: status >= 500 ? 'Internal server error' : message };
}
