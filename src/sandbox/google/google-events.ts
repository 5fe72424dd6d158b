import { errors } from './google-errors';
import { htmlLink, isValidEventId, newEventId } from './google-ids';
import { expandSeries, type ExpandWindow, type Occurrence, suffixToOriginalStart } from './google-recurrence';
import type { GoogleStore } from './google-store';
import type { Calendar, EventDateTime, EventResource, StoredEvent } from './google-types';
import { isPlainObject, mergePatch, pickWritable, validateEventFields } from './google-event-fields';
import { eventTimeMs } from './google-time';
import { checkEventTypeOnCreate, checkEventTypeUnchanged } from './google-event-types';

type Resource = StoredEvent['resource'];

export interface EventServiceOptions {
  /** How far after now an open-ended series is expanded. */
  recurrenceHorizonDays: number;
  /** Safety cap for instances of one series in one expansion. */
  maxInstancesPerSeries: number;
}

/**
 * Event semantics shared by the REST handlers, batch and the control API: validation,
 * server-owned fields, instances of series and their exceptions, soft deletion.
 */
export class EventService {
  constructor(
    private readonly store: GoogleStore,
    private readonly options: EventServiceOptions,
    private readonly clock: () => number,
  ) {}

  /** events.insert; `seeding` (control API) may also create types the API refuses, such as fromGmail. */
  insert(calendar: Calendar, body: unknown, seeding = false): Resource {
    if (!isPlainObject(body)) throw errors.required('Missing event body.');
    const id = body.id === undefined || body.id === null ? newEventId() : String(body.id);
    if (!isValidEventId(id)) throw errors.invalid('Invalid resource id value.', 'id');
    if (calendar.events.has(id)) throw errors.duplicate();
    const fields = validateEventFields(pickWritable(body), calendar.timeZone);
    const eventType = checkEventTypeOnCreate(calendar, fields, seeding);
    const now = this.store.nowIso();
    const resource: Resource = {
      kind: 'calendar#event',
      id,
      status: fields.status ?? 'confirmed',
      htmlLink: htmlLink(id, calendar.id),
      created: now,
      updated: now,
      ...fields,
      creator: { email: calendar.owner, self: true },
      organizer: organizer(calendar),
      iCalUID: typeof body.iCalUID === 'string' && body.iCalUID ? body.iCalUID : `${id}@google.com`,
      sequence: typeof fields.sequence === 'number' ? fields.sequence : 0,
      reminders: fields.reminders ?? { useDefault: true },
      eventType,
    };
    return this.store.saveEvent(calendar, resource).resource;
  }

  /** Stores a modified or cancelled instance of a series (seeding and instance writes). */
  insertException(calendar: Calendar, master: Resource, originalStart: EventDateTime, body: EventResource): Resource {
    const occ = this.findOccurrence(calendar, master, originalStart);
    if (!occ) throw errors.invalid('originalStartTime is not an instance of the recurring event.');
    const base = this.instanceResource(calendar, master, occ);
    const merged = mergePatch(asRecord(base), pickWritable(asRecord(body)));
    return this.saveException(calendar, base, merged);
  }

  get(calendar: Calendar, eventId: string): Resource {
    const stored = calendar.events.get(eventId);
    if (stored) return stored.resource;
    const virtual = this.virtualInstance(calendar, eventId);
    if (!virtual) throw errors.notFound();
    return this.instanceResource(calendar, virtual.master, virtual.occurrence);
  }

  update(calendar: Calendar, eventId: string, body: unknown): Resource {
    if (!isPlainObject(body)) throw errors.required('Missing event body.');
    return this.modify(calendar, eventId, () => pickWritable(body));
  }

  patch(calendar: Calendar, eventId: string, body: unknown): Resource {
    if (!isPlainObject(body)) throw errors.required('Missing event body.');
    return this.modify(calendar, eventId, (current) => mergePatch(pickWritable(current), body));
  }

  delete(calendar: Calendar, eventId: string): void {
    const stored = calendar.events.get(eventId);
    if (stored) {
      if (stored.resource.status === 'cancelled') throw errors.deleted();
      this.cancel(calendar, stored.resource);
      return;
    }
    const virtual = this.virtualInstance(calendar, eventId);
    if (!virtual) throw errors.notFound();
    const base = this.instanceResource(calendar, virtual.master, virtual.occurrence);
    this.saveException(calendar, base, { ...base, status: 'cancelled' });
  }

  /** Instances of a series, exceptions applied, in start order. */
  instances(calendar: Calendar, master: Resource, window: ExpandWindow, includeCancelled: boolean): StoredEvent[] {
    const masterSeq = calendar.events.get(master.id)?.seq ?? 0;
    const out: StoredEvent[] = [];
    for (const occ of this.occurrences(calendar, master, window)) {
      const exception = calendar.events.get(`${master.id}_${occ.suffix}`);
      if (exception) {
        if (exception.resource.status !== 'cancelled' || includeCancelled) out.push(exception);
        continue;
      }
      out.push({ calendarId: calendar.id, seq: masterSeq, resource: this.instanceResource(calendar, master, occ) });
    }
    return out;
  }

  occurrences(calendar: Calendar, master: Resource, window: Partial<ExpandWindow>): Occurrence[] {
    if (!master.recurrence?.length || !master.start || !master.end) return [];
    // Open-ended listings stop at a horizon after now (or after the series start, if later).
    const seriesStart = eventTimeMs(master.start, calendar.timeZone);
    const horizon = Math.max(this.clock(), seriesStart) + this.options.recurrenceHorizonDays * 86_400_000;
    const toMs = window.toMs !== undefined && Number.isFinite(window.toMs) ? window.toMs : horizon;
    return expandSeries(
      { start: master.start, end: master.end, recurrence: master.recurrence, calendarTz: calendar.timeZone },
      {
        fromMs: window.fromMs,
        toMs,
        limit: Math.min(window.limit ?? Infinity, this.options.maxInstancesPerSeries),
      },
    );
  }

  isSeriesMaster(resource: EventResource): boolean {
    return Array.isArray(resource.recurrence) && resource.recurrence.length > 0 && !resource.recurringEventId;
  }

  /** A recurring instance as events.instances / singleEvents=true render it. */
  instanceResource(calendar: Calendar, master: Resource, occ: Occurrence): Resource {
    const { recurrence: _recurrence, ...rest } = master;
    const id = `${master.id}_${occ.suffix}`;
    return {
      ...rest,
      id,
      htmlLink: htmlLink(id, calendar.id),
      start: occ.start,
      end: occ.end,
      recurringEventId: master.id,
      originalStartTime: occ.start,
    };
  }

  private modify(calendar: Calendar, eventId: string, next: (current: Record<string, unknown>) => object): Resource {
    const stored = calendar.events.get(eventId);
    if (stored) return this.rewrite(calendar, stored.resource, next(asRecord(stored.resource)));
    const virtual = this.virtualInstance(calendar, eventId);
    if (!virtual) throw errors.notFound();
    const base = this.instanceResource(calendar, virtual.master, virtual.occurrence);
    return this.saveException(calendar, base, { ...base, ...next(asRecord(base)) });
  }

  private rewrite(calendar: Calendar, current: Resource, nextFields: object): Resource {
    const fields = validateEventFields(pickWritable(nextFields as Record<string, unknown>), calendar.timeZone);
    const resource: Resource = {
      ...serverOwned(current),
      ...fields,
      status: fields.status ?? 'confirmed',
      sequence: nextSequence(current, fields),
      reminders: fields.reminders ?? { useDefault: true },
      eventType: checkEventTypeUnchanged(current, fields),
    };
    if (current.recurringEventId) resource.recurringEventId = current.recurringEventId;
    if (current.originalStartTime) resource.originalStartTime = current.originalStartTime;
    const saved = this.store.saveEvent(calendar, resource).resource;
    if (saved.status === 'cancelled' && this.isSeriesMaster(saved)) this.cancelExceptions(calendar, saved.id);
    return saved;
  }

  private saveException(calendar: Calendar, base: Resource, next: object): Resource {
    const resource = this.rewriteFields(calendar, base, next);
    resource.recurringEventId = base.recurringEventId;
    resource.originalStartTime = base.originalStartTime;
    resource.created = this.store.nowIso();
    return this.store.saveEvent(calendar, resource).resource;
  }

  private rewriteFields(calendar: Calendar, base: Resource, next: object): Resource {
    const fields = pickWritable(next as Record<string, unknown>);
    delete fields.recurrence;
    const valid = validateEventFields(fields, calendar.timeZone);
    const eventType = checkEventTypeUnchanged(base, valid);
    return { ...serverOwned(base), ...valid, eventType, status: valid.status ?? 'confirmed', sequence: nextSequence(base, valid) };
  }

  private cancel(calendar: Calendar, resource: Resource): void {
    this.store.saveEvent(calendar, { ...resource, status: 'cancelled' });
    if (this.isSeriesMaster(resource)) this.cancelExceptions(calendar, resource.id);
  }

  /** Deleting a series deletes its modified instances too. */
  private cancelExceptions(calendar: Calendar, masterId: string): void {
    for (const ev of [...calendar.events.values()]) {
      if (ev.resource.recurringEventId === masterId && ev.resource.status !== 'cancelled') {
        this.store.saveEvent(calendar, { ...ev.resource, status: 'cancelled' });
      }
    }
  }

  /** Resolves "<masterId>_<suffix>" to an occurrence of a live series. */
  private virtualInstance(calendar: Calendar, eventId: string): { master: Resource; occurrence: Occurrence } | undefined {
    const cut = eventId.lastIndexOf('_');
    if (cut <= 0) return undefined;
    const master = calendar.events.get(eventId.slice(0, cut))?.resource;
    if (!master || master.status === 'cancelled' || !this.isSeriesMaster(master)) return undefined;
    const original = suffixToOriginalStart(eventId.slice(cut + 1));
    if (!original) return undefined;
    const occurrence = this.findOccurrence(calendar, master, original.date ? { date: original.date } : { dateTime: new Date(original.ms as number).toISOString() });
    return occurrence && `${master.id}_${occurrence.suffix}` === eventId ? { master, occurrence } : undefined;
  }

  private findOccurrence(calendar: Calendar, master: Resource, originalStart: EventDateTime): Occurrence | undefined {
    const ms = eventTimeMs(originalStart, calendar.timeZone);
    if (!Number.isFinite(ms)) return undefined;
    return this.occurrences(calendar, master, { fromMs: ms, toMs: ms + 1, limit: 5 }).find((o) => o.startMs === ms);
  }
}

function asRecord(value: object): Record<string, unknown> {
  return value as unknown as Record<string, unknown>;
}

function organizer(calendar: Calendar): EventResource['organizer'] {
  return calendar.primary
    ? { email: calendar.id, self: true }
    : { email: calendar.id, displayName: calendar.summary, self: true };
}

function serverOwned(current: Resource): Resource {
  return {
    kind: 'calendar#event',
    id: current.id,
    htmlLink: current.htmlLink,
    created: current.created,
    creator: current.creator,
    organizer: current.organizer,
    iCalUID: current.iCalUID,
  };
}

/** Google bumps `sequence` when the time or rule changes (RFC 5546 significant change). */
function nextSequence(current: EventResource, next: EventResource): number {
  if (typeof next.sequence === 'number' && next.sequence > (current.sequence ?? 0)) return next.sequence;
  const changed =
    JSON.stringify(current.start) !== JSON.stringify(next.start) ||
    JSON.stringify(current.end) !== JSON.stringify(next.end) ||
    JSON.stringify(current.recurrence ?? []) !== JSON.stringify(next.recurrence ?? []);
  return (current.sequence ?? 0) + (changed ? 1 : 0);
}
