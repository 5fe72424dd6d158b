import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainException } from '../../common/errors/domain.exception';
import { ErrorCode } from '../../common/errors/error-codes';
import { RequestWithPrincipal } from '../principal';
import { TenancyService } from '../tenancy.service';

const API_KEY_HEADERS = 'cb:api-key-headers';

/** Which header(s) carry the key on this route: `cb_key` for Links, `x-api-key` for ICS. */
export const ApiKeyHeaders = (...headers: string[]) => SetMetadata(API_KEY_HEADERS, headers);

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tenancy: TenancyService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const headers = this.reflector.getAllAndOverride<string[]>(API_KEY_HEADERS, [context.getHandler(), context.getClass()]);
    if (!headers?.length) throw new Error('ApiKeyGuard needs @ApiKeyHeaders(...) on the route');
    const request = context.switchToHttp().getRequest<Request & RequestWithPrincipal>();
    const key = headers.map((name) => request.header(name)).find((value) => value && value.trim());
    if (!key) throw new DomainException(ErrorCode.ApiKeyMissing, `Missing API key: send it in the ${headers.join(' or ')} header`, 401);
    const principal = await this.tenancy.authenticateApiKey(key.trim());
    if (!principal) throw new DomainException(ErrorCode.ApiKeyInvalid, 'Invalid or revoked API key', 401);
    request.principal = principal;
    return true;
  }
}
