import { CrmErrorFormatter } from '../../connections/crm-error.formatter';
import { CalcomErrorFormatter } from '../../destination-calendars/calcom-error.formatter';
import { IcsErrorFormatter } from '../../ics/ics-error.formatter';
import { LinksErrorFormatter } from '../../links/links-error.formatter';
import { SurfaceRoute } from './surface-exception.filter';

/** Which error shape each public surface speaks, by path prefix. */
export const SURFACE_ROUTES: SurfaceRoute[] = [
  { prefix: '/links', surface: 'links', formatter: new LinksErrorFormatter() },
  { prefix: '/api/v1/crm', surface: 'crm', formatter: new CrmErrorFormatter() },
  { prefix: '/v2', surface: 'calcom', formatter: new CalcomErrorFormatter() },
  { prefix: '/ics', surface: 'ics', formatter: new IcsErrorFormatter() },
];
