import express from 'express';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { google, type calendar_v3 } from 'googleapis';
import { GoogleEmulator, type GoogleEmulatorOptions } from '../../../src/sandbox/google/google-emulator';
import { googleapisOptions } from '../../../src/providers/google/googleapis-options';

export const MOUNT = '/sandbox/google';
export const CAL_SCOPE = 'https://www.googleapis.com/auth/calendar';

export interface TestServer {
  emulator: GoogleEmulator;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** origin + mount, no trailing slash */
  base: string;
  close(): Promise<void>;
}

/** Starts an express app with the emulator mounted the way the product mounts it. */
export async function startEmulator(options: GoogleEmulatorOptions = {}): Promise<TestServer> {
  const emulator = new GoogleEmulator(options);
  const app = express();
  app.use(MOUNT, emulator.router());
  const server = await listen(app);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    emulator,
    origin,
    base: origin + MOUNT,
    close: () => closeServer(server),
  };
}

/**
 * gaxios 7 loads node-fetch with a dynamic import(), which Jest's CommonJS runtime refuses
 * ("dynamic import callback ... --experimental-vm-modules"); handing it Node's global fetch
 * avoids that. The product itself (plain Node) does not need this.
 */
export const FETCH = { fetchImplementation: fetch } as const;

export function oauthClient(base: string, clientId: string, clientSecret?: string, redirectUri?: string) {
  return new google.auth.OAuth2({
    transporterOptions: FETCH,
    clientId,
    clientSecret,
    redirectUri,
    endpoints: {
      oauth2AuthBaseUrl: `${base}/o/oauth2/v2/auth`,
      oauth2TokenUrl: `${base}/token`,
      oauth2RevokeUrl: `${base}/revoke`,
      tokenInfoUrl: `${base}/tokeninfo`,
    },
  });
}

/** A calendar client for a mailbox, authorised with tokens minted through the control API. */
export function calendarFor(
  server: TestServer,
  mailbox: string,
  scope?: string | string[],
): { calendar: calendar_v3.Calendar; accessToken: string } {
  const tokens = server.emulator.issueTokens({ mailbox, scope });
  const auth = oauthClient(server.base, 'emulator-control.apps.googleusercontent.com');
  auth.setCredentials({ access_token: tokens.access_token, refresh_token: tokens.refresh_token });
  return { calendar: google.calendar({ version: 'v3', auth, ...googleapisOptions(server.base) }), accessToken: tokens.access_token };
}

export interface EventPages {
  items: calendar_v3.Schema$Event[];
  /** Item count of every page, in order. */
  pageSizes: number[];
  nextSyncToken?: string;
}

/**
 * events.list to the end. Google may answer short or empty pages before the last one, so
 * only a missing nextPageToken ends a listing; the emulator does the same by default.
 */
export async function listAllEvents(calendar: calendar_v3.Calendar, params: calendar_v3.Params$Resource$Events$List): Promise<EventPages> {
  const out: EventPages = { items: [], pageSizes: [] };
  let pageToken: string | undefined;
  do {
    const { data } = await calendar.events.list({ ...params, pageToken });
    if (data.nextPageToken && data.nextSyncToken) throw new Error('a page carried both nextPageToken and nextSyncToken');
    out.items.push(...(data.items ?? []));
    out.pageSizes.push(data.items?.length ?? 0);
    pageToken = data.nextPageToken ?? undefined;
    out.nextSyncToken = data.nextSyncToken ?? undefined;
  } while (pageToken);
  return out;
}

/** events.instances to the end (short pages, as for events.list). */
export async function listAllInstances(
  calendar: calendar_v3.Calendar,
  params: calendar_v3.Params$Resource$Events$Instances,
): Promise<calendar_v3.Schema$Event[]> {
  const items: calendar_v3.Schema$Event[] = [];
  let pageToken: string | undefined;
  do {
    const { data } = await calendar.events.instances({ ...params, pageToken });
    items.push(...(data.items ?? []));
    pageToken = data.nextPageToken ?? undefined;
  } while (pageToken);
  return items;
}

/** calendarList.list to the end (short pages, as for events.list). */
export async function listAllCalendars(
  calendar: calendar_v3.Calendar,
  params: calendar_v3.Params$Resource$Calendarlist$List = {},
): Promise<calendar_v3.Schema$CalendarListEntry[]> {
  const items: calendar_v3.Schema$CalendarListEntry[] = [];
  let pageToken: string | undefined;
  do {
    const { data } = await calendar.calendarList.list({ ...params, pageToken });
    items.push(...(data.items ?? []));
    pageToken = data.nextPageToken ?? undefined;
  } while (pageToken);
  return items;
}

/** Runs a googleapis call expecting failure; returns the HTTP status and Google error body. */
export interface GoogleErrorResponse {
  status: number;
  headers?: Headers | Record<string, string>;
  body: {
    error: {
      code: number;
      message: string;
      status?: string;
      errors: { reason: string; domain: string; message: string; location?: string; locationType?: string }[];
      details?: unknown[];
    };
  };
}

export async function failure(call: Promise<unknown>): Promise<GoogleErrorResponse> {
  try {
    await call;
  } catch (err) {
    const e = err as { status?: number; response?: { status: number; data: unknown; headers?: Headers } };
    return { status: e.response?.status ?? e.status ?? 0, headers: e.response?.headers, body: e.response?.data as never };
  }
  throw new Error('expected the call to fail');
}

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local webhook receiver for push notifications. */
export async function startWebhook(): Promise<{ url: string; received: ReceivedHook[]; close(): Promise<void> }> {
  const received: ReceivedHook[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => closeServer(server),
  };
}

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** JSON of a fetch response, loosely typed: tests assert its shape with matchers. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function readJson(res: Response): Promise<any> {
  return res.json();
}
