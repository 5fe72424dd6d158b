import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const stop = this.metrics.httpDuration.startTimer();
    res.on('finish', () => {
      // The matched route pattern keeps label cardinality bounded (ids are not labels).
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      const method = req.method;
      this.metrics.httpRequests.inc({ method, route, status: String(res.statusCode) });
      stop({ method, route });
    });
    next();
  }
}
