import { Client, ResponseType, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import type { CalendarAccess } from '../calendar-provider';
import type { ProviderEndpoints } from '../provider-endpoints';
import { isProviderError, ProviderError } from '../provider-errors';
import type { MailboxPacer } from '../shared/mailbox-pacer';
import { withProviderRetries, type RetryClock, type RetryOptions } from '../shared/provider-retry';
import { parseGraphFailure } from './graph-error-parser';
import type { MicrosoftTokenSource } from './microsoft-token-source';

/** Graph's limit of requests in one JSON batch (https://learn.microsoft.com/en-us/graph/json-batching). */
export const GRAPH_BATCH_LIMIT = 20;
const MAX_RESPONSE_CHARS = 64 * 1024 * 1024;

export interface GraphCall {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Below the version root ("/users/x/events"), or an absolute nextLink/deltaLink under graphBaseUrl. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The call addresses /users/{upn} itself: a 404 means the mailbox does not exist. */
  addressesUser?: boolean;
}

export interface BatchStep {
  id: string;
  method: GraphCall['method'];
  /** Relative to the version root. */
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface BatchAnswer {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export interface GraphTransportOptions {
  endpoints: ProviderEndpoints['microsoft'];
  tokens: MicrosoftTokenSource;
  pacer: MailboxPacer;
  retry: RetryOptions;
  clock: RetryClock;
  fetch: typeof fetch;
  requestTimeoutMs: number;
}

/**
 * Every Graph HTTP request of the driver: the official client (custom middleware that adds the
 * token and sends through the configured fetch with a timeout, so it works against any base URL,
 * the emulator's plain-http one included), paced per mailbox, retried on 429/503/5xx/timeouts with
 * Retry-After honoured and a bounded total time, and failures parsed into ProviderErrors.
 */
export class GraphTransport {
  private readonly baseUrl: string;
  private readonly version: string;
  private readonly root: string;

  constructor(private readonly options: GraphTransportOptions) {
    this.root = options.endpoints.graphBaseUrl.replace(/\/+$/, '');
    const slash = this.root.lastIndexOf('/');
    this.baseUrl = `${this.root.slice(0, slash)}/`;
    this.version = this.root.slice(slash + 1);
  }

  /** One Graph request; the parsed JSON answer (undefined for 204). */
  async call<T = unknown>(access: CalendarAccess, call: GraphCall): Promise<T> {
    return withProviderRetries(() => this.options.pacer.run(access.mailbox, 1, () => this.sendAuthenticated(access, call)), this.options.retry, this.options.clock) as Promise<T>;
  }

  /**
   * One $batch HTTP request (≤ 20 steps). Graph runs independent steps side by side, and more
   * than 4 at once against one mailbox are throttled (MailboxConcurrency), so the steps are laid
   * out as `lanes` dependsOn chains (step k after step k − lanes): at most `lanes` run at once, and
   * the batch holds that many of the mailbox's pacer slots. A step whose chain broke answers 424
   * without having run. Graph counts each step against the mailbox, so the budget is charged per
   * step. The envelope is retried like any call; answers are returned by id whatever order Graph
   * gave them in, failures included (the caller retries the throttled and the 424 ones).
   * https://learn.microsoft.com/en-us/graph/json-batching#sequencing-requests-with-the-dependson-property
   * https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits
   */
  async batch(access: CalendarAccess, steps: BatchStep[]): Promise<Map<string, BatchAnswer>> {
    if (steps.length === 0 || steps.length > GRAPH_BATCH_LIMIT) throw new Error(`a Graph batch holds 1 to ${GRAPH_BATCH_LIMIT} requests`);
    const lanes = Math.max(1, this.options.pacer.maxConcurrent);
    const requests = steps.map((s, k) => ({
      id: s.id,
      method: s.method,
      url: s.url,
      ...(k >= lanes ? { dependsOn: [steps[k - lanes].id] } : {}),
      ...(s.body !== undefined ? { body: s.body, headers: { 'Content-Type': 'application/json', ...s.headers } } : s.headers ? { headers: s.headers } : {}),
    }));
    const answer = await withProviderRetries(
      () => this.options.pacer.run(access.mailbox, steps.length, () => this.sendAuthenticated(access, { method: 'POST', path: '/$batch', body: { requests } }), Math.min(lanes, steps.length)),
      this.options.retry,
      this.options.clock,
    );
    const responses = (answer as { responses?: BatchAnswer[] } | undefined)?.responses;
    if (!Array.isArray(responses)) throw new ProviderError('TEMPORARY', 'Graph $batch answered without responses', { provider: 'microsoft' });
    const byId = new Map<string, BatchAnswer>();
    for (const r of responses) byId.set(String(r.id), { id: String(r.id), status: Number(r.status), headers: lowerKeys(r.headers), body: r.body });
    for (const step of steps) {
      if (!byId.has(step.id)) byId.set(step.id, { id: step.id, status: 503, headers: {}, body: { error: { code: 'MissingBatchResponse', message: 'Graph returned no answer for this request' } } });
    }
    return byId;
  }

  /** A 401 once means the cached token went stale (expired early, revoked session): fetch a new one and try again. */
  private async sendAuthenticated(access: CalendarAccess, call: GraphCall): Promise<unknown> {
    try {
      return await this.send(access, call);
    } catch (error) {
      if (!isProviderError(error, 'AUTH_REVOKED') || error.status !== 401) throw error;
      this.options.tokens.invalidate(access);
      return this.send(access, call);
    }
  }

  private async send(access: CalendarAccess, call: GraphCall): Promise<unknown> {
    const token = await this.options.tokens.accessToken(access);
    const client = Client.initWithMiddleware({ baseUrl: this.baseUrl, defaultVersion: this.version, middleware: new FetchWithToken(token, this.options.fetch, this.options.requestTimeoutMs) });
    let request = client.api(this.relative(call.path)).responseType(ResponseType.RAW);
    if (call.headers) request = request.headers(call.headers);
    let response: Response;
    try {
      switch (call.method) {
        case 'GET':
          response = (await request.get()) as Response;
          break;
        case 'POST':
          response = (await request.post(call.body)) as Response;
          break;
        case 'PATCH':
          response = (await request.patch(call.body)) as Response;
          break;
        case 'DELETE':
          response = (await request.delete()) as Response;
          break;
      }
    } catch (error) {
      // Only transport failures reach here with RAW responses: refused connection, reset, our timeout.
      throw new ProviderError('TEMPORARY', `Microsoft Graph ${call.method} unreachable or timed out`, { provider: 'microsoft', cause: error });
    }
    const text = await response.text();
    if (text.length > MAX_RESPONSE_CHARS) throw new ProviderError('TEMPORARY', 'Oversized Graph response', { provider: 'microsoft', status: response.status });
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      throw parseGraphFailure({ status: response.status, body, retryAfter: response.headers.get('retry-after'), request: `${call.method} ${pathOnly(call.path)}`, addressesUser: call.addressesUser });
    }
    return body;
  }

  /** Links Graph hands out are absolute; only ones under our configured root are followed (the token goes nowhere else). */
  private relative(path: string): string {
    if (!/^https?:\/\//i.test(path)) return path;
    if (!path.startsWith(`${this.root}/`)) throw new ProviderError('INVALID_REQUEST', 'Graph returned a link outside the configured Graph root', { provider: 'microsoft' });
    return path.slice(this.root.length);
  }
}

/**
 * The client's AuthenticationHandler only attaches tokens for https Graph hosts; this terminal
 * middleware sets the bearer token itself and sends through the injected fetch with a timeout.
 */
class FetchWithToken implements Middleware {
  constructor(
    private readonly token: string,
    private readonly fetchImpl: typeof fetch,
    private readonly timeoutMs: number,
  ) {}

  async execute(context: Context): Promise<void> {
    const options = context.options ?? {};
    const headers = new Headers(options.headers as ConstructorParameters<typeof Headers>[0]);
    headers.set('Authorization', `Bearer ${this.token}`);
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    context.response = await this.fetchImpl(url, { ...(options as RequestInit), headers, signal: AbortSignal.timeout(this.timeoutMs) });
  }
}

function lowerKeys(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers && typeof headers === 'object') for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = String(v);
  return out;
}

function pathOnly(path: string): string {
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}
