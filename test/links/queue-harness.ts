import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { loadConfig } from '../../src/common/config/load-config';
import { LINK_SYNC_ENGINE, LinkSyncEngine } from '../../src/links/link-sync-engine';
import { ProviderError } from '../../src/providers/provider-errors';
import { ProviderRegistry } from '../../src/providers/provider-registry';
import type { CalendarAccess, CalendarProvider, MailboxInfo } from '../../src/providers/calendar-provider';
import type { LinkRemovalRequest, LinkSyncRequest, LinkSyncResult } from '../../src/sync/link-sync.types';
import { TenancyService } from '../../src/tenancy/tenancy.service';
import { testEnv } from '../support/app';
import { TestDatabase } from '../support/database';

export interface SyncRecord {
  instance: string;
  tenantId: string;
  linkId: string;
  cursor: string | null;
  start: number;
  end: number;
}

/**
 * An instrumented stand-in for the sync engine (unit level: the real engine is src/sync's): it
 * records when each sync starts and ends, waits `delayMs`, and can fail on demand.
 */
export class RecordingEngine implements LinkSyncEngine {
  readonly records: SyncRecord[] = [];
  readonly removals: LinkRemovalRequest[] = [];
  delayMs = 40;
  /** Throws this for the link's next syncs (consumed one per call when `once`). */
  readonly failures = new Map<string, { error: Error; once: boolean }>();
  /**
   * When set, each tenant's first sync waits (up to this long) until a sync of another tenant
   * has started, so that tenants running in parallel overlap for certain however loaded the
   * machine is; tenants run one after another would not, and the wait would run out.
   */
  meetOtherTenantWithinMs = 0;
  private readonly started = new Set<string>();

  constructor(
    readonly instance: string,
    private readonly shared?: SyncRecord[],
  ) {}

  async syncLink(request: LinkSyncRequest): Promise<LinkSyncResult> {
    const start = Date.now();
    const first = !this.started.has(request.tenantId);
    this.started.add(request.tenantId);
    if (first && this.meetOtherTenantWithinMs > 0) await this.otherTenantStarted(request.tenantId);
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const failure = this.failures.get(request.linkId);
    if (failure) {
      if (failure.once) this.failures.delete(request.linkId);
      throw failure.error;
    }
    const record = { instance: this.instance, tenantId: request.tenantId, linkId: request.linkId, cursor: request.cursor, start, end: Date.now() };
    this.records.push(record);
    this.shared?.push(record);
    return { cursor: `cursor-${this.records.length}`, fullScan: request.cursor === null, created: 2, updated: 1, deleted: 0, unchanged: 0, skipped: 0, failed: 0 };
  }

  private async otherTenantStarted(tenantId: string): Promise<void> {
    const deadline = Date.now() + this.meetOtherTenantWithinMs;
    while (![...this.started].some((other) => other !== tenantId) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  async removeCopies(request: LinkRemovalRequest): Promise<void> {
    this.removals.push(request);
  }
}

/** Mailboxes whose local part starts with `missing` do not exist at the fake provider. */
export function fakeRegistry(): ProviderRegistry {
  const registry = new ProviderRegistry();
  for (const name of ['google', 'microsoft', 'caldav'] as const) {
    const provider: Pick<CalendarProvider, 'name' | 'resolveMailbox'> = {
      name,
      resolveMailbox: async (access: CalendarAccess): Promise<MailboxInfo> => {
        if (access.mailbox.startsWith('missing')) throw new ProviderError('MAILBOX_NOT_FOUND', `no mailbox ${access.mailbox}`, { provider: name, status: 404 });
        return { mailbox: access.mailbox, primaryCalendarId: `primary:${access.mailbox}`, timeZone: null };
      },
    };
    registry.register(provider as CalendarProvider);
  }
  return registry;
}

/** The whole app (no HTTP listener) with the engine and the drivers replaced; `env` shared between replicas. */
export async function startQueueApp(env: Record<string, string | undefined>, database: TestDatabase, engine: LinkSyncEngine): Promise<INestApplication> {
  const config = loadConfig(env);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config, database.url)] })
    .overrideProvider(LINK_SYNC_ENGINE)
    .useValue(engine)
    .overrideProvider(ProviderRegistry)
    .useValue(fakeRegistry())
    .compile();
  const app = moduleRef.createNestApplication({ logger: false, bodyParser: false });
  app.enableShutdownHooks();
  await app.init();
  return app;
}

export function queueEnv(database: TestDatabase, overrides: Record<string, string> = {}): Record<string, string | undefined> {
  return testEnv(database.url, { LINKS_CRON_ENABLED: 'false', LINKS_QUEUE_CONCURRENCY: '4', ...overrides });
}

/** A tenant with the seed's domains and their delegation credentials, made through the service. */
export async function seedTenant(app: INestApplication, name: string, domains: { google: string; ms: string }): Promise<string> {
  const tenancy = app.get(TenancyService);
  const tenant = await tenancy.createTenant(name);
  const google = await tenancy.createDelegationCredential(tenant.id, {
    provider: 'google',
    name: 'dwd',
    serviceAccountEmail: 'sync@p.iam.gserviceaccount.com',
    privateKey: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n',
  } as never);
  const ms = await tenancy.createDelegationCredential(tenant.id, { provider: 'ms', name: 'app', msTenantId: 't', clientId: 'c', clientSecret: 's' } as never);
  await tenancy.createDomain(tenant.id, { domain: domains.google, provider: 'google', delegationCredentialId: google.id } as never);
  await tenancy.createDomain(tenant.id, { domain: domains.ms, provider: 'ms', delegationCredentialId: ms.id } as never);
  return tenant.id;
}

export function addBody(source: string, destination: string): Record<string, string> {
  return {
    action: 'add',
    sourceEmail: source,
    sourceType: 'google',
    sourceTz: 'America/Chicago',
    destinationEmail: destination,
    destinationType: 'ms',
    destinationTz: 'Europe/Berlin',
    policy: 'subject|location',
  };
}

export async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs = 20_000, label = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether any two intervals overlap. */
export function overlapping(records: SyncRecord[]): Array<[SyncRecord, SyncRecord]> {
  const sorted = [...records].sort((a, b) => a.start - b.start);
  const pairs: Array<[SyncRecord, SyncRecord]> = [];
  let latest = sorted[0];
  for (const record of sorted.slice(1)) {
    if (record.start < latest.end) pairs.push([latest, record]);
    if (record.end > latest.end) latest = record;
  }
  return pairs;
}
