import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { AppConfig } from './common/config/app-config';
import { DefaultErrorFormatter } from './common/errors/default-error.formatter';
import { SurfaceExceptionFilter } from './common/errors/surface-exception.filter';
import { SURFACE_ROUTES } from './common/errors/surface-routes';
import { HardenedExpressAdapter } from './common/http/http-server';
import { buildOpenApiDocument } from './common/http/openapi';
import { securityHeaders } from './common/http/security-headers';
import { createValidationPipe } from './common/http/validation.pipe';
import { PinoNestLogger } from './common/logging/logger';
import { requestLogging } from './common/logging/request-logging';
import { mountSandbox } from './sandbox/sandbox.module';

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
  app.set('trust proxy', 'loopback');
  app.use(requestLogging(logger));
  if (config.sandbox) mountSandbox(app);
  app.enableCors({ origin: config.corsOrigins.length > 0 ? config.corsOrigins : false });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(errorFilter);
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
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Calendar Bridge API',
  });
}
