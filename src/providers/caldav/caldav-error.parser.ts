import { ProviderError } from '../provider-errors';
import { parseRetryAfter } from '../shared/provider-retry';

/**
 * CalDAV (RFC 4791 / RFC 6578) answers → the provider error taxonomy. DAV servers speak plain
 * HTTP statuses plus XML preconditions in the body; the one that matters for sync is
 * DAV:valid-sync-token (RFC 6578 §3.2), which means "forget the cursor, list in full".
 */
export function caldavError(status: number, body: string, headers: Headers, context: string): ProviderError {
  const details = { provider: 'caldav' as const, status };
  if (hasPrecondition(body, 'valid-sync-token')) {
    return new ProviderError('SYNC_CURSOR_EXPIRED', `${context}: the server no longer knows this sync token`, { ...details, providerCode: 'valid-sync-token' });
  }
  switch (status) {
    case 401:
      return new ProviderError('AUTH_REVOKED', `${context}: the CalDAV server refused the credentials`, details);
    case 403:
      return new ProviderError('PERMISSION_DENIED', `${context}: not allowed`, details);
    case 404:
    case 410:
      return new ProviderError('NOT_FOUND', `${context}: not found`, details);
    case 412:
      return new ProviderError('TEMPORARY', `${context}: changed at the server meanwhile (etag mismatch)`, { ...details, providerCode: 'precondition-failed' });
    case 429:
      return new ProviderError('RATE_LIMITED', `${context}: too many requests`, { ...details, retryAfterMs: parseRetryAfter(headers.get('retry-after')) });
    case 507:
      return new ProviderError('QUOTA', `${context}: the server is out of storage`, details);
    default:
      if (status >= 500) {
        return new ProviderError('TEMPORARY', `${context}: server error ${status}`, { ...details, retryAfterMs: parseRetryAfter(headers.get('retry-after')) });
      }
      return new ProviderError('INVALID_REQUEST', `${context}: refused with ${status}`, details);
  }
}

/** A network failure (refused, reset, timed out) before any answer. */
export function caldavNetworkError(error: unknown, context: string): ProviderError {
  return new ProviderError('TEMPORARY', `${context}: ${error instanceof Error ? error.message : String(error)}`, { provider: 'caldav', cause: error });
}

/** `<D:valid-sync-token/>` or `<valid-sync-token xmlns="DAV:"/>` in an error body, without a regex on the body. */
function hasPrecondition(body: string, name: string): boolean {
  return body.length < 100_000 && body.includes(name);
}
