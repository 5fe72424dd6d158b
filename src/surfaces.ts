import { Type } from '@nestjs/common';
import { CrmErrorDto } from './connections/crm-error.dto';
import { CrmErrorFormatter } from './connections/crm-error.formatter';
import { CalcomErrorDto } from './destination-calendars/calcom-error.dto';
import { CalcomErrorFormatter } from './destination-calendars/calcom-error.formatter';
import { DefaultErrorDto } from './common/errors/error-bodies.dto';
import { SurfaceRoute } from './common/errors/surface-exception.filter';
import { SurfaceName } from './common/http/api-surface-errors';
import { IcsFailureDto } from './ics/dto/create-calendar.dto';
import { IcsErrorFormatter } from './ics/ics-error.formatter';
import { LinksErrorDto } from './links/links-error.dto';
import { LinksErrorFormatter } from './links/links-error.formatter';

/**
 * The surface table, at the composition root: `common/` holds the machinery (the filter, the
 * OpenAPI decorators) and imports no feature; the features' formatters and error bodies are
 * wired in here.
 */

/** Which error shape each public surface speaks, by path prefix. */
export const SURFACE_ROUTES: SurfaceRoute[] = [
  { prefix: '/links', surface: 'links', formatter: new LinksErrorFormatter() },
  { prefix: '/api/v1/crm', surface: 'crm', formatter: new CrmErrorFormatter() },
  { prefix: '/v2', surface: 'calcom', formatter: new CalcomErrorFormatter() },
  { prefix: '/ics', surface: 'ics', formatter: new IcsErrorFormatter() },
];

/** The body each surface's formatter renders; registered as OpenAPI components under SURFACE_ERROR_SCHEMAS' names. */
export const SURFACE_ERROR_MODELS: Record<SurfaceName, Type<unknown>> = {
  links: LinksErrorDto,
  crm: CrmErrorDto,
  calcom: CalcomErrorDto,
  ics: IcsFailureDto,
  default: DefaultErrorDto,
};
