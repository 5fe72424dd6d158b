import express, { type NextFunction, type Request, type Response } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CalendarAccess } from '../../../src/providers/calendar-provider';
import type { ProviderEndpoints } from '../../../src/providers/provider-endpoints';
import { type RetryClock } from '../../../src/providers/shared/provider-retry';
import { GoogleEmulator, type GoogleEmulatorOptions } from '../../../src/sandbox/google/google-emulator';

export const MOUNT = '/sandbox/google';
export const CAL_SCOPE = 'https://www.googleapis.com/auth/calendar';
export const READONLY_SCOPE = 'https://www.googleapis.com/auth/calendar.readonly';
export const SERVICE_ACCOUNT = 'bridge@bridge-project.iam.gserviceaccount.com';

export interface DriverHarness {
  emulator: GoogleEmulator;
  base: string;
  endpoints: ProviderEndpoints['google'];
  /** Every HTTP request that reached the server, as "METHOD /path" (mount stripped). */
  http: string[];
  /**
   * Events listings answer this many empty pages (with a nextPageToken) before the real first
   * page, the way Google may page short and empty before the last page
   * (https://developers.google.com/calendar/api/guides/pagination).
   */
  setEmptyPagesBeforeFirst(count: number): void;
  close(): Promise<void>;
}

/**
 * Full pages, so that request counts are exact. The stricter emulator pages short and empty by
 * default and takes `paging: { shortPages: false }`; older ones ignore the option.
 */
export const FULL_PAGES = { paging: { shortPages: false } } as GoogleEmulatorOptions;

/** The Google emulator on a real loopback HTTP server, with a request log in front. */
export async function startDriverHarness(options: GoogleEmulatorOptions = FULL_PAGES): Promise<DriverHarness> {
  const emulator = new GoogleEmulator(options);
  const http: string[] = [];
  let emptyPages = 0;
  const app = express();
  app.use(MOUNT, (req: Request, _res: Response, next: NextFunction) => {
    http.push(`${req.method} ${req.path}`);
    next();
  });
  app.use(MOUNT, (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || !/^\/calendar\/v3\/calendars\/[^/]+\/events$/.test(req.path) || emptyPages === 0) return next();
    const url = new URL(req.originalUrl, 'http://x');
    const token = url.searchParams.get('pageToken');
    const served = token?.startsWith('empty-') ? Number(token.slice('empty-'.length)) : token ? Infinity : 0;
    if (served < emptyPages) {
      res.json({ kind: 'calendar#events', items: [], nextPageToken: `empty-${served + 1}` });
      return;
    }
    if (served === emptyPages) {
      url.searchParams.delete('pageToken');
      req.originalUrl = url.pathname + url.search;
      req.url = req.originalUrl.slice(MOUNT.length);
    }
    next();
  });
  app.use(MOUNT, emulator.router());
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${MOUNT}`;
  return {
    emulator,
    base,
    endpoints: { apiBaseUrl: base, oauthBaseUrl: base, authBaseUrl: base },
    http,
    setEmptyPagesBeforeFirst: (count) => {
      emptyPages = count;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Registers a service account with domain-wide delegation for the domain; returns the access for a mailbox. */
export function delegatedAccess(harness: DriverHarness, domain: string, scopes: string[] = [CAL_SCOPE]): (mailbox: string) => CalendarAccess {
  const { privateKeyPem } = harness.emulator.registerServiceAccount({ clientEmail: SERVICE_ACCOUNT });
  harness.emulator.grantDomainWideDelegation({ domain, serviceAccount: SERVICE_ACCOUNT, scopes });
  return (mailbox) => ({
    mailbox,
    credentials: { kind: 'google-service-account', clientEmail: SERVICE_ACCOUNT, privateKey: privateKeyPem as string },
  });
}

/** Virtual time: sleeps return at once and advance the clock; what was slept is recorded. */
export function virtualClock(): RetryClock & { slept: number[] } {
  let now = Date.now();
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
    random: () => 0.5,
  };
}

export const FAST_RETRY = { maxAttempts: 5, maxTotalMs: 120_000, baseDelayMs: 100, maxDelayMs: 2_000 };
