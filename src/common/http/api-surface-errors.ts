import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

/** The error shapes on the wire: one per public surface, plus the default one (admin, health, …). */
export type SurfaceName = 'links' | 'crm' | 'calcom' | 'ics' | 'default';

/**
 * The component each surface's error body is documented under. The classes themselves live with
 * their features and are registered at the composition root (src/surfaces.ts), so that common/
 * imports no feature; a test checks that the names and the classes agree.
 */
export const SURFACE_ERROR_SCHEMAS: Record<SurfaceName, string> = {
  links: 'LinksErrorDto',
  crm: 'CrmErrorDto',
  calcom: 'CalcomErrorDto',
  ics: 'IcsFailureDto',
  default: 'DefaultErrorDto',
};

export type ErrorStatus = 400 | 401 | 403 | 404 | 408 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

const DEFAULT_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'Malformed request: the body is not JSON, or a parameter or field is missing or invalid.',
  401: 'Missing, invalid or revoked credentials.',
  403: 'The credentials may not do this.',
  404: 'Not found (or not visible to these credentials).',
  408: 'The request was not received within HTTP_REQUEST_TIMEOUT_MS.',
  409: 'Conflicts with the current state.',
  413: 'Request body is larger than BODY_LIMIT_BYTES.',
  415: 'Unsupported content encoding or charset.',
  422: 'A well-formed value that cannot be used.',
  429: 'Too many requests from this client (RATE_LIMIT_PER_MINUTE): retry later.',
  500: 'Unexpected failure; the request id in the log ties it to the cause.',
  503: 'Not ready to serve.',
};

/**
 * What the shared stack can answer on every route before or after the controller runs:
 * the body parser reads a body on any method (400 bad JSON, 413 too large, 415 encoding or
 * charset), and an unexpected failure is a 500 — all rendered in the route's surface shape.
 */
const STACK_STATUSES: ErrorStatus[] = [400, 413, 415, 500];

export interface SurfaceOptions {
  /** False for routes the client rate limiter exempts (/health, /ready, /metrics): they never answer 429. */
  throttled?: boolean;
}

/**
 * On a controller: its routes speak `surface`'s error shape. Documents, for every route, what
 * the stack can answer (above, plus 429 from the client rate limiter) and the controller-wide `statuses`
 * (typically 401 from its guard). An array takes the standard descriptions; an object gives its own.
 */
export function ApiSurface(surface: SurfaceName, statuses: StatusList = [], { throttled = true }: SurfaceOptions = {}): ClassDecorator {
  const implied: ErrorStatus[] = throttled ? [...STACK_STATUSES, 429] : STACK_STATUSES;
  return surfaceResponses(surface, { ...describe(implied), ...describe(statuses) });
}

/** On a route: the error statuses it adds to its controller's (404 from a lookup, 409, 503…). */
export function ApiSurfaceErrors(surface: SurfaceName, statuses: StatusList): MethodDecorator {
  return surfaceResponses(surface, describe(statuses));
}

type StatusList = ErrorStatus[] | Partial<Record<ErrorStatus, string>>;

function describe(statuses: StatusList): Partial<Record<ErrorStatus, string>> {
  return Array.isArray(statuses) ? Object.fromEntries(statuses.map((status) => [status, DEFAULT_DESCRIPTIONS[status]])) : statuses;
}

function surfaceResponses(surface: SurfaceName, descriptions: Partial<Record<ErrorStatus, string>>): ClassDecorator & MethodDecorator {
  const schema = { $ref: `#/components/schemas/${SURFACE_ERROR_SCHEMAS[surface]}` };
  return applyDecorators(
    ...Object.entries(descriptions).map(([status, description]) =>
      // Errors are JSON even where the route produces something else (the ICS calendar).
      ApiResponse({ status: Number(status), description, content: { 'application/json': { schema } } }),
    ),
  );
}
