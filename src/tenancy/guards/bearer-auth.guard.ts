import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { looksLikeApiKey } from '../../common/crypto/api-key-hash';
import { DomainException } from '../../common/errors/domain.exception';
import { ErrorCode } from '../../common/errors/error-codes';
import { Principal, RequestWithPrincipal } from '../principal';
import { TenancyService } from '../tenancy.service';
import { authenticationUnavailable, checkingCredential, requireUserCredential } from './credential-kind';

/**
 * `Authorization: Bearer <jwt>` for the SPA, or `Bearer cal_…` (a user-scoped API key) for
 * cal.com-style clients. Either way the request ends up with a user principal; an
 * organisation key is refused with 403.
 */
@Injectable()
export class BearerAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly tenancy: TenancyService) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & RequestWithPrincipal>();
    const authorization = request.header('authorization');
    // Stryker disable next-line StringLiteral: equivalent — without the header any fallback text that is not a bearer token answers the same 401.
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new DomainException(ErrorCode.Unauthorized, 'Missing bearer token', 401);
    if (looksLikeApiKey(token)) {
      request.principal = requireUserCredential(await this.apiKeyPrincipal(token));
      return true;
    }
    await super.canActivate(context);
    request.principal = requireUserCredential(request.user as Principal);
    return true;
  }

  /**
   * passport-jwt reports a bad token as a failure (`user` false) and an exception thrown while
   * resolving the user (the database) as `error`: only the first is the caller's fault.
   */
  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error) throw authenticationUnavailable(error);
    if (!user) throw new DomainException(ErrorCode.Unauthorized, 'Invalid or expired token', 401);
    return user;
  }

  private async apiKeyPrincipal(key: string): Promise<Principal> {
    const principal = await checkingCredential(() => this.tenancy.authenticateApiKey(key));
    if (!principal) throw new DomainException(ErrorCode.Unauthorized, 'Invalid or revoked API key', 401);
    return principal;
  }
}
