import { isProviderError, ProviderError } from '../../providers/provider-errors';

/** The seed's wording for a mailbox the provider does not know. */
export const MAILBOX_MISSING_MESSAGE = 'Error creating sync, users may not exist';

export type FailureVerdict =
  /** Waiting will not fix it: the link is `failed` and backs off. */
  | { kind: 'permanent'; message: string }
  /** The queue retries the job with back-off. */
  | { kind: 'transient'; message: string };

/** From the provider error taxonomy to what happens to the link, with a message a person can act on. */
export function judgeFailure(error: unknown): FailureVerdict {
  if (!isProviderError(error)) {
    return { kind: 'transient', message: `Unexpected error during sync: ${error instanceof Error ? error.message : String(error)}` };
  }
  return judgeProviderError(error);
}

function judgeProviderError(error: ProviderError): FailureVerdict {
  const provider = error.provider;
  switch (error.kind) {
    case 'MAILBOX_NOT_FOUND':
      return { kind: 'permanent', message: MAILBOX_MISSING_MESSAGE };
    case 'AUTH_REVOKED':
      return { kind: 'permanent', message: `Access to the ${provider} mailbox was revoked: the organisation's delegation no longer works (${error.message})` };
    case 'PERMISSION_DENIED':
      return { kind: 'permanent', message: `Not allowed at ${provider}: ${error.message}` };
    case 'QUOTA':
      return { kind: 'permanent', message: `${provider} quota exhausted: ${error.message}` };
    case 'INVALID_REQUEST':
    case 'NOT_FOUND':
      return { kind: 'permanent', message: `${provider} refused the sync: ${error.message}` };
    case 'TEMPORARY':
    case 'RATE_LIMITED':
    case 'SYNC_CURSOR_EXPIRED':
      return { kind: 'transient', message: `${provider} is temporarily unavailable: ${error.message}` };
  }
}
