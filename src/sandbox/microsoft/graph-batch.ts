import { badRequest, graphErrorBody, GraphHttpError, newRequestId } from './graph-errors';
import type { GraphRequest, GraphResponse } from './graph-request';
import type { GraphService } from './graph-service';
import type { SeededRandom } from './seeded-random';

export const MAX_BATCH_REQUESTS = 20;

interface BatchStep {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  dependsOn: string[];
}

interface BatchResult {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** How the batch answers are ordered: Graph promises none, so the strict default shuffles. */
export type BatchOrder = 'shuffled' | 'request';

/**
 * JSON batching: up to 20 requests, dependsOn ordering (a request whose dependency
 * failed answers 424), responses correlated by id. Requests whose dependencies are met
 * run concurrently, as Graph runs them, so each one is authenticated, counted and
 * throttled on its own and more than four at once against one mailbox trip its
 * concurrency limit (429 per sub-request with Retry-After). The responses come back in
 * a seeded shuffled order ("responses might appear in a different order").
 */
export class GraphBatch {
  constructor(
    private readonly service: GraphService,
    private readonly random: SeededRandom,
    private readonly order: BatchOrder = 'shuffled',
  ) {}

  async handle(req: GraphRequest): Promise<GraphResponse> {
    const rejected = this.service.checkBatchEnvelope(req);
    if (rejected) return rejected;
    const requestId = newRequestId();
    try {
      const steps = this.parse(req.body);
      const results = await this.run(steps, req);
      return { status: 200, headers: { 'request-id': requestId }, body: { responses: results } };
    } catch (err) {
      if (err instanceof GraphHttpError) return { status: err.status, headers: { 'request-id': requestId }, body: graphErrorBody(err.code, err.message, requestId) };
      throw err;
    }
  }

  private parse(body: unknown): BatchStep[] {
    const requests = (body as { requests?: unknown } | undefined)?.requests;
    if (!Array.isArray(requests)) throw badRequest('Invalid batch payload format.', 'BadRequest');
    if (requests.length === 0) throw badRequest('Invalid batch payload format.', 'BadRequest');
    if (requests.length > MAX_BATCH_REQUESTS) throw badRequest(`Number of requests in a batch cannot exceed ${MAX_BATCH_REQUESTS}.`, 'BadRequest');
    const steps = requests.map((raw, i) => this.parseStep(raw, i));
    const ids = new Set<string>();
    for (const step of steps) {
      if (ids.has(step.id.toLowerCase())) throw badRequest(`Batch request id '${step.id}' is duplicated.`, 'BadRequest');
      ids.add(step.id.toLowerCase());
    }
    for (const step of steps) {
      for (const dep of step.dependsOn) if (!ids.has(dep.toLowerCase())) throw badRequest(`Request '${step.id}' depends on unknown request '${dep}'.`, 'BadRequest');
    }
    this.checkAcyclic(steps);
    return steps;
  }

  private parseStep(raw: unknown, index: number): BatchStep {
    const r = (raw ?? {}) as Record<string, unknown>;
    if (typeof r.id !== 'string' || !r.id) throw badRequest(`Request at index ${index} is missing an id.`, 'BadRequest');
    if (typeof r.method !== 'string' || typeof r.url !== 'string') throw badRequest(`Request '${r.id}' requires method and url.`, 'BadRequest');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((r.headers as Record<string, unknown>) ?? {})) headers[k.toLowerCase()] = String(v);
    if (r.body !== undefined && !headers['content-type']) throw badRequest(`Request '${r.id}' has a body but no Content-Type header.`, 'BadRequest');
    const dependsOn = Array.isArray(r.dependsOn) ? r.dependsOn.map(String) : [];
    return { id: r.id, method: r.method.toUpperCase(), url: r.url, headers, body: r.body, dependsOn };
  }

  private checkAcyclic(steps: BatchStep[]): void {
    const byId = new Map(steps.map((s) => [s.id.toLowerCase(), s]));
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (s: BatchStep) => {
      const key = s.id.toLowerCase();
      if (state.get(key) === 'done') return;
      if (state.get(key) === 'visiting') throw badRequest('Batch request dependencies form a cycle.', 'BadRequest');
      state.set(key, 'visiting');
      for (const dep of s.dependsOn) visit(byId.get(dep.toLowerCase())!);
      state.set(key, 'done');
    };
    steps.forEach(visit);
  }

  private async run(steps: BatchStep[], outer: GraphRequest): Promise<BatchResult[]> {
    const results = new Map<string, BatchResult>();
    let pending = [...steps];
    while (pending.length > 0) {
      // A wave: every request whose dependencies have answered, all in flight together.
      const wave = pending.filter((s) => s.dependsOn.every((d) => results.has(d.toLowerCase())));
      pending = pending.filter((s) => !wave.includes(s));
      const answers = await Promise.all(wave.map((step) => this.runStep(step, results, outer)));
      answers.forEach((answer) => results.set(answer.id.toLowerCase(), answer));
    }
    const inRequestOrder = steps.map((s) => results.get(s.id.toLowerCase())!);
    return this.order === 'shuffled' ? this.random.shuffle(inRequestOrder) : inRequestOrder;
  }

  private async runStep(step: BatchStep, results: Map<string, BatchResult>, outer: GraphRequest): Promise<BatchResult> {
    const failedDep = step.dependsOn.find((d) => {
      const status = results.get(d.toLowerCase())!.status;
      return status < 200 || status >= 300;
    });
    if (failedDep) {
      return { id: step.id, status: 424, headers: {}, body: graphErrorBody('FailedDependency', 'The request was not processed because of a failed dependency.', newRequestId()) };
    }
    const res = await this.service.handle(this.toRequest(step, outer));
    const headers: Record<string, string> = { ...res.headers };
    if (res.body !== undefined) headers['Content-Type'] = 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';
    return { id: step.id, status: res.status, headers, ...(res.body !== undefined ? { body: res.body } : {}) };
  }

  private toRequest(step: BatchStep, outer: GraphRequest): GraphRequest {
    const url = relativeUrl(step.url, outer.serviceRoot);
    const q = url.indexOf('?');
    return {
      method: step.method,
      path: q === -1 ? url : url.slice(0, q),
      query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
      // Sub-requests inherit the batch's credentials.
      headers: { ...step.headers, authorization: outer.headers.authorization ?? '' },
      body: step.body,
      serviceRoot: outer.serviceRoot,
    };
  }
}

/**
 * Batch urls are relative to the version root ("/me/events"). The client library's
 * BatchRequestContent strips only scheme and host, leaving "/v1.0/me/events" (or, behind
 * the emulator's mount path, "/sandbox/microsoft/graph/v1.0/me/events"); Graph accepts
 * the version-prefixed form, so both are reduced to the relative path.
 */
function relativeUrl(url: string, serviceRoot: string): string {
  const rootPath = new URL(serviceRoot).pathname;
  let path = /^https?:\/\//i.test(url) ? url.replace(/^https?:\/\/[^/]+/i, '') : url;
  if (!path.startsWith('/')) path = `/${path}`;
  if (path.startsWith(`${rootPath}/`)) return path.slice(rootPath.length);
  if (/^\/v1\.0\//i.test(path)) return path.slice('/v1.0'.length);
  return path;
}
