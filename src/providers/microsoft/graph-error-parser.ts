import { ProviderError, type ProviderErrorKind } from '../provider-errors';
import { parseRetryAfter } from '../shared/provider-retry';

/**
 * Graph and identity-platform failures → the provider error taxonomy.
 * https://learn.microsoft.com/en-us/graph/errors
 * https://learn.microsoft.com/en-us/graph/delta-query-overview#synchronization-reset (410, SyncStateNotFound, resyncRequired)
 * https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes
 */

export interface GraphFailure {
  status: number;
  /** Parsed JSON body, when there was one. */
  body?: unknown;
  retryAfter?: string | null;
  /** What was addressed, for the message and for /users/{upn} → MAILBOX_NOT_FOUND. */
  request?: string;
  /** The request addressed a mailbox through /users/{upn}. */
  addressesUser?: boolean;
}

const CURSOR_EXPIRED_CODES = new Set(['syncstatenotfound', 'syncstateinvalid', 'resyncrequired', 'resyncapplicationneeded', 'resyncchangesapplydifferencesthenrestart']);
const MAILBOX_CODES = new Set(['errorinvaliduser', 'mailboxnotenabledforrestapi', 'mailboxnotsupportedforrestapi', 'errornonexistentmailbox', 'request_resourcenotfound']);
const NOT_FOUND_CODES = new Set(['erroritemnotfound', 'itemnotfound', 'resourcenotfound', 'errorfoldernotfound', 'errorcalendarnotfound', 'notfound']);
const DENIED_CODES = new Set(['erroraccessdenied', 'accessdenied', 'authorization_requestdenied', 'forbidden', 'erroritemnotfoundinaccessiblefolder']);
const QUOTA_CODES = new Set(['errorquotaexceeded', 'quotaexceeded', 'errorinsufficientresources']);
/** AADSTS codes that mean the grant itself is gone (the user or an admin revoked it, it expired, the password changed…). */
const REVOKED_AADSTS = new Set([50173, 70008, 70043, 700082, 700084, 50076, 50078, 50079, 65001, 50034, 50057, 50133, 54005, 500341, 7000222, 7000215, 700016]);

/** `error.code` of a Graph error body (or the identity platform's `error`). */
export function graphErrorCode(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object' && typeof (error as { code?: unknown }).code === 'string') return (error as { code: string }).code;
  return undefined;
}

function graphErrorMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { error?: { message?: unknown } | string; error_description?: unknown };
  if (typeof b.error_description === 'string') return b.error_description;
  if (b.error && typeof b.error === 'object' && typeof b.error.message === 'string') return b.error.message;
  return undefined;
}

export function parseGraphFailure(failure: GraphFailure): ProviderError {
  const code = graphErrorCode(failure.body);
  const lower = code?.toLowerCase() ?? '';
  const kind = kindOf(failure.status, lower, failure.addressesUser ?? false);
  const text = graphErrorMessage(failure.body) ?? `HTTP ${failure.status}`;
  return new ProviderError(kind, `Microsoft Graph ${failure.request ?? 'request'} failed: ${code ?? failure.status} ${text}`.trim(), {
    provider: 'microsoft',
    status: failure.status,
    providerCode: code,
    retryAfterMs: kind === 'RATE_LIMITED' || kind === 'TEMPORARY' ? parseRetryAfter(failure.retryAfter) : undefined,
  });
}

function kindOf(status: number, code: string, addressesUser: boolean): ProviderErrorKind {
  if (status === 410 || CURSOR_EXPIRED_CODES.has(code)) return 'SYNC_CURSOR_EXPIRED';
  if (status === 429 || code === 'applicationthrottled' || code === 'toomanyrequests' || code === 'errorserverbusy') return 'RATE_LIMITED';
  if (status >= 500 || status === 408) return 'TEMPORARY';
  if (status === 401) return 'AUTH_REVOKED';
  if (MAILBOX_CODES.has(code)) return 'MAILBOX_NOT_FOUND';
  if (status === 404) return addressesUser && code !== 'erroritemnotfound' && code !== 'itemnotfound' ? 'MAILBOX_NOT_FOUND' : 'NOT_FOUND';
  if (NOT_FOUND_CODES.has(code)) return 'NOT_FOUND';
  if (status === 403 && QUOTA_CODES.has(code)) return 'QUOTA';
  if (status === 403 || DENIED_CODES.has(code)) return 'PERMISSION_DENIED';
  if (status === 507 || QUOTA_CODES.has(code)) return 'QUOTA';
  return 'INVALID_REQUEST';
}

/**
 * A token-endpoint failure. `invalid_grant` (AADSTS70008 expired, AADSTS50173 revoked, AADSTS700082
 * inactive…) and `unauthorized_client`/`invalid_client` mean the grant or the app is gone: AUTH_REVOKED.
 */
export function parseTokenFailure(status: number, body: unknown, retryAfter?: string | null): ProviderError {
  const error = graphErrorCode(body) ?? '';
  const codes = ((body as { error_codes?: unknown })?.error_codes as number[] | undefined) ?? [];
  const description = graphErrorMessage(body) ?? `HTTP ${status}`;
  let kind: ProviderErrorKind;
  if (status === 429) kind = 'RATE_LIMITED';
  else if (status >= 500) kind = 'TEMPORARY';
  else if (error === 'invalid_grant' || error === 'invalid_client' || error === 'unauthorized_client' || codes.some((c) => REVOKED_AADSTS.has(c))) kind = 'AUTH_REVOKED';
  else if (error === 'invalid_scope' || error === 'consent_required' || error === 'interaction_required') kind = 'PERMISSION_DENIED';
  else kind = 'INVALID_REQUEST';
  return new ProviderError(kind, `Microsoft identity platform: ${error} ${description}`.trim(), {
    provider: 'microsoft',
    status,
    providerCode: codes.length > 0 ? `AADSTS${codes[0]}` : error || undefined,
    retryAfterMs: parseRetryAfter(retryAfter),
  });
}
