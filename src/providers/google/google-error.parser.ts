import { ProviderError, type ProviderErrorKind } from '../provider-errors';
import { parseRetryAfter } from '../shared/provider-retry';

/**
 * Turns Google's answers into the provider error taxonomy. Two shapes exist:
 * the Calendar API's `{error:{code,message,errors:[{domain,reason,message}]}}`
 * (https://developers.google.com/calendar/api/guides/errors) and the OAuth server's
 * RFC 6749 `{error, error_description}`
 * (https://developers.google.com/identity/protocols/oauth2/web-server#exchange-authorization-code).
 */

interface ApiErrorItem {
  reason?: string;
  domain?: string;
  message?: string;
}

const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
const QUOTA_REASONS = new Set(['quotaExceeded', 'dailyLimitExceeded', 'dailyLimitExceededUnreg']);
const SYNC_EXPIRED_REASONS = new Set(['fullSyncRequired', 'updatedMinTooLongAgo']);

/** A failed Calendar API call (a whole response or one batch part). */
export function googleApiError(status: number, body: unknown, retryAfterHeader?: string | null): ProviderError {
  const item = firstErrorItem(body);
  const reason = item?.reason;
  const message = apiMessage(body) ?? item?.message ?? `Google answered HTTP ${status}`;
  const kind = apiErrorKind(status, reason);
  return new ProviderError(kind, `Google Calendar: ${message}`, {
    provider: 'google',
    status,
    providerCode: reason,
    retryAfterMs: kind === 'RATE_LIMITED' || kind === 'TEMPORARY' ? parseRetryAfter(retryAfterHeader) : undefined,
  });
}

function apiErrorKind(status: number, reason: string | undefined): ProviderErrorKind {
  if (reason && RATE_LIMIT_REASONS.has(reason)) return 'RATE_LIMITED';
  if (reason && QUOTA_REASONS.has(reason)) return 'QUOTA';
  if (status === 410) return reason && SYNC_EXPIRED_REASONS.has(reason) ? 'SYNC_CURSOR_EXPIRED' : 'NOT_FOUND';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500) return 'TEMPORARY';
  if (status === 401) return 'AUTH_REVOKED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 408) return 'TEMPORARY';
  return 'INVALID_REQUEST';
}

/** A failed call to the OAuth token endpoint (refresh, code exchange, JWT-bearer grant). */
export function googleOAuthError(status: number, body: unknown, retryAfterHeader?: string | null): ProviderError {
  const { error, description } = oauthFields(body);
  const kind = oauthErrorKind(status, error, description);
  return new ProviderError(kind, `Google OAuth: ${error ?? `HTTP ${status}`}${description ? ` (${description})` : ''}`, {
    provider: 'google',
    status,
    providerCode: error,
    retryAfterMs: kind === 'RATE_LIMITED' || kind === 'TEMPORARY' ? parseRetryAfter(retryAfterHeader) : undefined,
  });
}

function oauthErrorKind(status: number, error: string | undefined, description: string | undefined): ProviderErrorKind {
  if (status >= 500) return 'TEMPORARY';
  if (status === 429) return 'RATE_LIMITED';
  switch (error) {
    case 'invalid_grant':
      // Domain-wide delegation for a `sub` the Workspace does not know: the mailbox does not exist.
      // https://developers.google.com/identity/protocols/oauth2/service-account#error-codes
      return /invalid email or user id/i.test(description ?? '') ? 'MAILBOX_NOT_FOUND' : 'AUTH_REVOKED';
    case 'invalid_client':
    case 'deleted_client':
      return 'AUTH_REVOKED';
    case 'unauthorized_client':
    case 'access_denied':
    case 'invalid_scope':
    case 'admin_policy_enforced':
      return 'PERMISSION_DENIED';
    default:
      return 'INVALID_REQUEST';
  }
}

/**
 * Any failure thrown by an HTTP call through gaxios (googleapis, google-auth-library) or fetch.
 * A response means Google answered; no response means the request never completed
 * (timeout, reset, DNS): temporary.
 */
export function googleFailure(error: unknown, endpoint: 'api' | 'oauth'): ProviderError {
  if (error instanceof ProviderError) return error;
  const response = responseOf(error);
  if (response) {
    return endpoint === 'oauth'
      ? googleOAuthError(response.status, response.data, response.retryAfter)
      : googleApiError(response.status, response.data, response.retryAfter);
  }
  // No `cause`: a gaxios error carries its request (Authorization header, refresh token, client secret).
  const { name, message } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown };
  const reason = typeof message === 'string' ? `${typeof name === 'string' ? name : 'Error'}: ${message}` : 'unknown failure';
  return new ProviderError('TEMPORARY', `Google unreachable: ${reason}`, { provider: 'google' });
}

function responseOf(error: unknown): { status: number; data: unknown; retryAfter: string | null } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const response = (error as { response?: { status?: unknown; data?: unknown; headers?: unknown } }).response;
  if (!response || typeof response.status !== 'number') return undefined;
  return { status: response.status, data: parseMaybeJson(response.data), retryAfter: headerValue(response.headers, 'retry-after') };
}

function headerValue(headers: unknown, name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  const record = headers as Record<string, unknown>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return typeof value === 'string' ? value : null;
}

export function parseMaybeJson(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}

function firstErrorItem(body: unknown): ApiErrorItem | undefined {
  const error = (body as { error?: { errors?: unknown } } | undefined)?.error;
  const items = typeof error === 'object' && error !== null ? (error as { errors?: unknown }).errors : undefined;
  if (Array.isArray(items) && items.length > 0 && typeof items[0] === 'object' && items[0] !== null) {
    return items[0] as ApiErrorItem;
  }
  // Newer Google APIs put the reason in error.details[].reason (google.rpc.ErrorInfo).
  const details = typeof error === 'object' && error !== null ? (error as { details?: unknown }).details : undefined;
  if (Array.isArray(details)) {
    const info = details.find((d): d is { reason: string } => typeof (d as { reason?: unknown })?.reason === 'string');
    if (info) return { reason: camelReason(info.reason) };
  }
  return undefined;
}

/** RATE_LIMIT_EXCEEDED → rateLimitExceeded, so both error styles meet the same table. */
function camelReason(reason: string): string {
  if (!reason.includes('_')) return reason;
  return reason.toLowerCase().replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function apiMessage(body: unknown): string | undefined {
  const error = (body as { error?: unknown } | undefined)?.error;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return undefined;
}

function oauthFields(body: unknown): { error?: string; description?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const { error, error_description } = body as { error?: unknown; error_description?: unknown };
  return {
    error: typeof error === 'string' ? error : undefined,
    description: typeof error_description === 'string' ? error_description : undefined,
  };
}
