import express, { type NextFunction, type Request, type Response } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CalendarAccess } from '../src/providers/calendar-provider';
import { GoogleCalendarProvider } from '../src/providers/google/google-calendar.provider';
import { GRAPH_PACING, MicrosoftCalendarProvider } from '../src/providers/microsoft/microsoft-calendar-provider';
import { GoogleEmulator } from '../src/sandbox/google/google-emulator';
import type { SeedEvent } from '../src/sandbox/google/google-types';
import { MicrosoftEmulator } from '../src/sandbox/microsoft/microsoft-emulator';
import { parsePolicy } from '../src/sync/link-policy';
import type { LinkSyncResult } from '../src/sync/link-sync.types';
import { machine, MB, withMemoryPeak, writeResults, type MemoryPeak } from './support/bench-measure';
import { openEngineWorld } from './support/sync-engine-world';

const SOURCE = 'source@example.com';
const DESTINATION = 'dest@contoso.test';
const SERVICE_ACCOUNT = 'bench@bench-project.iam.gserviceaccount.com';
const WINDOW = { start: '2026-12-01T00:00:00Z', end: '2027-12-01T00:00:00Z' };

function setting(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** A loopback HTTP server around an emulator router, counting every HTTP request by method and path pattern. */
interface CountedServer {
  base: string;
  requests: Map<string, number>;
  total(): number;
  close(): Promise<void>;
}

async function serve(mount: string, router: express.Router, normalise: (path: string) => string): Promise<CountedServer> {
  const requests = new Map<string, number>();
  const app = express();
  app.use(mount, (req: Request, _res: Response, next: NextFunction) => {
    const key = `${req.method} ${normalise(req.path)}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    next();
  });
  app.use(mount, router);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}${mount}`,
    requests,
    total: () => [...requests.values()].reduce((a, b) => a + b, 0),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const googlePath = (path: string): string => path.replace(/\/calendars\/[^/]+\//, '/calendars/{id}/').replace(/\/events\/[^/]+$/, '/events/{id}');
const graphPath = (path: string): string => path.replace(/\/users\/[^/]+\//, '/users/{id}/').replace(/\/(events|calendars)\/[^/]+/g, '/$1/{id}');

/**
 * The source calendar: `singles` one-hour events and `series` weekly series (10 occurrences)
 * with two exceptions each (the 3rd occurrence moved by two hours and retitled, the 5th cancelled).
 */
export function sourceEvents(total: number, series: number): SeedEvent[] {
  const events: SeedEvent[] = [];
  const first = Date.parse('2026-12-07T08:00:00Z');
  const hour = 3_600_000;
  for (let i = 0; i < total - series; i++) {
    const start = first + (i % 300) * 24 * hour + (i % 9) * hour;
    events.push({
      summary: `Single ${i}`,
      description: `Bench event ${i}`,
      location: i % 3 === 0 ? `Room ${i % 17}` : undefined,
      start: { dateTime: new Date(start).toISOString() },
      end: { dateTime: new Date(start + hour).toISOString() },
    });
  }
  for (let i = 0; i < series; i++) {
    const day = 7 + (i % 20);
    const startLocal = `2026-12-${String(day).padStart(2, '0')}T${String(8 + (i % 8)).padStart(2, '0')}:00:00`;
    const endLocal = startLocal.replace(/T(\d\d)/, (_m, h: string) => `T${String(Number(h) + 1).padStart(2, '0')}`);
    const occurrence = (week: number, hourShift = 0): string => {
      const at = new Date(Date.parse(`${startLocal}Z`) + week * 7 * 24 * hour + hourShift * hour);
      return at.toISOString().slice(0, 19);
    };
    events.push({
      summary: `Series ${i}`,
      start: { dateTime: startLocal, timeZone: 'Europe/Berlin' },
      end: { dateTime: endLocal, timeZone: 'Europe/Berlin' },
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=10'],
      exceptions: [
        {
          originalStartTime: { dateTime: occurrence(2), timeZone: 'Europe/Berlin' },
          summary: `Series ${i} (moved)`,
          start: { dateTime: occurrence(2, 2), timeZone: 'Europe/Berlin' },
          end: { dateTime: occurrence(2, 3), timeZone: 'Europe/Berlin' },
        },
        { originalStartTime: { dateTime: occurrence(4), timeZone: 'Europe/Berlin' }, status: 'cancelled' },
      ],
    });
  }
  return events;
}

interface Quota {
  requestsPerWindow: number;
  windowMs: number;
}

export interface InitialSyncRun {
  label: 'zero-latency' | 'graph-quota';
  sourceEvents: number;
  sourceSeries: number;
  /** Graph per-mailbox quota (emulator and driver pacing alike); null: off. */
  graphQuota: (Quota & { requestsPerSecond: number }) | null;
  wallMs: number;
  memory: { peakRssMb: number; peakHeapUsedMb: number; rssBeforeSyncMb: number; heapBeforeSyncMb: number };
  result: LinkSyncResult;
  writes: number;
  writesPerSourceItem: number;
  googleRequests: Record<string, number>;
  graphRequests: Record<string, number>;
  googleRequestsTotal: number;
  graphRequestsTotal: number;
  /** Graph HTTP requests other than $batch and token requests: reads (pages) and single calls. */
  graphPagesRead: number;
  /** What the target allows: writes / 20 + pages read (source pages from Google plus Graph reads). */
  graphRequestBudget: number;
  httpRequestsPerSourceItem: number;
  /** Events stored in the Graph mailbox afterwards (series masters, singles, changed exceptions). */
  destinationStored: number;
  achievedWritesPerSecond: number;
  /** Achieved write rate / the quota's rate (only with a quota). */
  quotaUtilisation: number | null;
}

async function runOnce(label: InitialSyncRun['label'], total: number, series: number, quota: Quota | null): Promise<InitialSyncRun> {
  const google = new GoogleEmulator({ quota: { requestsPerMinute: 0 } });
  const graph = new MicrosoftEmulator({ throttling: quota ? { ...quota, maxConcurrent: 4 } : { requestsPerWindow: 0, maxConcurrent: 4 } });
  const googleServer = await serve('/sandbox/google', google.router(), googlePath);
  const graphServer = await serve('/sandbox/microsoft', graph.router(), graphPath);

  google.createMailbox({ email: SOURCE, timeZone: 'Europe/Berlin' });
  const { privateKeyPem } = google.registerServiceAccount({ clientEmail: SERVICE_ACCOUNT });
  google.grantDomainWideDelegation({ domain: 'example.com', serviceAccount: SERVICE_ACCOUNT, scopes: ['https://www.googleapis.com/auth/calendar'] });
  google.seedEvents(SOURCE, sourceEvents(total, series));

  const directory = graph.createDirectory({ domains: ['contoso.test'], displayName: 'Contoso' });
  graph.createMailbox({ email: DESTINATION, displayName: 'Bench', timeZone: 'W. Europe Standard Time' });
  const app = graph.registerApp({ clientId: 'bench-client', clientSecret: 'bench-secret', redirectUris: ['http://localhost/cb'], tenantId: directory.tenantId });

  const googleDriver = new GoogleCalendarProvider({ endpoints: { apiBaseUrl: googleServer.base, oauthBaseUrl: googleServer.base, authBaseUrl: googleServer.base } });
  const graphDriver = new MicrosoftCalendarProvider({
    endpoints: { graphBaseUrl: `${graphServer.base}/graph/v1.0`, loginBaseUrl: `${graphServer.base}/login` },
    // The product paces at Graph's documented limits; with a bench quota the driver is told the same limit the emulator enforces.
    pacing: quota ? { ...quota, maxConcurrent: GRAPH_PACING.maxConcurrent } : { ...GRAPH_PACING, requestsPerWindow: 1_000_000_000 },
  });
  const sourceAccess: CalendarAccess = { mailbox: SOURCE, credentials: { kind: 'google-service-account', clientEmail: SERVICE_ACCOUNT, privateKey: privateKeyPem as string } };
  const destinationAccess: CalendarAccess = {
    mailbox: DESTINATION,
    credentials: { kind: 'microsoft-app', tenantId: directory.tenantId, clientId: app.clientId, clientSecret: 'bench-secret' },
  };
  const world = await openEngineWorld({ google: googleDriver, microsoft: graphDriver });
  try {
    const destinationCalendar = (await graphDriver.resolveMailbox(destinationAccess)).primaryCalendarId;
    const linkId = await world.insertLink({ email: SOURCE, type: 'google' }, { email: DESTINATION, type: 'microsoft' });
    const policy = parsePolicy('subject');
    if (!policy.ok) throw new Error('policy');
    googleServer.requests.clear();
    graphServer.requests.clear();
    global.gc?.();
    const before = process.memoryUsage();
    const started = performance.now();
    const { value: result, memory } = await withMemoryPeak(() =>
      world.engine.syncLink({
        tenantId: world.tenantId,
        linkId,
        source: { provider: 'google', access: sourceAccess, calendarId: SOURCE, timeZone: 'Europe/Berlin' },
        destination: { provider: 'microsoft', access: destinationAccess, calendarId: destinationCalendar, timeZone: 'Europe/Berlin' },
        policy: policy.policy,
        tag: null,
        cursor: null,
        window: WINDOW,
      }),
    );
    const wallMs = Math.round(performance.now() - started);
    return summarise(label, { total, series, quota, wallMs, memory, before, result, googleServer, graphServer, stored: graph.listStoredEvents(DESTINATION).length });
  } finally {
    await world.close();
    await googleServer.close();
    await graphServer.close();
  }
}

function summarise(
  label: InitialSyncRun['label'],
  run: { total: number; series: number; quota: Quota | null; wallMs: number; memory: MemoryPeak; before: NodeJS.MemoryUsage; result: LinkSyncResult; googleServer: CountedServer; graphServer: CountedServer; stored: number },
): InitialSyncRun {
  const { result } = run;
  const writes = result.created + result.updated + result.deleted;
  const graphRequests = Object.fromEntries(run.graphServer.requests);
  const googleRequests = Object.fromEntries(run.googleServer.requests);
  const graphPagesRead = Object.entries(graphRequests)
    .filter(([key]) => !key.includes('$batch') && !key.includes('/token'))
    .reduce((sum, [, n]) => sum + n, 0);
  const googlePages = googleRequests['GET /calendar/v3/calendars/{id}/events'] ?? 0;
  const seconds = run.wallMs / 1000;
  const quotaRate = run.quota ? run.quota.requestsPerWindow / (run.quota.windowMs / 1000) : null;
  const achieved = writes / seconds;
  return {
    label,
    sourceEvents: run.total,
    sourceSeries: run.series,
    graphQuota: run.quota && quotaRate ? { ...run.quota, requestsPerSecond: quotaRate } : null,
    wallMs: run.wallMs,
    memory: {
      peakRssMb: Math.round(run.memory.peakRssBytes / MB),
      peakHeapUsedMb: Math.round(run.memory.peakHeapUsedBytes / MB),
      rssBeforeSyncMb: Math.round(run.before.rss / MB),
      heapBeforeSyncMb: Math.round(run.before.heapUsed / MB),
    },
    result,
    writes,
    writesPerSourceItem: round(writes / run.total),
    googleRequests,
    graphRequests,
    googleRequestsTotal: run.googleServer.total(),
    graphRequestsTotal: run.graphServer.total(),
    graphPagesRead,
    graphRequestBudget: Math.ceil(writes / 20) + googlePages + graphPagesRead,
    httpRequestsPerSourceItem: round((run.googleServer.total() + run.graphServer.total()) / run.total),
    destinationStored: run.stored,
    achievedWritesPerSecond: round(achieved),
    quotaUtilisation: quotaRate ? round(achieved / quotaRate) : null,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export interface LinksInitialSyncResult {
  name: 'links-initial-sync';
  date: string;
  machine: ReturnType<typeof machine>;
  level: string;
  runs: InitialSyncRun[];
  targets: { noPerInstanceWrites: boolean; graphRequestsWithinBudget: boolean; under60s: boolean; under300Mb: boolean; quotaAtLeast90: boolean; zeroFailedWrites: boolean };
}

export async function runLinksInitialSyncBench(): Promise<LinksInitialSyncResult> {
  const total = setting('BENCH_LINKS_EVENTS', 10_000);
  const series = setting('BENCH_LINKS_SERIES', 500);
  const quotaEvents = setting('BENCH_LINKS_QUOTA_EVENTS', 500);
  const quotaSeries = Math.round((quotaEvents * series) / total);
  // 20 requests per second per mailbox (Graph counts each $batch sub-request): below the unthrottled
  // rate this loaded machine reaches (so the quota, not the CPU, is the limit), and a one-second
  // window keeps the initial burst small against ~26 s of run.
  const quota = { requestsPerWindow: setting('BENCH_LINKS_QUOTA_REQUESTS', 20), windowMs: setting('BENCH_LINKS_QUOTA_WINDOW_MS', 1_000) };
  const zero = await runOnce('zero-latency', total, series, null);
  const quotaRun = await runOnce('graph-quota', quotaEvents, quotaSeries, quota);
  // Per source item: a single is one write, a series its master plus one moved occurrence (the cancelled one rides on the master).
  const expectedWrites = (n: number, s: number): number => n - s + 2 * s;
  return {
    name: 'links-initial-sync',
    date: new Date().toISOString(),
    machine: machine(),
    level: 'engine level: SyncEngine.syncLink with the real Google and Microsoft drivers over loopback HTTP to the in-process emulators (the Links HTTP API/queue is not in this measure); memory is the whole process, emulator stores included',
    runs: [zero, quotaRun],
    targets: {
      noPerInstanceWrites: zero.writes <= expectedWrites(total, series) && quotaRun.writes <= expectedWrites(quotaEvents, quotaSeries),
      graphRequestsWithinBudget: zero.graphRequestsTotal - (zero.graphRequests['POST /login/{id}/oauth2/v2.0/token'] ?? 0) <= zero.graphRequestBudget,
      under60s: zero.wallMs < 60_000,
      under300Mb: zero.memory.peakRssMb < 300,
      quotaAtLeast90: (quotaRun.quotaUtilisation ?? 0) >= 0.9,
      zeroFailedWrites: quotaRun.result.failed === 0 && zero.result.failed === 0,
    },
  };
}

export function writeLinksInitialSyncResults(result: LinksInitialSyncResult): void {
  const row = (r: InitialSyncRun): string =>
    `| ${r.label} | ${r.sourceEvents} (${r.sourceSeries} series) | ${r.graphQuota ? `${r.graphQuota.requestsPerWindow} / ${r.graphQuota.windowMs / 1000} s (${r.graphQuota.requestsPerSecond}/s)` : 'off'} | ${(r.wallMs / 1000).toFixed(1)} s | ${r.memory.peakRssMb} MB (${r.memory.rssBeforeSyncMb} before) | ${r.memory.peakHeapUsedMb} MB | ${r.writes} (${r.writesPerSourceItem}/item) | ${r.result.failed} | ${r.googleRequestsTotal} | ${r.graphRequestsTotal} (budget ${r.graphRequestBudget}) | ${r.httpRequestsPerSourceItem} | ${r.achievedWritesPerSecond}/s | ${r.quotaUtilisation === null ? '—' : `${(r.quotaUtilisation * 100).toFixed(1)} %`} |`;
  const markdown = [
    '# links-initial-sync',
    '',
    `${result.date} · Node ${result.machine.node} · ${result.machine.cpus} × ${result.machine.cpuModel}`,
    '',
    `> ${result.machine.note}.`,
    `> Measured at the ${result.level}.`,
    '',
    '| run | source events | Graph quota | wall | peak RSS | peak heap | writes | failed | Google HTTP | Graph HTTP | HTTP / item | write rate | of quota |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...result.runs.map(row),
    '',
    'Targets: ' + Object.entries(result.targets).map(([k, v]) => `${k} ${v ? '✔' : '✘'}`).join(' · '),
    '',
    'Requests by endpoint:',
    '',
    ...result.runs.map((r) => `- ${r.label}: Google ${JSON.stringify(r.googleRequests)}; Graph ${JSON.stringify(r.graphRequests)}`),
    '',
  ].join('\n');
  writeResults('links-initial-sync', result, markdown);
}
