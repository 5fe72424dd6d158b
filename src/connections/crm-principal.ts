import { DomainException } from '../common/errors/domain.exception';
import { ErrorCode } from '../common/errors/error-codes';
import type { Principal } from '../tenancy/principal';

/** The CRM routes act for one user; BearerAuthGuard guarantees one, this keeps the type honest. */
export function requireUser(principal: Principal): number {
  if (principal.userId === undefined) throw new DomainException(ErrorCode.CredentialNotAllowed, 'These routes take a user token', 403);
  return principal.userId;
}
