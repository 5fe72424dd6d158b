import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../../src/database/data-source-options';
import { LinkEventMappingEntity } from '../../../src/database/entities/link-event-mapping.entity';
import { LinkEventMappingsRepository } from '../../../src/database/repositories/link-event-mappings.repository';
import type { CalendarAccess, CalendarProvider } from '../../../src/providers/calendar-provider';
import { GoogleCalendarProvider } from '../../../src/providers/google/google-calendar.provider';
import type { ProviderName } from '../../../src/providers/provider-errors';
import { parsePolicy } from '../../../src/sync/link-policy';
import type { LinkEndpoint, LinkSyncRequest } from '../../../src/sync/link-sync.types';
import { SyncEngine } from '../../../src/sync/sync-engine.service';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { delegatedAccess, type DriverHarness, FULL_PAGES, startDriverHarness, virtualClock } from '../../providers/google/google-driver-harness';
import { startProviderEnv, type ProviderEnv } from '../../providers/microsoft/microsoft-provider-env';

export const GOOGLE_MAILBOX = 'gina@example.com';
/** Seeded by the Microsoft test env (mailbox zone Pacific Standard Time). */
export const MS_MAILBOX = 'alice@contoso.test';
export const WINDOW = { start: '2026-12-01T00:00:00Z', end: '2027-03-01T00:00:00Z' };

const FAST_RETRY = { maxAttempts: 6, maxTotalMs: 60_000, baseDelayMs: 5, maxDelayMs: 20 };

/** Google emulator + Microsoft emulator on real loopback HTTP, both drivers, the engine over a real Postgres. */
export interface InteropWorld {
  db: TestDatabase;
  dataSource: DataSource;
  mappings: LinkEventMappingsRepository;
  tenantId: string;
  google: DriverHarness;
  microsoft: ProviderEnv;
  googleDriver: CalendarProvider;
  engine: SyncEngine;
  endpoint(provider: ProviderName): LinkEndpoint;
  close(): Promise<void>;
}

export async function openInteropWorld(options: { requestTimeoutMs?: number; retry?: typeof FAST_RETRY } = {}): Promise<InteropWorld> {
  const db = await createTestDatabase();
  const dataSource = await new DataSource(buildDataSourceOptions(db.url)).initialize();
  const [tenant] = (await dataSource.query(`INSERT INTO tenants (name) VALUES ('interop test') RETURNING id`)) as { id: string }[];
  const mappings = new LinkEventMappingsRepository(dataSource.getRepository(LinkEventMappingEntity));
  const google = await startDriverHarness(FULL_PAGES);
  google.emulator.createMailbox({ email: GOOGLE_MAILBOX, timeZone: 'Europe/Berlin' });
  const googleAccess: CalendarAccess = delegatedAccess(google, 'example.com')(GOOGLE_MAILBOX);
  const googleDriver = new GoogleCalendarProvider({
    endpoints: google.endpoints,
    retry: options.retry ?? FAST_RETRY,
    clock: virtualClock(),
    requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
  });
  const microsoft = await startProviderEnv({ retry: options.retry ?? FAST_RETRY, requestTimeoutMs: options.requestTimeoutMs ?? 5_000 });
  const msAccess = microsoft.app(MS_MAILBOX);
  // The Links runner resolves the mailbox's primary calendar once and stores it on the link.
  const googleCalendar = (await googleDriver.resolveMailbox(googleAccess)).primaryCalendarId;
  const msCalendar = (await microsoft.provider.resolveMailbox(msAccess)).primaryCalendarId;
  const drivers: Record<string, CalendarProvider> = { google: googleDriver, microsoft: microsoft.provider };
  const engine = new SyncEngine(mappings, (name) => {
    const driver = drivers[name];
    if (!driver) throw new Error(`no driver ${name}`);
    return driver;
  });
  return {
    db,
    dataSource,
    mappings,
    tenantId: tenant.id,
    google,
    microsoft,
    googleDriver,
    engine,
    endpoint: (provider) =>
      provider === 'google'
        ? { provider, access: googleAccess, calendarId: googleCalendar, timeZone: 'Europe/Berlin' }
        : { provider, access: msAccess, calendarId: msCalendar, timeZone: 'America/Los_Angeles' },
    close: async () => {
      await google.close();
      await microsoft.close();
      await dataSource.destroy();
      await db.drop();
    },
  };
}

export async function insertInteropLink(world: InteropWorld, from: 'google' | 'microsoft', policy: string): Promise<string> {
  const to = from === 'google' ? 'microsoft' : 'google';
  const email = (p: string): string => (p === 'google' ? GOOGLE_MAILBOX : MS_MAILBOX);
  const [row] = (await world.dataSource.query(
    `INSERT INTO links (tenant_id, source_email, source_type, source_tz, destination_email, destination_type, destination_tz, policy, status)
     VALUES ($1, $2, $3, 'UTC', $4, $5, 'UTC', $6, 'active') RETURNING id`,
    [world.tenantId, email(from), from, email(to), to, policy],
  )) as { id: string }[];
  return row.id;
}

export function interopRequest(world: InteropWorld, input: { linkId: string; from: 'google' | 'microsoft'; policy: string; tag?: string | null; cursor?: string | null }): LinkSyncRequest {
  const parsed = parsePolicy(input.policy);
  if (!parsed.ok) throw new Error(`bad policy ${input.policy}`);
  return {
    tenantId: world.tenantId,
    linkId: input.linkId,
    source: world.endpoint(input.from),
    destination: world.endpoint(input.from === 'google' ? 'microsoft' : 'google'),
    policy: parsed.policy,
    tag: input.tag ?? null,
    cursor: input.cursor ?? null,
    window: WINDOW,
  };
}

/** Writes (POST/PATCH/PUT/DELETE) that reached the Microsoft emulator, batch sub-requests counted one by one. */
export function graphWrites(world: InteropWorld): number {
  const counts = world.microsoft.env.emulator.requestCounts().byEndpoint;
  return Object.entries(counts)
    .filter(([endpoint]) => /^(POST|PATCH|PUT|DELETE) /.test(endpoint) && !endpoint.includes('$batch') && !endpoint.includes('token'))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** Google writes: events.insert/update/patch/delete/import calls (inside batches too). */
export function googleWrites(world: InteropWorld): number {
  const counts = world.google.emulator.requestCounts().byEndpoint;
  return ['events.insert', 'events.update', 'events.patch', 'events.delete', 'events.import'].reduce((sum, name) => sum + (counts[name] ?? 0), 0);
}
