import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { DomainException } from '../../common/errors/domain.exception';
import { ErrorCode } from '../../common/errors/error-codes';
import { Principal, RequestWithPrincipal } from '../principal';
import { TenancyService } from '../tenancy.service';

/**
 * `Authorization: Bearer <jwt>` for the SPA, or `Bearer cal_…` (a user-scoped API key) for
 * cal.com-style clients. Either way the request ends up with a user principal.
 */
@Injectable()
export class BearerAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly tenancy: TenancyService) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & RequestWithPrincipal>();
    const token = /^Bearer\s+(\S+)$/i.exec(request.header('authorization') ?? '')?.[1];
    if (!token) throw new DomainException(ErrorCode.Unauthorized, 'Missing bearer token', 401);
    if (token.startsWith('cal_')) {
      request.principal = await this.userKeyPrincipal(token);
      return true;
    }
    await super.canActivate(context);
    request.principal = request.user as Principal;
    return true;
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error || !user) throw new DomainException(ErrorCode.Unauthorized, 'Invalid or expired token', 401);
    return user;
  }

  private async userKeyPrincipal(key: string): Promise<Principal> {
    const principal = await this.tenancy.authenticateApiKey(key);
    if (!principal?.userId) throw new DomainException(ErrorCode.Unauthorized, 'Invalid or revoked API key', 401);
    return principal;
  }
}
