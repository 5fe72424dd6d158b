import type { Request, Response, Router } from 'express';
import { readTextBody } from '../shared/raw-body';
import type { ApiRequest, ApiResponse } from './google-api-request';
import { handleApiRequest } from './google-calendar-api';
import { baseUrlOf, type GoogleEmulatorContext } from './google-context';

/** Mounts /calendar/v3/* onto the emulator router (express adapter for handleApiRequest). */
export function registerCalendarRoutes(router: Router, ctx: GoogleEmulatorContext): void {
  router.all(/^\/calendar\/v3(\/.*)?$/, async (req, res) => {
    const apiRequest = await toApiRequest(ctx, req);
    writeApiResponse(res, await handleApiRequest(ctx, apiRequest));
  });
}

export async function toApiRequest(ctx: GoogleEmulatorContext, req: Request): Promise<ApiRequest> {
  const url = new URL(req.originalUrl, 'http://emulator');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
  return {
    method: req.method,
    path: req.path,
    query: url.searchParams,
    headers,
    body: await readTextBody(req, ctx.settings.maxBodyBytes),
    baseUrl: baseUrlOf(req),
  };
}

export function writeApiResponse(res: Response, response: ApiResponse): void {
  res.status(response.status);
  res.set(response.headers);
  if (response.body === undefined) {
    res.end();
    return;
  }
  res.type('application/json; charset=UTF-8').send(JSON.stringify(response.body));
}
