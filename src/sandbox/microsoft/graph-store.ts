import type { CalendarRecord, Directory, ExceptionRecord, Mailbox, StoredEvent } from './graph-model';
import { arrayOf } from '../shared/state-shape';
import { newCalendarId, newChangeKey, newGuid } from './graph-ids';
import { ianaToWindows } from './windows-time-zones';

/** Events with their Map/Set members as arrays, for a snapshot file. */
export type SavedEvent = Omit<StoredEvent, 'exceptions' | 'cancelledDates'> & { exceptions: ExceptionRecord[]; cancelledDates: string[] };

export interface GraphStoreState {
  directories: Directory[];
  mailboxes: Mailbox[];
  calendars: CalendarRecord[];
  events: SavedEvent[];
}

export type EventChangeType = 'created' | 'updated' | 'deleted';

export interface EventChange {
  changeType: EventChangeType;
  mailbox: Mailbox;
  event: StoredEvent;
}

export interface CreateDirectoryInput {
  tenantId?: string;
  displayName?: string;
  domains: string[];
}

export interface CreateMailboxInput {
  email: string;
  displayName?: string;
  /** Windows or IANA name; defaults to UTC. */
  timeZone?: string;
  id?: string;
  tenantId?: string;
}

/**
 * In-memory state of the emulated tenants: directories, mailboxes, calendars, events.
 * Every event mutation goes through touch()/remove() so that change notifications
 * and delta queries see the same history.
 */
export class GraphStore {
  readonly directories = new Map<string, Directory>();
  readonly mailboxes = new Map<string, Mailbox>();
  readonly calendars = new Map<string, CalendarRecord>();
  readonly events = new Map<string, StoredEvent>();
  private readonly mailboxByEmail = new Map<string, string>();
  private readonly eventByTransaction = new Map<string, string>();
  private readonly listeners: ((change: EventChange) => void)[] = [];

  constructor(private readonly now: () => number) {}

  nowIso(): string {
    return new Date(this.now()).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
  }

  onChange(listener: (change: EventChange) => void): void {
    this.listeners.push(listener);
  }

  createDirectory(input: CreateDirectoryInput): Directory {
    const domains = input.domains.map((d) => d.trim().toLowerCase()).filter(Boolean);
    if (domains.length === 0) throw new Error('a directory needs at least one domain');
    for (const domain of domains) {
      const owner = this.directoryForDomain(domain);
      if (owner && owner.tenantId !== input.tenantId) throw new Error(`domain ${domain} already belongs to directory ${owner.tenantId}`);
    }
    const existing = input.tenantId ? this.directories.get(input.tenantId) : undefined;
    if (existing) {
      existing.domains = [...new Set([...existing.domains, ...domains])];
      return existing;
    }
    const directory: Directory = { tenantId: input.tenantId ?? newGuid(), displayName: input.displayName ?? domains[0], domains };
    this.directories.set(directory.tenantId, directory);
    return directory;
  }

  directoryForDomain(domain: string): Directory | undefined {
    const d = domain.toLowerCase();
    for (const dir of this.directories.values()) if (dir.domains.includes(d)) return dir;
    return undefined;
  }

  createMailbox(input: CreateMailboxInput): Mailbox {
    const email = input.email.trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new Error(`invalid email address: ${input.email}`);
    if (this.mailboxByEmail.has(email)) throw new Error(`mailbox ${email} already exists`);
    const domain = email.split('@')[1];
    const directory = input.tenantId
      ? this.directories.get(input.tenantId) ?? this.createDirectory({ tenantId: input.tenantId, domains: [domain] })
      : this.directoryForDomain(domain) ?? this.createDirectory({ domains: [domain] });
    if (!directory.domains.includes(domain)) directory.domains.push(domain);
    const mailbox: Mailbox = {
      id: input.id ?? newGuid(),
      email,
      displayName: input.displayName ?? email.split('@')[0],
      timeZone: input.timeZone ? ianaToWindows(input.timeZone) ?? input.timeZone : 'UTC',
      tenantId: directory.tenantId,
      defaultCalendarId: '',
    };
    this.mailboxes.set(mailbox.id, mailbox);
    this.mailboxByEmail.set(email, mailbox.id);
    mailbox.defaultCalendarId = this.createCalendar(mailbox.id, 'Calendar', true).id;
    return mailbox;
  }

  /** By object id or userPrincipalName/mail, case-insensitively, as /users/{id | userPrincipalName} does. */
  findMailbox(idOrUpn: string): Mailbox | undefined {
    const key = idOrUpn.trim().toLowerCase();
    const byEmail = this.mailboxByEmail.get(key);
    if (byEmail) return this.mailboxes.get(byEmail);
    for (const mailbox of this.mailboxes.values()) if (mailbox.id.toLowerCase() === key) return mailbox;
    return undefined;
  }

  createCalendar(mailboxId: string, name: string, isDefault = false, id?: string, sharedBy?: CalendarRecord['sharedBy']): CalendarRecord {
    const calendar: CalendarRecord = { id: id ?? newCalendarId(), mailboxId, name, isDefault, changeKey: newChangeKey(), color: 'auto', hexColor: '', ...(sharedBy ? { sharedBy } : {}) };
    this.calendars.set(calendar.id, calendar);
    return calendar;
  }

  calendarsOf(mailboxId: string): CalendarRecord[] {
    return [...this.calendars.values()].filter((c) => c.mailboxId === mailboxId);
  }

  deleteCalendar(calendar: CalendarRecord): void {
    for (const event of this.eventsOf(calendar.mailboxId, calendar.id)) this.remove(event);
    this.calendars.delete(calendar.id);
  }

  eventsOf(mailboxId: string, calendarId?: string): StoredEvent[] {
    const out: StoredEvent[] = [];
    for (const event of this.events.values()) {
      if (event.mailboxId === mailboxId && (!calendarId || event.calendarId === calendarId)) out.push(event);
    }
    return out;
  }

  eventByTransactionId(mailboxId: string, transactionId: string): StoredEvent | undefined {
    const id = this.eventByTransaction.get(`${mailboxId}|${transactionId}`);
    return id ? this.events.get(id) : undefined;
  }

  insert(event: StoredEvent): void {
    this.events.set(event.id, event);
    if (event.transactionId) this.eventByTransaction.set(`${event.mailboxId}|${event.transactionId}`, event.id);
    this.emit('created', event);
  }

  /**
   * Call after mutating an event: bumps changeKey/lastModified and notifies. Changes
   * to one occurrence of a series pass bumpKey=false so that the series' other
   * occurrences do not all look modified to delta queries.
   */
  touch(event: StoredEvent, bumpKey = true): void {
    if (bumpKey) {
      event.changeKey = newChangeKey();
      event.lastModifiedDateTime = this.nowIso();
    }
    this.emit('updated', event);
  }

  remove(event: StoredEvent): void {
    this.events.delete(event.id);
    if (event.transactionId) this.eventByTransaction.delete(`${event.mailboxId}|${event.transactionId}`);
    this.emit('deleted', event);
  }

  reset(): void {
    this.directories.clear();
    this.mailboxes.clear();
    this.calendars.clear();
    this.events.clear();
    this.mailboxByEmail.clear();
    this.eventByTransaction.clear();
  }

  exportState(): GraphStoreState {
    return {
      directories: [...this.directories.values()],
      mailboxes: [...this.mailboxes.values()],
      calendars: [...this.calendars.values()],
      events: [...this.events.values()].map((e) => ({ ...e, exceptions: [...e.exceptions.values()], cancelledDates: [...e.cancelledDates] })),
    };
  }

  /** Replaces everything with a saved state; nobody is notified (nothing changed for clients). */
  importState(state: GraphStoreState): void {
    this.reset();
    for (const directory of arrayOf<Directory>(state.directories, 'microsoft.store.directories')) this.directories.set(directory.tenantId, directory);
    for (const mailbox of arrayOf<Mailbox>(state.mailboxes, 'microsoft.store.mailboxes')) {
      this.mailboxes.set(mailbox.id, mailbox);
      this.mailboxByEmail.set(mailbox.email, mailbox.id);
    }
    for (const calendar of arrayOf<CalendarRecord>(state.calendars, 'microsoft.store.calendars')) this.calendars.set(calendar.id, calendar);
    for (const saved of arrayOf<SavedEvent>(state.events, 'microsoft.store.events')) {
      const exceptions = arrayOf<ExceptionRecord>(saved.exceptions, `microsoft.store.events[${saved.id}].exceptions`);
      const event: StoredEvent = {
        ...saved,
        exceptions: new Map(exceptions.map((x) => [x.dateKey, x])),
        cancelledDates: new Set(arrayOf<string>(saved.cancelledDates, `microsoft.store.events[${saved.id}].cancelledDates`)),
      };
      this.events.set(event.id, event);
      if (event.transactionId) this.eventByTransaction.set(`${event.mailboxId}|${event.transactionId}`, event.id);
    }
  }

  private emit(changeType: EventChangeType, event: StoredEvent): void {
    const mailbox = this.mailboxes.get(event.mailboxId);
    if (!mailbox) return;
    for (const listener of this.listeners) listener({ changeType, mailbox, event });
  }
}
