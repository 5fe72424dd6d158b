import express from 'express';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, HTTPMessageHandler, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import { MicrosoftEmulator, type MicrosoftEmulatorOptions } from '../../../src/sandbox/microsoft/microsoft-emulator';

export interface EmulatorEnv {
  emulator: MicrosoftEmulator;
  /** http://127.0.0.1:{port}/sandbox/microsoft */
  base: string;
  /** {base}/graph/v1.0 */
  graphRoot: string;
  close(): Promise<void>;
}

export async function startEmulator(options: MicrosoftEmulatorOptions = {}): Promise<EmulatorEnv> {
  const emulator = new MicrosoftEmulator(options);
  const app = express();
  app.use('/sandbox/microsoft', emulator.router());
  const server = await listen(app);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sandbox/microsoft`;
  return { emulator, base, graphRoot: `${base}/graph/v1.0`, close: () => close(server) };
}

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer(app);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * The Graph client's AuthenticationHandler only attaches tokens to https Graph hosts
 * (and strips Authorization otherwise), so against an http emulator the token is set
 * by this middleware instead.
 */
class BearerMiddleware implements Middleware {
  private next?: Middleware;
  constructor(private readonly token: () => string) {}
  async execute(context: Context): Promise<void> {
    context.options = context.options ?? {};
    const headers = new Headers(context.options.headers as ConstructorParameters<typeof Headers>[0]);
    headers.set('Authorization', `Bearer ${this.token()}`);
    context.options.headers = Object.fromEntries(headers.entries());
    await this.next!.execute(context);
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** The official client pointed at the emulator; no retry handler, so 429s surface. */
export function graphClient(env: EmulatorEnv, token: string | (() => string)): Client {
  const auth = new BearerMiddleware(typeof token === 'string' ? () => token : token);
  auth.setNext(new HTTPMessageHandler());
  return Client.initWithMiddleware({ baseUrl: `${env.base}/graph/`, defaultVersion: 'v1.0', middleware: auth });
}

/**
 * The client only recognises absolute https URLs in api(); an http nextLink/deltaLink
 * from the emulator is passed as the path below the version root instead.
 */
export function linkPath(env: EmulatorEnv, link: string): string {
  if (!link.startsWith(env.graphRoot)) throw new Error(`link ${link} is not under ${env.graphRoot}`);
  return link.slice(env.graphRoot.length);
}

export interface Tenant {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  tenantId: string;
  alice: { id: string; email: string };
  bob: { id: string; email: string };
  aliceToken: string;
}

/** One directory (contoso.test), two mailboxes, one confidential client. */
export function seedTenant(env: EmulatorEnv): Tenant {
  const e = env.emulator;
  const dir = e.createDirectory({ domains: ['contoso.test'], displayName: 'Contoso' });
  const alice = e.createMailbox({ email: 'alice@contoso.test', displayName: 'Alice Adams', timeZone: 'Pacific Standard Time' });
  const bob = e.createMailbox({ email: 'bob@contoso.test', displayName: 'Bob Brown' });
  const app = e.registerApp({ clientId: 'cb-client', clientSecret: 's3cret', redirectUris: ['http://localhost:18080/oauth/microsoft/callback'], tenantId: dir.tenantId });
  const aliceToken = e.issueToken({ clientId: app.clientId, mailbox: alice.email }).access_token;
  return { clientId: app.clientId, clientSecret: 's3cret', redirectUri: app.redirectUris[0], tenantId: dir.tenantId, alice, bob, aliceToken };
}

/** A started emulator with the seeded tenant and a Graph client acting as Alice. */
export async function seededGraph(): Promise<{ env: EmulatorEnv; tenant: Tenant; client: Client }> {
  const env = await startEmulator();
  const tenant = seedTenant(env);
  return { env, tenant, client: graphClient(env, tenant.aliceToken) };
}

export interface Webhook {
  url: string;
  notifications: unknown[];
  validations: string[];
  /** How the endpoint answers validation requests. */
  mode: 'echo' | 'wrong' | 'status500' | 'silent';
  waitFor(count: number, timeoutMs?: number): Promise<unknown[]>;
  close(): Promise<void>;
}

/** A local receiver that implements Graph's webhook contract. */
export async function startWebhook(): Promise<Webhook> {
  const notifications: unknown[] = [];
  const validations: string[] = [];
  const waiters: (() => void)[] = [];
  const hook: Partial<Webhook> = { notifications, validations, mode: 'echo' };
  const server = createServer(async (req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const token = url.searchParams.get('validationToken');
    if (token !== null) {
      validations.push(token);
      if (hook.mode === 'silent') return; // never answers
      if (hook.mode === 'status500') return void res.writeHead(500).end();
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end(hook.mode === 'wrong' ? 'nope' : token);
      return;
    }
    notifications.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    res.writeHead(202).end();
    waiters.splice(0).forEach((w) => w());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  hook.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  hook.waitFor = async (count: number, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (notifications.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} notifications, got ${notifications.length}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return notifications;
  };
  hook.close = () => close(server);
  return hook as Webhook;
}

/** Response JSON for assertions (fetch types it as unknown). */
 
export async function jsonOf(res: Response): Promise<any> {
  return res.json();
}
