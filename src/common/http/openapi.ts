import { INestApplication, Type } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/**
 * The document clients are generated from. Every installation has its own address, so the
 * server is a `{baseUrl}` variable whose default is this deployment's PUBLIC_BASE_URL (the
 * committed openapi.json is generated with the default one, http://localhost:18080).
 */
export function buildOpenApiDocument(app: INestApplication, extraModels: Type<unknown>[] = []): OpenAPIObject {
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
    .build();
  // package.json's licence: this API is not licensed for use by others. (setLicense() would add an empty url.)
  config.info.license = { name: 'UNLICENSED' };
  return SwaggerModule.createDocument(app, config, { extraModels });
}
