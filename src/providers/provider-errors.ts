/**
 * The provider error taxonomy. Drivers translate every provider failure into one of these kinds
 * (each driver has its own error parser); the sync engine decides from the kind alone whether to
 * retry, resync from scratch, back off or mark a link/connection failed. Never an HTTP exception.
 */
export type ProviderErrorKind =
  /** A transient failure (5xx, timeout, connection reset): retry later, nothing is wrong with the data. */
  | 'TEMPORARY'
  /** The provider asked us to slow down; `retryAfterMs` says for how long when it told us. */
  | 'RATE_LIMITED'
  /** The grant is gone (revoked refresh token, deleted app consent, disabled service account). */
  | 'AUTH_REVOKED'
  /** The event, calendar or subscription addressed does not exist (any more). */
  | 'NOT_FOUND'
  /** The mailbox (user) itself does not exist at the provider. */
  | 'MAILBOX_NOT_FOUND'
  /** The incremental cursor (sync token, delta link, sync-collection token) is no longer valid: list in full. */
  | 'SYNC_CURSOR_EXPIRED'
  /** Authenticated, but not allowed (scope too narrow, read-only calendar, admin policy). */
  | 'PERMISSION_DENIED'
  /** A hard quota that waiting a few seconds will not fix (daily limit, storage). */
  | 'QUOTA'
  /** The provider refused the request as malformed: a bug on our side or an event it cannot hold. */
  | 'INVALID_REQUEST';

export type ProviderName = 'google' | 'microsoft' | 'caldav';

export interface ProviderErrorDetails {
  provider: ProviderName;
  /** HTTP status the provider answered, when there was one. */
  status?: number;
  /** The provider's own reason code (Google `reason`, Graph `error.code`, a DAV precondition). */
  providerCode?: string;
  /** For RATE_LIMITED: how long the provider asked us to wait. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly provider: ProviderName;
  readonly status?: number;
  readonly providerCode?: string;
  readonly retryAfterMs?: number;

  constructor(kind: ProviderErrorKind, message: string, details: ProviderErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ProviderError';
    this.kind = kind;
    this.provider = details.provider;
    this.status = details.status;
    this.providerCode = details.providerCode;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** Whether waiting and trying the same request again can succeed. */
  get retryable(): boolean {
    return this.kind === 'TEMPORARY' || this.kind === 'RATE_LIMITED';
  }
}

export function isProviderError(error: unknown, kind?: ProviderErrorKind): error is ProviderError {
  return error instanceof ProviderError && (kind === undefined || error.kind === kind);
}
