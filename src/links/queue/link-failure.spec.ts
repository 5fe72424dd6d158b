import { ProviderError, ProviderErrorKind } from '../../providers/provider-errors';
import { judgeFailure, MAILBOX_MISSING_MESSAGE } from './link-failure';

const error = (kind: ProviderErrorKind, message = 'detail') => new ProviderError(kind, message, { provider: 'google' });

describe('judgeFailure', () => {
  it("a missing mailbox is permanent, with the seed's words", () => {
    expect(judgeFailure(error('MAILBOX_NOT_FOUND'))).toEqual({ kind: 'permanent', message: MAILBOX_MISSING_MESSAGE });
    expect(MAILBOX_MISSING_MESSAGE).toBe('Error creating sync, users may not exist');
  });

  it.each<ProviderErrorKind>(['AUTH_REVOKED', 'PERMISSION_DENIED', 'QUOTA', 'INVALID_REQUEST', 'NOT_FOUND'])('%s marks the link failed', (kind) => {
    expect(judgeFailure(error(kind)).kind).toBe('permanent');
  });

  it.each<ProviderErrorKind>(['TEMPORARY', 'RATE_LIMITED', 'SYNC_CURSOR_EXPIRED'])('%s goes back to the queue', (kind) => {
    expect(judgeFailure(error(kind)).kind).toBe('transient');
  });

  it('an error that is not a provider error is retried, its message kept', () => {
    expect(judgeFailure(new Error('connection reset'))).toEqual({ kind: 'transient', message: 'Unexpected error during sync: connection reset' });
  });
});
