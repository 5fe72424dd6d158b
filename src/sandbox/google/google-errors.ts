/**
 * Google's JSON error shapes. The Calendar API uses the "legacy" envelope
 * {error:{code,message,errors:[{domain,reason,message}]}} documented at
 * https://developers.google.com/calendar/api/guides/errors ; OAuth endpoints use the
 * RFC 6749 shape {error, error_description}.
 */
export type GoogleErrorReason =
  | 'notFound'
  | 'deleted'
  | 'duplicate'
  | 'fullSyncRequired'
  | 'invalid'
  | 'required'
  | 'authError'
  | 'rateLimitExceeded'
  | 'userRateLimitExceeded'
  | 'forbidden'
  | 'insufficientPermissions'
  | 'timeRangeEmpty'
  | 'badRequest'
  | 'backendError'
  | 'internalError'
  | 'conditionNotMet'
  | 'channelIdNotUnique'
  | 'parseError'
  | 'updatedMinTooLongAgo'
  | 'requiredAccessLevel';

export interface GoogleErrorItem {
  domain: string;
  reason: string;
  message: string;
  location?: string;
  locationType?: string;
}

/** google.rpc.ErrorInfo, which Google adds to auth failures (`details`). */
export interface GoogleErrorInfo {
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo';
  reason: string;
  domain: string;
  metadata: Record<string, string>;
}

export interface GoogleErrorExtra {
  domain?: string;
  location?: string;
  locationType?: string;
  status?: string;
  /** errors[0].message when it differs from the top-level message (as for scope errors). */
  itemMessage?: string;
  details?: GoogleErrorInfo[];
}

export interface GoogleErrorBody {
  error: { code: number; message: string; errors: GoogleErrorItem[]; status?: string; details?: GoogleErrorInfo[] };
}

export class GoogleApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: GoogleErrorReason | string,
    message: string,
    readonly extra: GoogleErrorExtra = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): GoogleErrorBody {
    return googleErrorBody(this.status, this.reason, this.message, this.extra);
  }
}

export function googleErrorBody(
  status: number,
  reason: string,
  message: string,
  extra: GoogleErrorExtra = {},
): GoogleErrorBody {
  const item: GoogleErrorItem = { domain: extra.domain ?? 'global', reason, message: extra.itemMessage ?? message };
  if (extra.location) item.location = extra.location;
  if (extra.locationType) item.locationType = extra.locationType;
  const error: GoogleErrorBody['error'] = { code: status, message, errors: [item] };
  if (extra.status) error.status = extra.status;
  if (extra.details) error.details = extra.details;
  return { error };
}

export const errors = {
  notFound: (message = 'Not Found') => new GoogleApiError(404, 'notFound', message),
  deleted: () => new GoogleApiError(410, 'deleted', 'Resource has been deleted'),
  duplicate: () => new GoogleApiError(409, 'duplicate', 'The requested identifier already exists.'),
  fullSyncRequired: () =>
    new GoogleApiError(410, 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.', {
      domain: 'calendar',
      location: 'syncToken',
      locationType: 'parameter',
    }),
  updatedMinTooLongAgo: () =>
    new GoogleApiError(410, 'updatedMinTooLongAgo', 'The requested minimum modification time lies too far in the past.', {
      domain: 'calendar',
      location: 'updatedMin',
      locationType: 'parameter',
    }),
  invalid: (message: string, location?: string) =>
    new GoogleApiError(400, 'invalid', message, location ? { location, locationType: 'parameter' } : {}),
  required: (message: string, location?: string) =>
    new GoogleApiError(400, 'required', message, location ? { location, locationType: 'parameter' } : {}),
  badRequest: (message = 'Bad Request') => new GoogleApiError(400, 'badRequest', message),
  parseError: () => new GoogleApiError(400, 'parseError', 'Parse Error'),
  timeRangeEmpty: (location = 'timeMax') =>
    new GoogleApiError(400, 'timeRangeEmpty', 'The specified time range is empty.', {
      domain: 'calendar',
      location,
      locationType: 'parameter',
    }),
  authError: () =>
    new GoogleApiError(
      401,
      'authError',
      'Invalid Credentials',
      { location: 'Authorization', locationType: 'header', status: 'UNAUTHENTICATED' },
      { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
    ),
  /** What Google answers a token that lacks every scope the method accepts. */
  insufficientScopes: (rpcMethod: string) =>
    new GoogleApiError(
      403,
      'insufficientPermissions',
      'Request had insufficient authentication scopes.',
      {
        status: 'PERMISSION_DENIED',
        itemMessage: 'Insufficient Permission',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
            domain: 'googleapis.com',
            metadata: { service: 'calendar-json.googleapis.com', method: rpcMethod },
          },
        ],
      },
      { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="insufficient_scope"' },
    ),
  forbidden: (message = 'Forbidden') => new GoogleApiError(403, 'forbidden', message),
  /** A write into a calendar where the caller is only reader/freeBusyReader (https://developers.google.com/calendar/api/guides/errors). */
  requiredAccessLevel: () =>
    new GoogleApiError(403, 'requiredAccessLevel', 'You need to have writer access to this calendar.', { domain: 'calendar' }),
};

/** Default body for an injected fault that did not bring its own. */
export function defaultFaultBody(status: number): GoogleErrorBody {
  switch (status) {
    case 400:
      return googleErrorBody(400, 'badRequest', 'Bad Request');
    case 401:
      return errors.authError().toBody();
    case 403:
      return googleErrorBody(403, 'rateLimitExceeded', 'Rate Limit Exceeded', { domain: 'usageLimits' });
    case 404:
      return googleErrorBody(404, 'notFound', 'Not Found');
    case 409:
      return googleErrorBody(409, 'duplicate', 'The requested identifier already exists.');
    case 410:
      return errors.fullSyncRequired().toBody();
    case 429:
      return googleErrorBody(429, 'rateLimitExceeded', 'Rate Limit Exceeded', { domain: 'usageLimits' });
    case 500:
      return googleErrorBody(500, 'backendError', 'Backend Error');
    case 503:
      return googleErrorBody(503, 'backendError', 'Service unavailable. Please try again later.');
    default:
      return googleErrorBody(status, 'backendError', 'Error');
  }
}

/** OAuth endpoint errors (https://developers.google.com/identity/protocols/oauth2/web-server#exchange-authorization-code). */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }

  toBody(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}
