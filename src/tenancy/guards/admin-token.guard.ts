import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { APP_CONFIG, AppConfig } from '../../common/config/app-config';
import { constantTimeEquals } from '../../common/crypto/constant-time';
import { DomainException } from '../../common/errors/domain.exception';
import { ErrorCode } from '../../common/errors/error-codes';

@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const given = context.switchToHttp().getRequest<Request>().header('x-admin-token');
    if (!given) throw new DomainException(ErrorCode.Unauthorized, 'Missing x-admin-token header', 401);
    if (!constantTimeEquals(given, this.config.adminToken)) {
      throw new DomainException(ErrorCode.Unauthorized, 'Invalid admin token', 401);
    }
    return true;
  }
}

