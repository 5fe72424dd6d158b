import { CrmErrorFormatter } from '../../connections/crm-error.formatter';
import { CalcomErrorFormatter } from '../../destination-calendars/calcom-error.formatter';
import { IcsErrorFormatter } from '../../ics/ics-error.formatter';
import { LinksErrorFormatter } from '../../links/links-error.formatter';
import { SurfaceRoute } from './surface-exception.filter';

/** Which error shape each public surface speaks, by path prefix. */
export const SURFACE_ROUTES: SurfaceRoute[] = [
  { prefix: '/links', formatter: new LinksErrorFormatter() },
  { prefix: '/api/v1/crm', formatter: new CrmErrorFormatter() },
  { prefix: '/v2', formatter: new CalcomErrorFormatter() },
  { prefix: '/ics', formatter: new IcsErrorFormatter() },
];
