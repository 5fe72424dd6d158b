/**
 * Codes shared by every surface. Each surface's formatter turns a code into its own
 * wire shape (and may map it to a surface-specific code such as the ICS E17xx set).
 */
export const ErrorCode = {
  BadJson: 'BAD_JSON',
  BodyNotObject: 'BODY_NOT_OBJECT',
  BadContentEncoding: 'BAD_CONTENT_ENCODING',
  BodyTooDeep: 'BODY_TOO_DEEP',
  HeadersTooLarge: 'HEADERS_TOO_LARGE',
  MalformedRequest: 'MALFORMED_REQUEST',
  RequestTimeout: 'REQUEST_TIMEOUT',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  ValidationFailed: 'VALIDATION_FAILED',
  ApiKeyMissing: 'API_KEY_MISSING',
  ApiKeyInvalid: 'API_KEY_INVALID',
  Unauthorized: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  /** A valid credential of the wrong kind for the route (a user key on an organisation route, or the reverse). */
  CredentialNotAllowed: 'CREDENTIAL_NOT_ALLOWED',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  RateLimited: 'RATE_LIMITED',
  Internal: 'INTERNAL',
  /** A dependency (the database) failed: retry later. Never turned into a 401. */
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  DatabaseUnavailable: 'DATABASE_UNAVAILABLE',
} as const;

export type SharedErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface FieldError {
  field: string;
  message: string;
}

/** What every exception is reduced to before a surface formatter renders it. */
export interface NormalizedError {
  status: number;
  /** A SharedErrorCode, or a surface-specific code carried by a DomainException. */
  code: string;
  message: string;
  details?: FieldError[];
}
