import { parseGraphFailure, parseTokenFailure } from './graph-error-parser';

const graph = (code: string) => ({ error: { code, message: `${code} happened` } });

describe('Graph error parser', () => {
  it.each([
    [410, graph('SyncStateNotFound'), false, 'SYNC_CURSOR_EXPIRED'],
    [400, graph('resyncRequired'), false, 'SYNC_CURSOR_EXPIRED'],
    [404, graph('ErrorItemNotFound'), false, 'NOT_FOUND'],
    [404, graph('ErrorItemNotFound'), true, 'NOT_FOUND'],
    [404, graph('Request_ResourceNotFound'), true, 'MAILBOX_NOT_FOUND'],
    [404, graph('ResourceNotFound'), true, 'MAILBOX_NOT_FOUND'],
    [404, graph('ErrorInvalidUser'), false, 'MAILBOX_NOT_FOUND'],
    [404, graph('MailboxNotEnabledForRESTAPI'), false, 'MAILBOX_NOT_FOUND'],
    [403, graph('ErrorAccessDenied'), false, 'PERMISSION_DENIED'],
    [403, graph('ErrorQuotaExceeded'), false, 'QUOTA'],
    [401, graph('InvalidAuthenticationToken'), false, 'AUTH_REVOKED'],
    [429, graph('ApplicationThrottled'), false, 'RATE_LIMITED'],
    [503, graph('ServiceNotAvailable'), false, 'TEMPORARY'],
    [504, graph('GatewayTimeout'), false, 'TEMPORARY'],
    [400, graph('ErrorInvalidRecurrence'), false, 'INVALID_REQUEST'],
    [400, undefined, false, 'INVALID_REQUEST'],
  ] as const)('%i %j (addresses user: %s) → %s', (status, body, addressesUser, kind) => {
    const error = parseGraphFailure({ status, body, addressesUser, retryAfter: '3' });
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
    expect(error.provider).toBe('microsoft');
    expect(error.retryAfterMs).toBe(kind === 'RATE_LIMITED' || kind === 'TEMPORARY' ? 3000 : undefined);
  });

  it.each([
    [400, { error: 'invalid_grant', error_description: 'AADSTS50173: The provided grant has expired due to it being revoked.', error_codes: [50173] }, 'AUTH_REVOKED', 'AADSTS50173'],
    [400, { error: 'invalid_grant', error_description: 'AADSTS70008: The provided authorization code or refresh token has expired.', error_codes: [70008] }, 'AUTH_REVOKED', 'AADSTS70008'],
    [401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] }, 'AUTH_REVOKED', 'AADSTS7000215'],
    [400, { error: 'invalid_scope', error_description: 'AADSTS1002012: bad scope', error_codes: [1002012] }, 'PERMISSION_DENIED', 'AADSTS1002012'],
    [429, { error: 'temporarily_unavailable' }, 'RATE_LIMITED', 'temporarily_unavailable'],
    [500, undefined, 'TEMPORARY', undefined],
  ] as const)('token endpoint %i %j → %s', (status, body, kind, code) => {
    const error = parseTokenFailure(status, body);
    expect([error.kind, error.providerCode]).toEqual([kind, code]);
  });
});
