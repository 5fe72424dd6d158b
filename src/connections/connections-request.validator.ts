import { DomainException } from '../common/errors/domain.exception';
import { ErrorCode, type FieldError } from '../common/errors/error-codes';
import type { ProviderName } from '../providers/provider-errors';
import { CRM_PROVIDERS, type CrmProvider, driverOf } from './crm-provider-names';

/**
 * Pure checks of what the CRM SPA sends to /api/v1/crm/calendar/connections. Every failure is a
 * DomainException the CRM formatter renders as `{detail, time, title}`.
 */

export type OAuthProviderName = Exclude<ProviderName, 'caldav'>;

/** Limits on what the SPA sends; far above what real values need, far below what hurts. */
export const CONNECTION_LIMITS = {
  providerPath: 32,
  code: 4096,
  state: 256,
  username: 320,
  password: 1024,
  serverUrl: 2048,
} as const;

export const DEFAULT_CALDAV_SERVER_URL = 'https://caldav.icloud.com/';

/**
 * `google` | `outlook`, any case, for authorize and callback. Anything else names no OAuth
 * provider of this API: 404 (Apple connects with POST /apple/credentials).
 */
export function parseOAuthProvider(raw: string): OAuthProviderName {
  const name = raw.length <= CONNECTION_LIMITS.providerPath ? raw.toLowerCase() : '';
  if (name === 'google') return 'google';
  if (name === 'outlook') return 'microsoft';
  const hint = name === 'apple' ? ': Apple has no OAuth, connect it with POST /api/v1/crm/calendar/connections/apple/credentials' : ': use google or outlook';
  throw new DomainException(ErrorCode.NotFound, `Unknown OAuth provider '${printable(raw)}'${hint}`, 404);
}

/** `GOOGLE` | `OUTLOOK` | `APPLE`, any case (disconnect, sync). Anything else names no provider of this API: 404. */
export function parseCrmProvider(raw: string): ProviderName {
  const name = (raw.length <= CONNECTION_LIMITS.providerPath ? raw.toUpperCase() : '') as CrmProvider;
  if (CRM_PROVIDERS.includes(name)) return driverOf(name);
  throw new DomainException(ErrorCode.NotFound, `Unknown calendar provider '${printable(raw)}': use ${CRM_PROVIDERS.join(', ')}`, 404);
}

/** The callback's `code` and `state`: both present, once each, of sane size. */
export function parseCallbackQuery(query: Record<string, unknown>): { code: string; state: string } {
  const errors: FieldError[] = [];
  const code = singleString(query.code, 'code', CONNECTION_LIMITS.code, errors);
  const state = singleString(query.state, 'state', CONNECTION_LIMITS.state, errors);
  if (errors.length > 0 || code === undefined || state === undefined) throw validationFailed(errors);
  return { code, state };
}

export interface AppleCredentialsInput {
  username: string;
  password: string;
  serverUrl: string;
}

/** POST /apple/credentials: `{username, password, serverUrl?}`; serverUrl an http(s) URL, default iCloud. */
export function parseAppleCredentials(body: unknown): AppleCredentialsInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DomainException(ErrorCode.BodyNotObject, 'The body must be a JSON object {username, password, serverUrl?}', 400);
  }
  const input = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(input)) {
    if (!['username', 'password', 'serverUrl'].includes(key)) errors.push({ field: printable(key), message: 'unknown property (allowed: username, password, serverUrl)' });
  }
  const username = singleString(input.username, 'username', CONNECTION_LIMITS.username, errors);
  const password = singleString(input.password, 'password', CONNECTION_LIMITS.password, errors);
  let serverUrl = DEFAULT_CALDAV_SERVER_URL;
  if (input.serverUrl !== undefined && input.serverUrl !== null) {
    const raw = singleString(input.serverUrl, 'serverUrl', CONNECTION_LIMITS.serverUrl, errors);
    if (raw !== undefined) {
      const url = httpUrl(raw);
      if (url) serverUrl = url;
      else errors.push({ field: 'serverUrl', message: 'must be an http(s) URL without credentials' });
    }
  }
  if (errors.length > 0 || username === undefined || password === undefined) throw validationFailed(errors);
  return { username, password, serverUrl };
}

function singleString(value: unknown, field: string, max: number, errors: FieldError[]): string | undefined {
  if (value === undefined || value === null || value === '') {
    errors.push({ field, message: 'is required' });
    return undefined;
  }
  if (typeof value !== 'string') {
    errors.push({ field, message: Array.isArray(value) ? 'must be given once' : 'must be a string' });
    return undefined;
  }
  if (value.length > max) {
    errors.push({ field, message: `must be at most ${max} characters` });
    return undefined;
  }
  if (value.includes('\u0000') || value.trim() === '') {
    errors.push({ field, message: value.trim() === '' ? 'is required' : 'must not contain NUL' });
    return undefined;
  }
  return value;
}

function httpUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || !url.hostname) return undefined;
  return url.toString();
}

function validationFailed(errors: FieldError[]): DomainException {
  return new DomainException(ErrorCode.ValidationFailed, 'Validation failed', 400, errors);
}

/** A path value echoed in a message: bounded, control characters dropped. */
function printable(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = raw.replace(/[\u0000-\u001f\u007f]/g, '');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}

export { CRM_PROVIDERS, type CrmProvider };
