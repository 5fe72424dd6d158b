import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainException } from '../../common/errors/domain.exception';
import { ErrorCode } from '../../common/errors/error-codes';
import { RequestWithPrincipal } from '../principal';
import { TenancyService } from '../tenancy.service';
import { checkingCredential, requireOrganisationKey } from './credential-kind';

const API_KEY_HEADERS = 'cb:api-key-headers';
const API_KEY_QUERY = 'cb:api-key-query';

/**
 * Which header(s) carry the key on this route: `cb_key` for Links, `x-api-key` for ICS. Every
 * route behind this guard is an organisation route: user-scoped keys are refused with 403.
 */
export const ApiKeyHeaders = (...headers: string[]) => SetMetadata(API_KEY_HEADERS, headers);

/**
 * Also accept the key as this query parameter, for routes meant to be plain links (a link
 * cannot send headers). Request logs keep only the path, so the key is not logged.
 */
export const ApiKeyQueryParameter = (name: string) => SetMetadata(API_KEY_QUERY, name);

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tenancy: TenancyService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const headers = this.reflector.getAllAndOverride<string[]>(API_KEY_HEADERS, [context.getHandler(), context.getClass()]);
    if (!headers?.length) throw new Error('ApiKeyGuard needs @ApiKeyHeaders(...) on the route');
    const queryName = this.reflector.getAllAndOverride<string | undefined>(API_KEY_QUERY, [context.getHandler(), context.getClass()]);
    const request = context.switchToHttp().getRequest<Request & RequestWithPrincipal>();
    const queryValue = queryName ? request.query[queryName] : undefined;
    const candidates = [...headers.map((name) => request.header(name)), typeof queryValue === 'string' ? queryValue : undefined];
    const key = candidates.find((value) => value && value.trim());
    if (!key) {
      const where = `the ${headers.join(' or ')} header${queryName ? ` or the ${queryName} query parameter` : ''}`;
      throw new DomainException(ErrorCode.ApiKeyMissing, `Missing API key: send it in ${where}`, 401);
    }
    const principal = await checkingCredential(() => this.tenancy.authenticateApiKey(key.trim()));
    if (!principal) throw new DomainException(ErrorCode.ApiKeyInvalid, 'Invalid or revoked API key', 401);
    request.principal = requireOrganisationKey(principal);
    return true;
  }
}
