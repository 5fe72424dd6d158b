import { randomUUID } from 'node:crypto';

/**
 * Graph's error envelope: {"error":{"code","message","innerError":{date, request-id,
 * client-request-id}}}. Handlers throw GraphHttpError; the pipeline turns it into a
 * response so that $batch sub-requests get the same body as top-level requests.
 */
export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: { date: string; 'request-id': string; 'client-request-id': string };
  };
}

export function graphErrorBody(code: string, message: string, requestId: string, clientRequestId?: string, now = new Date()): GraphErrorBody {
  return {
    error: {
      code,
      message,
      innerError: {
        // Graph prints the date without fractional seconds.
        date: now.toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': requestId,
        'client-request-id': clientRequestId ?? requestId,
      },
    },
  };
}

export function newRequestId(): string {
  return randomUUID();
}

// Shorthands for the errors the calendar endpoints raise, with Graph's codes.
export const badRequest = (message: string, code = 'BadRequest') => new GraphHttpError(400, code, message);
export const invalidRequest = (message: string) => new GraphHttpError(400, 'ErrorInvalidRequest', message);
export const itemNotFound = () => new GraphHttpError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
export const invalidUser = (user: string) => new GraphHttpError(404, 'ErrorInvalidUser', `The requested user '${user}' is invalid.`);
export const resourceNotFound = (user: string) =>
  new GraphHttpError(404, 'Request_ResourceNotFound', `Resource '${user}' does not exist or one of its queried reference-property objects are not present.`);
export const unauthenticated = (message: string) => new GraphHttpError(401, 'InvalidAuthenticationToken', message);
export const accessDenied = (message = 'Access is denied. Check credentials and try again.') => new GraphHttpError(403, 'ErrorAccessDenied', message);
export const unsupportedSegment = (path: string) =>
  new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${path.split('/').filter(Boolean).pop() ?? path}'.`);
export const methodNotAllowed = () => new GraphHttpError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
export const preconditionFailed = () =>
  new GraphHttpError(412, 'ErrorIrresolvableConflict', 'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.');
export const syncStateNotFound = () =>
  new GraphHttpError(410, 'SyncStateNotFound', 'The sync state generation is not found. Please do a full sync with an initial request.');

/** The identity platform's own error shape (token endpoint), not Graph's. */
export interface IdentityErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri?: string;
  suberror?: string;
}

export class IdentityHttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadsts: number,
    readonly description: string,
    /** e.g. consent_required: tells MSAL-style clients that only an interactive request helps. */
    readonly suberror?: string,
  ) {
    super(`${error}: AADSTS${aadsts}`);
  }

  toBody(now = new Date()): IdentityErrorBody {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = now.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
    return {
      error: this.error,
      error_description: `AADSTS${this.aadsts}: ${this.description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [this.aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${this.aadsts}`,
      ...(this.suberror ? { suberror: this.suberror } : {}),
    };
  }
}
