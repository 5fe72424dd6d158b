import type { NextFunction, Request, Response } from 'express';

/** Every API answer: nothing may be sniffed, framed, loaded by it, or kept in a cache. */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  // Answers are per caller, and some carry a secret shown once (a new API key, a minted
  // token): no shared or browser cache may keep them.
  'Cache-Control': 'no-store',
};

/**
 * Swagger UI at /docs: its page loads the bundle, the init script and the stylesheet from
 * this origin (no inline script); the UI sets inline styles and uses data: images.
 */
const DOCS_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

const DOCS_PREFIX = '/docs';

/** First middleware of the app, so 404s, errors and the sandbox carry the headers too. */
export function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  const isDocsPage = req.path === DOCS_PREFIX || req.path.startsWith(`${DOCS_PREFIX}/`);
  for (const [name, value] of Object.entries(isDocsPage ? DOCS_SECURITY_HEADERS : API_SECURITY_HEADERS)) res.setHeader(name, value);
  next();
}
