import { isIPv6 } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { ErrorCode } from '../errors/error-codes';
import { SurfaceErrorFormatter } from '../errors/surface-error-formatter';

const WINDOW_MS = 60_000;
/** Probes must keep answering under load, and their callers are not clients. */
const EXEMPT_PATHS = new Set(['/health', '/ready', '/metrics']);

interface Window {
  count: number;
  resetAt: number;
}

export interface ClientRateLimitOptions {
  /** Requests per minute per client; 0 disables the limit. */
  perMinute: number;
  /** The error shape of the surface a path belongs to (the global filter's choice). */
  formatterFor(path: string): SurfaceErrorFormatter;
  now?: () => number;
}

/**
 * One budget per client across every route, unknown paths included: as Express middleware
 * ahead of routing it sees requests that no route matches, which a Nest guard never does.
 * The client is `req.ip`, so X-Forwarded-For counts only from the proxies TRUST_PROXY names;
 * otherwise a client could rotate that header to get a fresh budget per request.
 * IPv6 clients are counted per /64, the block one subscriber is usually given.
 */
export function clientRateLimit(options: ClientRateLimitOptions) {
  const now = options.now ?? Date.now;
  const windows = new Map<string, Window>();
  let nextSweep = now() + WINDOW_MS;

  return (req: Request, res: Response, next: NextFunction): void => {
    if (options.perMinute === 0 || EXEMPT_PATHS.has(req.path)) return next();
    const at = now();
    if (at >= nextSweep) {
      // Forget finished windows so that the table holds only clients seen this minute.
      for (const [client, window] of windows) if (window.resetAt <= at) windows.delete(client);
      nextSweep = at + WINDOW_MS;
    }
    const client = clientKey(req.ip ?? req.socket.remoteAddress ?? 'unknown');
    let window = windows.get(client);
    if (!window || window.resetAt <= at) {
      window = { count: 0, resetAt: at + WINDOW_MS };
      windows.set(client, window);
    }
    window.count += 1;
    const resetSeconds = Math.max(1, Math.ceil((window.resetAt - at) / 1000));
    res.setHeader('X-RateLimit-Limit', String(options.perMinute));
    res.setHeader('X-RateLimit-Remaining', String(Math.max(0, options.perMinute - window.count)));
    res.setHeader('X-RateLimit-Reset', String(resetSeconds));
    if (window.count <= options.perMinute) return next();
    const rendered = options.formatterFor(req.path).format({ status: 429, code: ErrorCode.RateLimited, message: 'Too many requests' });
    for (const [name, value] of Object.entries(rendered.headers ?? {})) res.setHeader(name, value);
    res.setHeader('Retry-After', String(resetSeconds));
    res.status(rendered.status).json(rendered.body);
  };
}

/** The budget a client address spends: IPv4 as is (also when IPv4-mapped), IPv6 by its /64. */
export function clientKey(ip: string): string {
  const address = ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
  return isIPv6(address) ? ipv6Prefix64(address) : address;
}

/** The first four groups of an IPv6 address, with `::` expanded. */
function ipv6Prefix64(address: string): string {
  const [head, tail = ''] = address.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = address.includes('::') && tail ? tail.split(':') : [];
  const zeros = Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0');
  const groups = address.includes('::') ? [...headGroups, ...zeros, ...tailGroups] : headGroups;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
