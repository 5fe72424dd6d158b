import type { ExecutionContext } from '@nestjs/common';
import type { AppConfig } from '../../src/common/config/app-config';

/** What the tenancy unit specs read of a request: headers (case-insensitive) and the query. */
export interface FakeRequest {
  headers: Record<string, string>;
  query: Record<string, unknown>;
  header(name: string): string | undefined;
  principal?: unknown;
  user?: unknown;
}

export function fakeRequest(headers: Record<string, string> = {}, query: Record<string, unknown> = {}): FakeRequest {
  const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return { headers: lower, query, header: (name: string) => lower[name.toLowerCase()] };
}

/** An ExecutionContext for one HTTP request to `handler` of `controller`, as Nest builds it. */
export function httpContext(request: FakeRequest, handler: () => unknown = () => undefined, controller: object = class {}): ExecutionContext {
  const response = { setHeader: () => undefined, end: () => undefined, statusCode: 200 };
  return {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response, getNext: () => () => undefined }),
    getHandler: () => handler,
    getClass: () => controller,
    getType: () => 'http',
    getArgs: () => [request, response],
    getArgByIndex: (index: number) => [request, response][index],
  } as unknown as ExecutionContext;
}

/** The config fields the tenancy code reads; the rest of AppConfig is never touched by it. */
export function tenancyConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    adminToken: 'admin-token-0123456789',
    jwt: { secret: 'unit-secret-0123456789abcdef', tenantClaim: 'org' },
    sandbox: false,
    nodeEnv: 'test',
    apiKeyCacheSeconds: 60,
    ...overrides,
  } as AppConfig;
}
