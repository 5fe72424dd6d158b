import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { AppConfig } from './common/config/app-config';
import { DefaultErrorFormatter } from './common/errors/default-error.formatter';
import { SurfaceExceptionFilter } from './common/errors/surface-exception.filter';
import { HardenedExpressAdapter } from './common/http/http-server';
import { buildOpenApiDocument } from './common/http/openapi';
import { securityHeaders } from './common/http/security-headers';
import { createValidationPipe } from './common/http/validation.pipe';
import { PinoNestLogger } from './common/logging/logger';
import { clientRateLimit } from './common/rate-limit/client-rate-limit';
import { requestLogging } from './common/logging/request-logging';
import { DatabaseUnavailableFilter } from './database/database-unavailable';
import { mountSandbox } from './sandbox/sandbox.module';
import { SURFACE_ERROR_MODELS, SURFACE_ROUTES } from './surfaces';

/** Builds the whole HTTP application; main.ts and the end-to-end tests both use it. */
export async function createApp(
  config: AppConfig,
  databaseUrl: string,
  logger: Logger,
  options: { extraModules?: Type<unknown>[] } = {},
): Promise<NestExpressApplication> {
  const errorFilter = new SurfaceExceptionFilter(SURFACE_ROUTES, new DefaultErrorFormatter());
  const adapter = new HardenedExpressAdapter(config.http, (path) => errorFilter.formatterFor(path?.split('?')[0] ?? '/'));
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, databaseUrl, options.extraModules), adapter, {
    bodyParser: false,
    logger: new PinoNestLogger(logger),
  });
  app.disable('x-powered-by');
  app.use(securityHeaders);
  // Only the proxies TRUST_PROXY names may say who the client is (req.ip); off by default.
  app.set('trust proxy', config.trustProxy);
  app.use(requestLogging(logger));
  if (config.sandbox) mountSandbox(app);
  // Ahead of every route, so unknown paths spend the same budget (the sandbox emulators above keep their own quotas).
  app.use(clientRateLimit({ perMinute: config.rateLimitPerMinute, formatterFor: (path) => errorFilter.formatterFor(path) }));
  app.enableCors({ origin: config.corsOrigins.length > 0 ? config.corsOrigins : false });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new DatabaseUnavailableFilter(errorFilter));
  app.enableShutdownHooks();
  setupSwagger(app);
  return app;
}

/** The port the app actually listens on (differs from the configured one when that is 0). */
export function listeningPort(app: INestApplication): number {
  const address = app.getHttpServer().address();
  return typeof address === 'object' && address ? address.port : 0;
}

function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app, Object.values(SURFACE_ERROR_MODELS)), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Calendar Bridge API',
  });
}
