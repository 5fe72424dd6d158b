import { startEmulator, seedTenant, type EmulatorEnv, type Tenant } from '../../emulators/microsoft/microsoft-test-env';
import { MicrosoftCalendarProvider, type MicrosoftProviderOptions } from '../../../src/providers/microsoft/microsoft-calendar-provider';
import type { CalendarAccess, NormalizedEvent } from '../../../src/providers/calendar-provider';

/** Fast retries so that injected 429/503 are absorbed in milliseconds. */
export const FAST_RETRY = { maxAttempts: 5, maxTotalMs: 10_000, baseDelayMs: 5, maxDelayMs: 50 };

export type FetchHook = (url: string, init: RequestInit | undefined, send: () => Promise<Response>) => Promise<Response>;

export interface ProviderEnv {
  env: EmulatorEnv;
  tenant: Tenant;
  provider: MicrosoftCalendarProvider;
  /** Every HTTP request the driver sent (method + URL), Graph and identity. */
  sent: { method: string; url: string }[];
  /** Replace to tamper with answers (delta phantoms, batch order, lost responses). */
  hook: { current: FetchHook | null };
  app(mailbox: string): CalendarAccess;
  close(): Promise<void>;
}

export async function startProviderEnv(options: Partial<MicrosoftProviderOptions> = {}): Promise<ProviderEnv> {
  const env = await startEmulator();
  const tenant = seedTenant(env);
  const sent: { method: string; url: string }[] = [];
  const hook: { current: FetchHook | null } = { current: null };
  const countingFetch: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    sent.push({ method: (init?.method ?? 'GET').toUpperCase(), url });
    const send = () => fetch(input, init);
    return hook.current ? hook.current(url, init, send) : send();
  };
  const provider = new MicrosoftCalendarProvider({
    endpoints: { graphBaseUrl: env.graphRoot, loginBaseUrl: `${env.base}/login` },
    oauthClient: { clientId: tenant.clientId, clientSecret: tenant.clientSecret, tenant: tenant.tenantId },
    retry: FAST_RETRY,
    fetch: countingFetch,
    pageSize: 10,
    ...options,
  });
  return {
    env,
    tenant,
    provider,
    sent,
    hook,
    app: (mailbox) => ({ mailbox, credentials: { kind: 'microsoft-app', tenantId: tenant.tenantId, clientId: tenant.clientId, clientSecret: tenant.clientSecret } }),
    close: () => env.close(),
  };
}

/** The parts of an event that must survive a copy: provider bookkeeping removed, series ids replaced by titles. */
export function comparable(event: NormalizedEvent, titleOfSeries: (id: string) => string): Record<string, unknown> {
  const { id: _id, etag: _etag, iCalUid: _uid, updatedAt: _updated, organizer: _organizer, selfResponse: _self, ...rest } = event;
  return { ...rest, occurrenceOf: event.occurrenceOf ? { series: titleOfSeries(event.occurrenceOf.seriesId), originalStart: event.occurrenceOf.originalStart } : null };
}

export function byTitle(a: { title: string }, b: { title: string }): number {
  return a.title.localeCompare(b.title);
}
