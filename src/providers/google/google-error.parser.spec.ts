import { googleApiError, googleFailure, googleOAuthError } from './google-error.parser';

const apiBody = (code: number, reason: string, domain = 'global') => ({ error: { code, message: `m-${reason}`, errors: [{ domain, reason, message: `m-${reason}` }] } });

describe('Google error parser', () => {
  it.each([
    [400, 'invalid', 'INVALID_REQUEST'],
    [400, 'timeRangeEmpty', 'INVALID_REQUEST'],
    [401, 'authError', 'AUTH_REVOKED'],
    [403, 'insufficientPermissions', 'PERMISSION_DENIED'],
    [403, 'forbidden', 'PERMISSION_DENIED'],
    [403, 'rateLimitExceeded', 'RATE_LIMITED'],
    [403, 'userRateLimitExceeded', 'RATE_LIMITED'],
    [403, 'quotaExceeded', 'QUOTA'],
    [403, 'dailyLimitExceeded', 'QUOTA'],
    [404, 'notFound', 'NOT_FOUND'],
    [409, 'duplicate', 'INVALID_REQUEST'],
    [410, 'fullSyncRequired', 'SYNC_CURSOR_EXPIRED'],
    [410, 'updatedMinTooLongAgo', 'SYNC_CURSOR_EXPIRED'],
    [410, 'deleted', 'NOT_FOUND'],
    [429, 'rateLimitExceeded', 'RATE_LIMITED'],
    [500, 'backendError', 'TEMPORARY'],
    [503, 'backendError', 'TEMPORARY'],
  ])('API %i %s → %s', (status, reason, kind) => {
    const error = googleApiError(status, apiBody(status, reason));
    expect({ kind: error.kind, status: error.status, providerCode: error.providerCode, message: error.message }).toEqual({
      kind,
      status,
      providerCode: reason,
      message: `Google Calendar: m-${reason}`,
    });
  });

  it('reads Retry-After for rate limits and the google.rpc ErrorInfo style', () => {
    expect(googleApiError(429, apiBody(429, 'rateLimitExceeded'), '7').retryAfterMs).toBe(7_000);
    expect(googleApiError(403, apiBody(403, 'insufficientPermissions'), '7').retryAfterMs).toBeUndefined();
    const rpc = { error: { code: 429, message: 'Quota', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'RATE_LIMIT_EXCEEDED' }] } };
    expect(googleApiError(429, rpc)).toMatchObject({ kind: 'RATE_LIMITED', providerCode: 'rateLimitExceeded' });
    expect(googleApiError(502, '<html>bad gateway</html>')).toMatchObject({ kind: 'TEMPORARY', message: 'Google Calendar: Google answered HTTP 502' });
  });

  it.each([
    [400, 'invalid_grant', 'Token has been expired or revoked.', 'AUTH_REVOKED'],
    [400, 'invalid_grant', 'Invalid email or User ID', 'MAILBOX_NOT_FOUND'],
    [401, 'unauthorized_client', 'Client is unauthorized to retrieve access tokens using this method.', 'PERMISSION_DENIED'],
    [400, 'invalid_scope', 'Some requested scopes were invalid.', 'PERMISSION_DENIED'],
    [401, 'invalid_client', 'The OAuth client was not found.', 'AUTH_REVOKED'],
    [400, 'invalid_request', 'Missing required parameter: code', 'INVALID_REQUEST'],
    [503, 'temporarily_unavailable', '', 'TEMPORARY'],
  ])('OAuth %i %s (%s) → %s', (status, error, description, kind) => {
    expect(googleOAuthError(status, { error, error_description: description })).toMatchObject({ kind, status, providerCode: error });
  });

  it('a failure without a response (timeout, reset) is temporary; a gaxios error is read from its response', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const failure = googleFailure(timeout, 'api');
    expect(failure).toMatchObject({ kind: 'TEMPORARY', status: undefined });
    expect(failure.message).toBe('Google unreachable: TimeoutError: The operation was aborted due to timeout');
    // The request (with its Authorization header) is not kept on the error, so logging it leaks nothing.
    expect(failure.cause).toBeUndefined();
    const gaxios = Object.assign(new Error('x'), { response: { status: 410, data: JSON.stringify(apiBody(410, 'fullSyncRequired')), headers: new Headers() } });
    expect(googleFailure(gaxios, 'api')).toMatchObject({ kind: 'SYNC_CURSOR_EXPIRED', status: 410 });
    const token = Object.assign(new Error('invalid_grant: Invalid email or User ID'), { response: { status: 400, data: { error: 'invalid_grant', error_description: 'Invalid email or User ID' }, headers: {} } });
    expect(googleFailure(token, 'oauth')).toMatchObject({ kind: 'MAILBOX_NOT_FOUND' });
  });
});
