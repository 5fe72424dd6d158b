import { INestApplication, Type } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/**
 * The document clients are generated from. Every installation has its own address, so the
 * server is a `{baseUrl}` variable whose default is this deployment's PUBLIC_BASE_URL (the
 * committed openapi.json is generated with the default one, http://localhost:18080).
 */
export function buildOpenApiDocument(app: INestApplication, errorModels: Type<unknown>[] = []): OpenAPIObject {
  const { publicBaseUrl } = app.get<AppConfig>(APP_CONFIG);
  const config = new DocumentBuilder()
    .setTitle('Calendar Bridge')
    .setDescription(
      'Self-hostable calendar sync and bridge service. Four public surfaces keep the wire contracts of the APIs ' +
        'their clients already speak — Links (CalendarBridge Manage API), CRM calendar connections, ' +
        'cal.com v2 destination calendars, and the Create Calendar API V2 (ICS) — plus the admin API.',
    )
    .setVersion('0.1.0')
    .addServer('{baseUrl}', 'Your Calendar Bridge installation', {
      baseUrl: { default: publicBaseUrl, description: 'Its PUBLIC_BASE_URL (scheme, host, port and any path prefix)' },
    })
    .addApiKey({ type: 'apiKey', in: 'header', name: 'cb_key', description: 'Organisation API key (Links API)' }, 'cb_key')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key', description: 'Organisation API key (ICS API)' }, 'x-api-key')
    .addApiKey(
      { type: 'apiKey', in: 'query', name: 'x-api-key', description: 'Organisation API key as a query parameter: only the GET /ics "add to calendar" link, which cannot send headers' },
      'x-api-key-query',
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT or cal_ API key', description: 'User JWT, or a user-scoped `cal_` API key' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-admin-token', description: 'ADMIN_TOKEN' }, 'admin-token')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, for /metrics from a non-loopback peer' }, 'metrics-token')
    .build();
  // package.json's licence: this API is not licensed for use by others. (setLicense() would add an empty url.)
  config.info.license = { name: 'UNLICENSED' };
  const document = SwaggerModule.createDocument(app, config, { extraModels: errorModels });
  dropBodyStatusesFromGets(document);
  dropUnreferencedSchemas(document);
  return document;
}

/** GET and HEAD bodies are never read (src/common/http/body-parser.middleware.ts): no 413 or 415 there. */
function dropBodyStatusesFromGets(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    if (!item.get) continue;
    delete item.get.responses['413'];
    delete item.get.responses['415'];
  }
}

/**
 * Error bodies are registered for every surface, but a surface with no routes yet references
 * none: drop schemas nothing points at (and what only they pointed at), as an unused component
 * is a lint warning and no use to a client generator.
 */
function dropUnreferencedSchemas(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  for (let changed = true; changed; ) {
    changed = false;
    for (const name of Object.keys(schemas)) {
      const { [name]: _self, ...others } = schemas;
      const referenced = JSON.stringify([document.paths, others]).includes(`"#/components/schemas/${name}"`);
      if (!referenced) {
        delete schemas[name];
        changed = true;
      }
    }
  }
}
