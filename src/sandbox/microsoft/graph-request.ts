import type { Mailbox, Principal } from './graph-model';
import type { Preferences } from './odata-query';

/** One Graph call, from HTTP or from inside a $batch: the service handles both the same way. */
export interface GraphRequest {
  method: string;
  /** Path below the version root, segments percent-decoded: "/me/events/AAMk...". */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: unknown;
  /** Absolute URL of the version root, e.g. http://127.0.0.1:5000/sandbox/microsoft/graph/v1.0 */
  serviceRoot: string;
}

export interface GraphResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export interface GraphContext {
  req: GraphRequest;
  principal: Principal;
  /** The mailbox the path addresses (/me or /users/{id}), when it addresses one. */
  mailbox?: Mailbox;
  /** "/me" or "/users/{id}" exactly as the caller wrote it, for building links. */
  mailboxPrefix?: string;
  prefs: Preferences;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): GraphResponse {
  return { status, headers, body };
}

export const noContent = (): GraphResponse => ({ status: 204, headers: {} });

/** Splits a raw URL path into decoded segments ("/users/a%40b.com/events" → ["users","a@b.com","events"]). */
export function pathSegments(path: string): string[] {
  return path
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

/** A metrics label with ids replaced: "GET /users/{id}/calendars/{id}/events". */
export function endpointTemplate(method: string, path: string): string {
  const segments = pathSegments(path);
  const idAfter = new Set(['users', 'events', 'calendars', 'subscriptions', 'instances']);
  const out = segments.map((s, i) => (i > 0 && idAfter.has(segments[i - 1].toLowerCase()) ? '{id}' : s));
  return `${method.toUpperCase()} /${out.join('/')}`;
}
