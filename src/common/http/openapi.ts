import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Calendar Bridge')
    .setDescription(
      'Self-hostable calendar sync and bridge service. Four public surfaces keep the wire contracts of the APIs ' +
        'their clients already speak — Links (CalendarBridge Manage API), CRM calendar connections, ' +
        'cal.com v2 destination calendars, and the Create Calendar API V2 (ICS) — plus the admin API.',
    )
    .setVersion('0.1.0')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'cb_key', description: 'Organisation API key (Links API)' }, 'cb_key')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key', description: 'Organisation API key (ICS API)' }, 'x-api-key')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT or cal_ API key', description: 'User JWT, or a user-scoped `cal_` API key' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-admin-token', description: 'ADMIN_TOKEN' }, 'admin-token')
    .build();
  return SwaggerModule.createDocument(app, config);
}
