import { Logger } from '@nestjs/common';
import { DomainException } from '../../common/errors/domain.exception';
import { ErrorCode } from '../../common/errors/error-codes';
import { Principal } from '../principal';

/**
 * Which credential kind each family of routes takes, in one place (SPEC 3): organisation
 * routes (`cb_key`, `x-api-key`, `/tenant/*`) take organisation keys only; the bearer APIs
 * take user credentials only (a JWT or a `cal_` user key). A valid credential of the wrong
 * kind is 403, so the caller learns the key is real but meant for another API.
 */
export const USER_KEY_REFUSED = 'This route takes an organisation API key; user-scoped (cal_) keys are for the bearer APIs only';
export const ORGANISATION_KEY_REFUSED = 'This route takes a user credential (JWT or cal_ user key), not an organisation API key';

export function requireOrganisationKey(principal: Principal): Principal {
  if (principal.userId !== undefined) throw new DomainException(ErrorCode.CredentialNotAllowed, USER_KEY_REFUSED, 403);
  return principal;
}

export function requireUserCredential(principal: Principal): Principal {
  if (principal.userId === undefined) throw new DomainException(ErrorCode.CredentialNotAllowed, ORGANISATION_KEY_REFUSED, 403);
  return principal;
}

const logger = new Logger('Auth');

/**
 * A failure to *check* a credential (database down, pool exhausted, a query error) is not a
 * bad credential: answering 401 would tell a client to drop a valid token and would hide the
 * outage. It becomes 503 and an error-level log line (the error serializer strips SQL values).
 */
export function authenticationUnavailable(cause: unknown): DomainException {
  if (cause instanceof DomainException) return cause;
  logger.error({ err: cause, msg: 'could not check a credential: authentication is unavailable' });
  return new DomainException(ErrorCode.ServiceUnavailable, 'Service unavailable: the credential could not be checked, retry later', 503);
}

export async function checkingCredential<T>(lookup: () => Promise<T>): Promise<T> {
  try {
    return await lookup();
  } catch (error) {
    throw authenticationUnavailable(error);
  }
}
