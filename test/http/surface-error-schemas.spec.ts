import { Controller, Get, INestApplication } from '@nestjs/common';
import { ApiOperation, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { DefaultErrorFormatter } from '../../src/common/errors/default-error.formatter';
import { ErrorCode, NormalizedError } from '../../src/common/errors/error-codes';
import { SurfaceErrorFormatter } from '../../src/common/errors/surface-error-formatter';
import { SURFACE_ERROR_MODELS, SURFACE_ROUTES } from '../../src/surfaces';
import { ApiSurface, ApiSurfaceErrors, SURFACE_ERROR_SCHEMAS, SurfaceName } from '../../src/common/http/api-surface-errors';
import { SchemaObject, schemaProblems } from '../support/openapi-schema';

/** One route per surface, so that the document holds every surface's error schema — even those without routes yet. */
@ApiSurface('default', [401])
@Controller('probe')
class ProbeController {
  @Get('links') @ApiOperation({ summary: 'links' }) @ApiSurfaceErrors('links', [404, 409, 422]) links(): void {}
  @Get('crm') @ApiOperation({ summary: 'crm' }) @ApiSurfaceErrors('crm', [404, 409, 422]) crm(): void {}
  @Get('calcom') @ApiOperation({ summary: 'calcom' }) @ApiSurfaceErrors('calcom', [404, 409, 422]) calcom(): void {}
  @Get('ics') @ApiOperation({ summary: 'ics' }) @ApiSurfaceErrors('ics', [422]) ics(): void {}
  @Get('default') @ApiOperation({ summary: 'default' }) @ApiSurfaceErrors('default', [404]) fallback(): void {}
}

const FORMATTERS: Record<SurfaceName, SurfaceErrorFormatter> = {
  ...(Object.fromEntries(SURFACE_ROUTES.map((r) => [r.surface, r.formatter])) as Record<Exclude<SurfaceName, 'default'>, SurfaceErrorFormatter>),
  default: new DefaultErrorFormatter(),
};

/** What the formatters are given in practice: with and without field details, 4xx and 5xx. */
const SAMPLES: NormalizedError[] = [
  { status: 400, code: ErrorCode.ValidationFailed, message: 'Validation failed', details: [{ field: 'name', message: 'name must be a string' }] },
  { status: 401, code: ErrorCode.ApiKeyMissing, message: 'Missing API key' },
  { status: 404, code: ErrorCode.NotFound, message: 'Not found' },
  { status: 409, code: ErrorCode.Conflict, message: 'Sync already exists' },
  { status: 413, code: ErrorCode.PayloadTooLarge, message: 'Request body is too large' },
  { status: 429, code: ErrorCode.RateLimited, message: 'Too many requests' },
  { status: 500, code: ErrorCode.Internal, message: 'Internal server error' },
];

describe('each surface documents exactly the error body its formatter renders', () => {
  let app: INestApplication;
  let doc: OpenAPIObject;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [ProbeController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    doc = SwaggerModule.createDocument(app, { openapi: '3.0.0', info: { title: 'probe', version: '0' } }, { extraModels: Object.values(SURFACE_ERROR_MODELS) });
  });
  afterAll(() => app.close());

  it.each(Object.keys(SURFACE_ERROR_SCHEMAS) as SurfaceName[])('%s: every rendered error matches its schema, nothing undeclared', (surface) => {
    const schemas = doc.components?.schemas as Record<string, SchemaObject>;
    const schema = { $ref: `#/components/schemas/${SURFACE_ERROR_SCHEMAS[surface]}` };
    for (const sample of SAMPLES) {
      const rendered = FORMATTERS[surface].format(sample);
      expect({ status: sample.status, problems: schemaProblems(rendered.body, schema, schemas) }).toEqual({ status: sample.status, problems: [] });
    }
  });

  it('the composition root registers each surface body under the name the decorators reference', () => {
    expect(Object.fromEntries(Object.entries(SURFACE_ERROR_MODELS).map(([surface, model]) => [surface, model.name]))).toEqual(SURFACE_ERROR_SCHEMAS);
  });

  it('a route-level declaration adds to the controller one, in the route surface shape', () => {
    const links = doc.paths['/probe/links'].get as { responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }> };
    expect(Object.keys(links.responses).sort()).toEqual(['400', '401', '404', '409', '413', '415', '422', '429', '500']);
    expect(links.responses['404'].content['application/json'].schema.$ref).toBe('#/components/schemas/LinksErrorDto');
    expect(links.responses['401'].content['application/json'].schema.$ref).toBe('#/components/schemas/DefaultErrorDto');
  });
});
