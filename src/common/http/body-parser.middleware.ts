import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { fromBodyParserError } from '../errors/normalize-error';

/**
 * Body parsing as Nest middleware rather than Nest's built-in parser: a malformed or
 * oversized body then fails inside Nest, and the surface filters answer it in the
 * surface's own error shape instead of Express's HTML page.
 */
@Injectable()
export class BodyParserMiddleware implements NestMiddleware {
  private readonly parseJson: RequestHandler;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // Every body is read as JSON whatever its content type: all our APIs take JSON, and a
    // `curl -d` without a content-type header should work rather than arrive empty.
    this.parseJson = express.json({ limit: config.bodyLimitBytes, strict: true, type: () => true });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    this.parseJson(req, res, (err?: unknown) => next(err ? (fromBodyParserError(err) ?? err) : undefined));
  }
}
