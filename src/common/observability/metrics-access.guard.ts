import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { constantTimeEquals } from '../crypto/constant-time';
import { DomainException } from '../errors/domain.exception';
import { ErrorCode } from '../errors/error-codes';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/**
 * `/metrics` tells anyone who can read it about traffic and internals. With METRICS_TOKEN set
 * it asks for that token as a Bearer credential; without one it answers only to a scraper on
 * this machine. "This machine" is the TCP peer, never a header; a request a local reverse
 * proxy forwarded (it carries forwarding headers) is not local and is refused.
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const token = this.config.metricsToken;
    if (token) {
      const presented = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
      if (presented && constantTimeEquals(presented.trim(), token)) return true;
      throw new DomainException(ErrorCode.Unauthorized, 'Metrics need "Authorization: Bearer <METRICS_TOKEN>"', 401);
    }
    if (isDirectFromLoopback(request)) return true;
    throw new DomainException(ErrorCode.Forbidden, 'Metrics are served to this machine only; set METRICS_TOKEN to scrape them from elsewhere', 403);
  }
}

function isDirectFromLoopback(request: Request): boolean {
  const peer = request.socket.remoteAddress ?? '';
  return LOOPBACK.has(peer) && FORWARDING_HEADERS.every((name) => request.headers[name] === undefined);
}
