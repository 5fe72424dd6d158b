import type { Request } from 'express';

/** The parts of Express 5's router (the `router` package) this reads. */
interface RouterLayer {
  match(path: string): unknown;
  route?: { _handlesMethod(method: string): boolean };
}

/**
 * Whether a controller route will handle this request, asked of Express's own router with
 * its own matchers (so case sensitivity and parameters agree with dispatch). `match` has no
 * side effects. Middleware layers (CORS, logging, the 404 handler) are not routes.
 */
export function hasMatchingRoute(req: Request): boolean {
  const stack = (req.app as unknown as { router?: { stack?: RouterLayer[] } }).router?.stack ?? [];
  const path = requestPath(req.originalUrl);
  return stack.some((layer) => layer.route !== undefined && layer.route._handlesMethod(req.method) && Boolean(layer.match(path)));
}

/** The path exactly as Express routes it: the request target without its query. */
function requestPath(originalUrl: string): string {
  if (!originalUrl.startsWith('/')) {
    try {
      return new URL(originalUrl).pathname; // absolute-form request target
    } catch {
      return originalUrl;
    }
  }
  const query = originalUrl.indexOf('?');
  return query < 0 ? originalUrl : originalUrl.slice(0, query);
}
