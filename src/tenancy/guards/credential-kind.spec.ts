import { Logger } from '@nestjs/common';
import { DomainException } from '../../common/errors/domain.exception';
import {
  authenticationUnavailable,
  checkingCredential,
  ORGANISATION_KEY_REFUSED,
  requireOrganisationKey,
  requireUserCredential,
  USER_KEY_REFUSED,
} from './credential-kind';

const orgKey = { tenantId: 't1', apiKeyId: 'k1', via: 'api-key' as const };
const userKey = { tenantId: 't1', userId: 7, apiKeyId: 'k2', via: 'api-key' as const };

function thrown(fn: () => unknown): DomainException {
  try {
    fn();
  } catch (error) {
    return error as DomainException;
  }
  throw new Error('expected a throw');
}

describe('credential kinds', () => {
  afterEach(() => jest.restoreAllMocks());

  it('organisation routes take organisation keys and refuse user keys with 403', () => {
    expect(requireOrganisationKey(orgKey)).toBe(orgKey);
    const error = thrown(() => requireOrganisationKey(userKey));
    expect(error).toBeInstanceOf(DomainException);
    expect({ code: error.code, status: error.status, message: error.message }).toEqual({
      code: 'CREDENTIAL_NOT_ALLOWED',
      status: 403,
      message: 'This route takes an organisation API key; user-scoped (cal_) keys are for the bearer APIs only',
    });
    expect(USER_KEY_REFUSED).toBe(error.message);
  });

  it('bearer routes take user credentials and refuse organisation keys with 403', () => {
    expect(requireUserCredential(userKey)).toBe(userKey);
    const error = thrown(() => requireUserCredential(orgKey));
    expect({ code: error.code, status: error.status, message: error.message }).toEqual({
      code: 'CREDENTIAL_NOT_ALLOWED',
      status: 403,
      message: 'This route takes a user credential (JWT or cal_ user key), not an organisation API key',
    });
    expect(ORGANISATION_KEY_REFUSED).toBe(error.message);
  });

  it('a failure to check a credential is a logged 503, never a 401', () => {
    const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const cause = new Error('connection refused');
    const error = authenticationUnavailable(cause);
    expect({ code: error.code, status: error.status, message: error.message }).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      status: 503,
      message: 'Service unavailable: the credential could not be checked, retry later',
    });
    expect(log).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith({ err: cause, msg: 'could not check a credential: authentication is unavailable' });
  });

  it('a DomainException raised while checking passes through unchanged and unlogged', () => {
    const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const own = new DomainException('UNAUTHORIZED', 'nope', 401);
    expect(authenticationUnavailable(own)).toBe(own);
    expect(log).not.toHaveBeenCalled();
  });

  it('checkingCredential returns the lookup result or turns its failure into a 503', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await expect(checkingCredential(() => Promise.resolve(orgKey))).resolves.toBe(orgKey);
    await expect(checkingCredential(() => Promise.resolve(null))).resolves.toBeNull();
    await expect(checkingCredential(() => Promise.reject(new Error('db down')))).rejects.toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    await expect(checkingCredential(() => Promise.reject(new DomainException('X', 'y', 418)))).rejects.toMatchObject({ status: 418, code: 'X' });
  });
});
