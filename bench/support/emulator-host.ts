import express, { type NextFunction, type Request, type Response } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GoogleEmulator } from '../../src/sandbox/google/google-emulator';
import type { SeedEvent } from '../../src/sandbox/google/google-types';
import { MicrosoftEmulator } from '../../src/sandbox/microsoft/microsoft-emulator';

/**
 * The Google and Microsoft emulators of bench links-initial-sync, in a child process of their own
 * (run with `fork`): in production the providers are elsewhere, so the bench process holds only
 * what the product holds (engine, drivers, database client) and its memory is the product's. The
 * parent drives this process over IPC; HTTP between them is real loopback HTTP.
 */

export interface HostSetup {
  source: string;
  destination: string;
  serviceAccount: string;
  events: SeedEvent[];
  /** Graph per-mailbox quota; null: off. */
  quota: { requestsPerWindow: number; windowMs: number } | null;
}

export interface HostReady {
  googleBase: string;
  graphBase: string;
  privateKeyPem: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

export interface HostReport {
  googleRequests: Record<string, number>;
  graphRequests: Record<string, number>;
  /** Events stored in the destination mailbox. */
  stored: number;
  peakRssBytes: number;
}

export type HostMessage = { type: 'setup'; setup: HostSetup } | { type: 'clear' } | { type: 'report' } | { type: 'close' };
export type HostAnswer = { type: 'ready'; ready: HostReady } | { type: 'cleared' } | { type: 'report'; report: HostReport } | { type: 'closed' } | { type: 'error'; message: string };

interface CountedServer {
  base: string;
  requests: Map<string, number>;
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
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const googlePath = (path: string): string => path.replace(/\/calendars\/[^/]+\//, '/calendars/{id}/').replace(/\/events\/[^/]+$/, '/events/{id}');
const graphPath = (path: string): string => path.replace(/\/users\/[^/]+\//, '/users/{id}/').replace(/\/(events|calendars)\/[^/]+/g, '/$1/{id}');

interface World {
  graph: MicrosoftEmulator;
  destination: string;
  servers: CountedServer[];
  google: CountedServer;
  graphServer: CountedServer;
}

async function setUp(setup: HostSetup): Promise<{ world: World; ready: HostReady }> {
  const google = new GoogleEmulator({ quota: { requestsPerMinute: 0 } });
  const quota = setup.quota;
  const graph = new MicrosoftEmulator({ throttling: quota ? { ...quota, maxConcurrent: 4 } : { requestsPerWindow: 0, maxConcurrent: 4 } });
  const googleServer = await serve('/sandbox/google', google.router(), googlePath);
  const graphServer = await serve('/sandbox/microsoft', graph.router(), graphPath);

  google.createMailbox({ email: setup.source, timeZone: 'Europe/Berlin' });
  const { privateKeyPem } = google.registerServiceAccount({ clientEmail: setup.serviceAccount });
  google.grantDomainWideDelegation({ domain: setup.source.split('@')[1], serviceAccount: setup.serviceAccount, scopes: ['https://www.googleapis.com/auth/calendar'] });
  google.seedEvents(setup.source, setup.events);

  const directory = graph.createDirectory({ domains: [setup.destination.split('@')[1]], displayName: 'Contoso' });
  graph.createMailbox({ email: setup.destination, displayName: 'Bench', timeZone: 'W. Europe Standard Time' });
  const app = graph.registerApp({ clientId: 'bench-client', clientSecret: 'bench-secret', redirectUris: ['http://localhost/cb'], tenantId: directory.tenantId });
  return {
    world: { graph, destination: setup.destination, servers: [googleServer, graphServer], google: googleServer, graphServer },
    ready: { googleBase: googleServer.base, graphBase: graphServer.base, privateKeyPem: privateKeyPem as string, tenantId: directory.tenantId, clientId: app.clientId, clientSecret: 'bench-secret' },
  };
}

function main(): void {
  let world: World | null = null;
  let peakRssBytes = 0;
  const sampler = setInterval(() => (peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss)), 100);
  const answer = (message: HostAnswer): void => void process.send?.(message);
  // The bench process gone (killed, crashed): no emulator is left behind.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: HostMessage) => {
    void (async () => {
      try {
        switch (message.type) {
          case 'setup': {
            const made = await setUp(message.setup);
            world = made.world;
            return answer({ type: 'ready', ready: made.ready });
          }
          case 'clear':
            for (const server of world?.servers ?? []) server.requests.clear();
            peakRssBytes = process.memoryUsage().rss;
            return answer({ type: 'cleared' });
          case 'report':
            if (!world) throw new Error('not set up');
            peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
            return answer({
              type: 'report',
              report: {
                googleRequests: Object.fromEntries(world.google.requests),
                graphRequests: Object.fromEntries(world.graphServer.requests),
                stored: world.graph.listStoredEvents(world.destination).length,
                peakRssBytes,
              },
            });
          case 'close':
            for (const server of world?.servers ?? []) await server.close();
            clearInterval(sampler);
            answer({ type: 'closed' });
            return process.disconnect?.();
        }
      } catch (error) {
        answer({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
    })();
  });
}

if (require.main === module) main();
