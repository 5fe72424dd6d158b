import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainException } from '../../common/errors/domain.exception';
import { ErrorCode } from '../../common/errors/error-codes';
import { RequestWithPrincipal } from '../../tenancy/principal';
import { TenancyService } from '../../tenancy/tenancy.service';

export const LINK_KEY_PARAMETER = 'x-api-key';

/**
 * The GET "add to calendar" form is a plain link, and a link cannot send headers: the key
 * may come from the `x-api-key` header or, for this route only, the `x-api-key` query
 * parameter. Request logs keep only the path, so the key is not written to them.
 */
@Injectable()
export class IcsLinkKeyGuard implements CanActivate {
  constructor(private readonly tenancy: TenancyService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & RequestWithPrincipal>();
    const queryKey = request.query[LINK_KEY_PARAMETER];
    const key = [request.header(LINK_KEY_PARAMETER), typeof queryKey === 'string' ? queryKey : undefined].find((value) => value?.trim());
    if (!key) throw new DomainException(ErrorCode.ApiKeyMissing, 'Missing API key: send it in the x-api-key header or query parameter', 401);
    const principal = await this.tenancy.authenticateApiKey(key.trim());
    if (!principal) throw new DomainException(ErrorCode.ApiKeyInvalid, 'Invalid or revoked API key', 401);
    request.principal = principal;
    return true;
  }
}
