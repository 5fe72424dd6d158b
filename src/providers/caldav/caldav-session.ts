import type { CalendarAccess } from '../calendar-provider';
import { ProviderError } from '../provider-errors';
import { MailboxPacer } from '../shared/mailbox-pacer';
import { RetryOptions, withProviderRetries } from '../shared/provider-retry';
import { caldavError, caldavNetworkError } from './caldav-error.parser';

export interface CaldavSessionOptions {
  requestTimeoutMs: number;
  retry: RetryOptions;
}

/** Statuses a caller expects and handles itself (e.g. 412 on an idempotent create). */
export type ExpectedStatuses = readonly number[];

/**
 * The HTTP side of one CalDAV account: Basic auth, a timeout per request, pacing per mailbox,
 * retries of temporary failures, and every other error answer turned into a ProviderError.
 * tsdav's functions take its `fetch()` so that discovery and REPORTs go through the same path.
 */
export class CaldavSession {
  private readonly authorization: string;

  constructor(
    readonly access: CalendarAccess & { credentials: { kind: 'caldav-basic' } },
    private readonly pacer: MailboxPacer,
    private readonly options: CaldavSessionOptions,
  ) {
    const { username, password } = access.credentials;
    this.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  get serverUrl(): string {
    return this.access.credentials.serverUrl;
  }

  /** A fetch for tsdav: 2xx and 207 pass, anything else throws the mapped ProviderError. */
  fetchFor(context: string): typeof fetch {
    return (input, init) => this.request(String(input instanceof Request ? input.url : input), init ?? {}, context, []);
  }

  /** One paced, retried request; statuses in `expected` are returned instead of thrown. */
  async request(url: string, init: RequestInit, context: string, expected: ExpectedStatuses): Promise<Response> {
    return withProviderRetries(
      () => this.pacer.run(this.access.mailbox, 1, () => this.send(url, init, context, expected)),
      this.options.retry,
    );
  }

  private async send(url: string, init: RequestInit, context: string, expected: ExpectedStatuses): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', this.authorization);
    let response: Response;
    try {
      response = await fetch(url, { ...init, headers, redirect: 'follow', signal: AbortSignal.timeout(this.options.requestTimeoutMs) });
    } catch (error) {
      throw caldavNetworkError(error, context);
    }
    if (response.ok || response.status === 207 || expected.includes(response.status)) return response;
    const body = await response.text().catch(() => '');
    throw caldavError(response.status, body, response.headers, context);
  }
}

export function requireCaldavAccess(access: CalendarAccess): CalendarAccess & { credentials: { kind: 'caldav-basic' } } {
  if (access.credentials.kind !== 'caldav-basic') {
    throw new ProviderError('INVALID_REQUEST', `the CalDAV driver cannot use ${access.credentials.kind} credentials`, { provider: 'caldav' });
  }
  return access as CalendarAccess & { credentials: { kind: 'caldav-basic' } };
}
