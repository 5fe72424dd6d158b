import ICAL from 'ical.js';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../../src/database/data-source-options';
import { LinkEventMappingEntity } from '../../../src/database/entities/link-event-mapping.entity';
import { LinkEventMappingsRepository } from '../../../src/database/repositories/link-event-mappings.repository';
import type { CalendarAccess, CalendarProvider, WriteOperation, WriteResult } from '../../../src/providers/calendar-provider';
import { CaldavCalendarProvider, DEFAULT_CALDAV_OPTIONS } from '../../../src/providers/caldav/caldav-calendar.provider';
import { ProviderError } from '../../../src/providers/provider-errors';
import { parsePolicy } from '../../../src/sync/link-policy';
import type { LinkSyncRequest } from '../../../src/sync/link-sync.types';
import { SyncEngine } from '../../../src/sync/sync-engine.service';
import { createTestDatabase, TestDatabase } from '../../support/database';
import { createRadicaleCalendar, RadicaleCalendar, RunningRadicale } from '../../support/radicale';

export const WINDOW = { start: '2026-11-01T00:00:00Z', end: '2027-03-01T00:00:00Z' };

export type WriteHook = (operations: WriteOperation[], next: (operations: WriteOperation[]) => Promise<WriteResult[]>) => Promise<WriteResult[]>;

/** Counts what reaches the provider: listings, write calls and operations by kind; an optional hook can interfere with writes. */
export class CountingProvider implements CalendarProvider {
  readonly name;
  counts = { listEvents: 0, listChanges: 0, writeCalls: 0, create: 0, update: 0, delete: 0 };
  hook: WriteHook | null = null;

  constructor(private readonly inner: CalendarProvider) {
    this.name = inner.name;
  }

  reset(): void {
    this.counts = { listEvents: 0, listChanges: 0, writeCalls: 0, create: 0, update: 0, delete: 0 };
    this.hook = null;
  }

  resolveMailbox: CalendarProvider['resolveMailbox'] = (access) => this.inner.resolveMailbox(access);
  listCalendars: CalendarProvider['listCalendars'] = (access) => this.inner.listCalendars(access);
  listEvents: CalendarProvider['listEvents'] = (...args) => {
    this.counts.listEvents++;
    return this.inner.listEvents(...args);
  };
  listChanges: CalendarProvider['listChanges'] = (...args) => {
    this.counts.listChanges++;
    return this.inner.listChanges(...args);
  };
  writeEvents: CalendarProvider['writeEvents'] = (access, calendarId, operations) => {
    const next = (passed: WriteOperation[]): Promise<WriteResult[]> => {
      this.counts.writeCalls++;
      for (const operation of passed) this.counts[operation.op]++;
      return this.inner.writeEvents(access, calendarId, passed);
    };
    return this.hook ? this.hook(operations, next) : next(operations);
  };
}

/**
 * Lets `budget` operations reach the provider, then dies: the call that spends the last of the
 * budget writes its share and throws (the answers are lost, as when the process is killed after
 * the provider acted but before the mapping rows were completed).
 */
export function crashAfter(budget: number): WriteHook {
  let left = budget;
  return async (operations, next) => {
    const allowed = operations.slice(0, Math.max(0, left));
    left -= allowed.length;
    if (allowed.length === operations.length && left > 0) return next(operations);
    if (allowed.length > 0) await next(allowed);
    throw new Error('killed mid-sync');
  };
}

/**
 * Answers TEMPORARY for one operation in ten (the 4th, 14th, 24th… the hook sees, counted across
 * calls and runs). Those alternate between never reaching the provider and being carried out
 * with only the answer lost (a 503 or timeout after the provider acted), which is what makes
 * keyed creates matter.
 */
export function temporaryFaults(): WriteHook & { injected: { dropped: number; answerLost: number } } {
  let seen = 0;
  const injected = { dropped: 0, answerLost: 0 };
  const hook: WriteHook = async (operations, next) => {
    // Fates go by a stable order of the operations (their key or id), not by the order they came
    // in: that follows the source listing, whose order is not guaranteed from run to run, and a
    // series master picked instead of a single event would fail its exceptions with it (one run
    // under load counted 3 failures where 2 were injected).
    const stableKey = (operation: (typeof operations)[number]) => (operation.op === 'create' ? operation.key : operation.id);
    const order = operations.map((operation, index) => ({ key: stableKey(operation), index })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const fate: ('ok' | 'dropped' | 'answer-lost')[] = operations.map(() => 'ok');
    for (const { index } of order) {
      const n = seen++;
      if (n % 10 === 3) fate[index] = (n - 3) % 20 === 0 ? 'dropped' : 'answer-lost';
    }
    injected.dropped += fate.filter((f) => f === 'dropped').length;
    injected.answerLost += fate.filter((f) => f === 'answer-lost').length;
    const passed = operations.filter((_, index) => fate[index] !== 'dropped');
    const results = passed.length > 0 ? await next(passed) : [];
    let cursor = 0;
    const failure = { ok: false as const, error: new ProviderError('TEMPORARY', 'injected 503', { provider: 'caldav', status: 503 }) };
    return operations.map((_, index) => {
      if (fate[index] === 'dropped') return failure;
      const result = results[cursor++];
      return fate[index] === 'answer-lost' ? failure : result;
    });
  };
  return Object.assign(hook, { injected });
}

export interface SyncWorld {
  db: TestDatabase;
  dataSource: DataSource;
  mappings: LinkEventMappingsRepository;
  tenantId: string;
  provider: CountingProvider;
  engine: SyncEngine;
  close(): Promise<void>;
}

export async function openWorld(): Promise<SyncWorld> {
  const db = await createTestDatabase();
  const dataSource = await new DataSource(buildDataSourceOptions(db.url)).initialize();
  const [tenant] = (await dataSource.query(`INSERT INTO tenants (name) VALUES ('sync test') RETURNING id`)) as { id: string }[];
  const mappings = new LinkEventMappingsRepository(dataSource.getRepository(LinkEventMappingEntity));
  const provider = new CountingProvider(
    new CaldavCalendarProvider({ ...DEFAULT_CALDAV_OPTIONS, retry: { maxAttempts: 2, maxTotalMs: 2_000, baseDelayMs: 10, maxDelayMs: 50 } }),
  );
  return {
    db,
    dataSource,
    mappings,
    tenantId: tenant.id,
    provider,
    engine: new SyncEngine(mappings, () => provider),
    close: async () => {
      await dataSource.destroy();
      await db.drop();
    },
  };
}

/** A link row (the mapping table's foreign key) between two mailboxes. */
export async function insertLink(world: SyncWorld, source: string, destination: string, policy: string): Promise<string> {
  const [row] = (await world.dataSource.query(
    `INSERT INTO links (tenant_id, source_email, source_type, source_tz, destination_email, destination_type, destination_tz, policy, status)
     VALUES ($1, $2, 'caldav', 'Europe/Berlin', $3, 'caldav', 'Europe/Berlin', $4, 'active') RETURNING id`,
    [world.tenantId, source, destination, policy],
  )) as { id: string }[];
  return row.id;
}

export function caldavAccess(radicale: RunningRadicale, mailbox: string): CalendarAccess {
  return { mailbox, credentials: { kind: 'caldav-basic', serverUrl: radicale.url, username: radicale.username, password: radicale.password } };
}

export function syncRequest(
  world: SyncWorld,
  input: { linkId: string; radicale: RunningRadicale; source: RadicaleCalendar; destination: RadicaleCalendar; policy: string; tag?: string | null; cursor?: string | null },
): LinkSyncRequest {
  const parsed = parsePolicy(input.policy);
  if (!parsed.ok) throw new Error(`bad policy ${input.policy}`);
  return {
    tenantId: world.tenantId,
    linkId: input.linkId,
    source: { provider: 'caldav', access: caldavAccess(input.radicale, 'source@example.test'), calendarId: input.source.calendar.url, timeZone: 'Europe/Berlin' },
    destination: { provider: 'caldav', access: caldavAccess(input.radicale, 'dest@example.test'), calendarId: input.destination.calendar.url, timeZone: 'Europe/Berlin' },
    policy: parsed.policy,
    tag: input.tag ?? null,
    cursor: input.cursor ?? null,
    window: WINDOW,
  };
}

export async function newCalendars(radicale: RunningRadicale): Promise<{ source: RadicaleCalendar; destination: RadicaleCalendar }> {
  return { source: await createRadicaleCalendar(radicale, 'Source'), destination: await createRadicaleCalendar(radicale, 'Destination') };
}

// ─── reading back with plain tsdav (REPORT) and ical.js, not through our driver ─────────────

export interface RawVevent {
  url: string;
  uid: string;
  recurrenceId: string | null;
  props: Record<string, string[]>;
  /** Property names present, sorted. */
  names: string[];
  /** TZID parameter of DTSTART (null: none). */
  startTzid: string | null;
}

export async function rawVevents(calendar: RadicaleCalendar): Promise<RawVevent[]> {
  const objects = await calendar.objects();
  const vevents: RawVevent[] = [];
  for (const object of objects) {
    const component = new ICAL.Component(ICAL.parse(String(object.data)));
    for (const vevent of component.getAllSubcomponents('vevent')) {
      const props: Record<string, string[]> = {};
      for (const property of vevent.getAllProperties()) {
        const name = property.name.toUpperCase();
        (props[name] ??= []).push(...property.getValues().map((value: unknown) => String(value)));
      }
      vevents.push({
        url: object.url,
        uid: String(vevent.getFirstPropertyValue('uid')),
        recurrenceId: vevent.hasProperty('recurrence-id') ? String(vevent.getFirstPropertyValue('recurrence-id')) : null,
        props,
        names: Object.keys(props).sort(),
        startTzid: (vevent.getFirstProperty('dtstart')?.getParameter('tzid') as string | undefined) ?? null,
      });
    }
  }
  return vevents.sort((a, b) => (a.props.SUMMARY?.[0] ?? '').localeCompare(b.props.SUMMARY?.[0] ?? '') || (a.recurrenceId ?? '').localeCompare(b.recurrenceId ?? ''));
}

export function vcalendar(...vevents: string[][]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...vevents.flat(), 'END:VCALENDAR', ''].join('\r\n');
}

export function vevent(uid: string, lines: string[]): string[] {
  return ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20261101T000000Z', ...lines, 'END:VEVENT'];
}

export const BERLIN_TZ = [
  'BEGIN:VTIMEZONE', 'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT', 'DTSTART:19700329T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'END:DAYLIGHT',
  'BEGIN:STANDARD', 'DTSTART:19701025T030000', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD',
  'END:VTIMEZONE',
];

/** Replaces (or creates) a source resource as a calendar client would: a plain PUT with tsdav. */
export async function putSource(calendar: RadicaleCalendar, filename: string, ics: string): Promise<void> {
  const url = new URL(filename, calendar.calendar.url).toString();
  const response = await calendar.client.updateCalendarObject({ calendarObject: { url, data: ics } });
  if (response.status >= 300) throw new Error(`PUT ${url}: ${response.status}`);
}

export async function deleteSource(calendar: RadicaleCalendar, filename: string): Promise<void> {
  const url = new URL(filename, calendar.calendar.url).toString();
  const response = await calendar.client.deleteCalendarObject({ calendarObject: { url } });
  if (response.status >= 300) throw new Error(`DELETE ${url}: ${response.status}`);
}
