import { randomBytes } from 'node:crypto';
import { ACCESS_ROLES, type AccessRole, type Calendar, type CalendarInput, type Mailbox, type MailboxInput, type StoredEvent } from './google-types';
import { isValidZone } from './google-time';
import { makeEtag } from './google-ids';
import { arrayOf, integerOf } from '../shared/state-shape';

/** What survives a restart (sandbox persistence): the change sequence, mailboxes, calendars with events. */
export interface GoogleStoreState {
  seq: number;
  mailboxes: Mailbox[];
  calendars: (Omit<Calendar, 'events'> & { events: StoredEvent[] })[];
}

export type ChangeListener = (calendar: Calendar) => void;

/**
 * In-memory state of the emulated Google account world: mailboxes, their calendars and
 * events. One monotonic change sequence across the store orders every write, which is
 * what sync tokens and page cursors are built on.
 */
export class GoogleStore {
  readonly mailboxes = new Map<string, Mailbox>();
  readonly calendars = new Map<string, Calendar>();
  private seq = 0;
  private listeners: ChangeListener[] = [];

  constructor(private readonly clock: () => number) {}

  get currentSeq(): number {
    return this.seq;
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  nowIso(): string {
    return new Date(this.clock()).toISOString();
  }

  createMailbox(input: MailboxInput): Mailbox {
    const email = normalizeEmail(input.email);
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new Error(`invalid email: ${input.email}`);
    const timeZone = input.timeZone ?? 'UTC';
    if (!isValidZone(timeZone)) throw new Error(`invalid time zone: ${timeZone}`);
    const existing = this.mailboxes.get(email);
    if (existing) return existing;
    const mailbox: Mailbox = {
      email,
      displayName: input.displayName ?? email.split('@')[0],
      timeZone,
      createdAt: this.nowIso(),
    };
    this.mailboxes.set(email, mailbox);
    this.addCalendar(email, { id: email, summary: email, timeZone }, true);
    return mailbox;
  }

  mailbox(email: string): Mailbox | undefined {
    return this.mailboxes.get(normalizeEmail(email));
  }

  createCalendar(ownerEmail: string, input: CalendarInput): Calendar {
    const owner = this.mailbox(ownerEmail);
    if (!owner) throw new Error(`unknown mailbox: ${ownerEmail}`);
    const timeZone = input.timeZone ?? owner.timeZone;
    if (!isValidZone(timeZone)) throw new Error(`invalid time zone: ${timeZone}`);
    const id = input.id ?? `${randomBytes(16).toString('hex').slice(0, 26)}@group.calendar.google.com`;
    if (this.calendars.has(id)) throw new Error(`calendar exists: ${id}`);
    return this.addCalendar(owner.email, { ...input, id, timeZone }, false);
  }

  private addCalendar(owner: string, input: CalendarInput & { id: string; timeZone: string }, primary: boolean): Calendar {
    const calendar: Calendar = {
      id: input.id,
      owner,
      summary: input.summary ?? input.id,
      description: input.description,
      timeZone: input.timeZone,
      primary,
      uid: randomBytes(6).toString('base64url'),
      syncEpoch: 1,
      etagVersion: this.nextSeq(),
      events: new Map(),
      createdByClient: input.createdByClient,
    };
    this.calendars.set(calendar.id, calendar);
    return calendar;
  }

  calendarsOf(email: string): Calendar[] {
    const owner = normalizeEmail(email);
    return [...this.calendars.values()].filter((c) => c.owner === owner);
  }

  /** The mailbox's calendar list: its own calendars, then those shared with it, in creation order. */
  calendarListOf(email: string): Calendar[] {
    const who = normalizeEmail(email);
    return [...this.calendars.values()].filter((c) => c.owner === who || c.sharedWith?.[who] !== undefined);
  }

  /** The caller's effective role on a calendar: owner of its own, the ACL role of a shared one. */
  accessRoleOf(calendar: Calendar, email: string): AccessRole | undefined {
    const who = normalizeEmail(email);
    return calendar.owner === who ? 'owner' : calendar.sharedWith?.[who];
  }

  /** An ACL rule of scope type user (what acl.insert does); the role is the one calendarList shows the grantee. */
  shareCalendar(calendarId: string, email: string, role: AccessRole): { calendarId: string; email: string; role: AccessRole } {
    const calendar = this.calendarById(calendarId);
    if (!calendar) throw new Error(`unknown calendar: ${calendarId}`);
    const who = normalizeEmail(email);
    if (!this.mailboxes.has(who)) throw new Error(`unknown mailbox: ${email}`);
    if (!ACCESS_ROLES.includes(role)) throw new Error(`role must be one of ${ACCESS_ROLES.join(', ')}`);
    if (calendar.owner === who) throw new Error('the owner of a calendar cannot be given another role');
    calendar.sharedWith = { ...calendar.sharedWith, [who]: role };
    calendar.etagVersion = this.nextSeq();
    return { calendarId: calendar.id, email: who, role };
  }

  /** 'primary' is the mailbox's own calendar; other mailboxes' calendars are visible only when shared with it. */
  resolveCalendar(mailboxEmail: string | undefined, calendarId: string): Calendar | undefined {
    if (!mailboxEmail) return undefined;
    const who = normalizeEmail(mailboxEmail);
    const id = calendarId === 'primary' ? who : calendarId;
    const calendar = this.calendars.get(id) ?? this.calendars.get(id.toLowerCase());
    return calendar && this.accessRoleOf(calendar, who) !== undefined ? calendar : undefined;
  }

  /** Any calendar by id (control API). 'primary' is not resolved here. */
  calendarById(calendarId: string): Calendar | undefined {
    return this.calendars.get(calendarId) ?? this.calendars.get(calendarId.toLowerCase());
  }

  /** Stores a new version of an event: new seq, etag and `updated`, then notifies watchers. */
  saveEvent(calendar: Calendar, resource: StoredEvent['resource'], notify = true): StoredEvent {
    const seq = this.nextSeq();
    resource.etag = makeEtag(seq);
    resource.updated = this.nowIso();
    const stored: StoredEvent = { calendarId: calendar.id, seq, resource };
    calendar.events.set(resource.id, stored);
    calendar.etagVersion = seq;
    if (notify) this.emitChange(calendar);
    return stored;
  }

  emitChange(calendar: Calendar): void {
    for (const listener of this.listeners) listener(calendar);
  }

  reset(): void {
    this.mailboxes.clear();
    this.calendars.clear();
  }

  exportState(): GoogleStoreState {
    return {
      seq: this.seq,
      mailboxes: [...this.mailboxes.values()],
      calendars: [...this.calendars.values()].map(({ events, ...calendar }) => ({ ...calendar, events: [...events.values()] })),
    };
  }

  /**
   * Replaces everything with a saved state. The sequence continues where it stopped, so
   * sync tokens and etags issued before the restart keep their meaning.
   */
  importState(state: GoogleStoreState): void {
    this.reset();
    this.seq = integerOf(state.seq, 'google.store.seq');
    for (const mailbox of arrayOf<Mailbox>(state.mailboxes, 'google.store.mailboxes')) this.mailboxes.set(mailbox.email, mailbox);
    for (const { events, ...calendar } of arrayOf<GoogleStoreState['calendars'][number]>(state.calendars, 'google.store.calendars')) {
      const stored = arrayOf<StoredEvent>(events, `google.store.calendars[${calendar.id}].events`);
      this.calendars.set(calendar.id, { ...calendar, events: new Map(stored.map((e) => [e.resource.id, e])) });
    }
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
