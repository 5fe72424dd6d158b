import { randomBytes } from 'node:crypto';
import { accessDenied, badRequest, GraphHttpError, invalidRequest, itemNotFound, methodNotAllowed, preconditionFailed, unsupportedSegment } from './graph-errors';
import type { CalendarRecord, EventFields, Mailbox, StoredEvent, ViewItem } from './graph-model';
import { newChangeKey, newEventId, newICalUId } from './graph-ids';
import { defaultFields, mergeExtendedProperties, parseEventInput, validateFields } from './graph-event-input';
import { calendarViewItems, renderEvent, resolveItem, seriesInstances, storedItem, type RenderOptions } from './graph-event-view';
import { json, noContent, type GraphContext, type GraphResponse } from './graph-request';
import type { GraphStore } from './graph-store';
import type { DeltaTracker } from './graph-delta';
import { parseListQuery, preferenceAppliedHeader, queryParam, type ListQuery } from './odata-query';
import { parseQueryInstant } from './graph-time';
import { readsBasicOnly } from './graph-permissions';

const DEFAULT_PAGE_SIZE = 10;

/** Routes everything below /me or /users/{id}: the user, calendars, events, views. */
export class GraphEventsRoutes {
  constructor(
    private readonly store: GraphStore,
    private readonly delta: DeltaTracker,
  ) {}

  route(ctx: GraphContext, rest: string[]): GraphResponse {
    const mailbox = ctx.mailbox!;
    const method = ctx.req.method.toUpperCase();
    const [head, ...tail] = rest;
    const lower = head?.toLowerCase();
    if (head === undefined) return method === 'GET' ? json(200, this.renderUser(ctx, mailbox)) : fail(methodNotAllowed());
    if (lower === 'mailboxsettings' && tail.length === 0) return this.mailboxSettings(ctx, mailbox);
    if (lower === 'calendars' && tail.length === 0) return method === 'POST' ? this.createCalendar(ctx, mailbox) : this.listCalendars(ctx, mailbox);
    if (lower === 'calendar' || lower === 'calendars') {
      const calendar = lower === 'calendar' ? this.store.calendars.get(mailbox.defaultCalendarId)! : this.calendarOf(mailbox, tail[0]);
      const after = lower === 'calendar' ? tail : tail.slice(1);
      if (after.length === 0) return this.calendarItself(ctx, calendar, method);
      return this.eventsRoute(ctx, calendar, after, `/${rest.slice(0, rest.length - after.length).join('/')}`);
    }
    // /events, /calendarView and /calendarView/delta without a calendar segment cover the
    // default calendar only; other calendars are reached through /calendars/{id}/... .
    return this.eventsRoute(ctx, this.store.calendars.get(mailbox.defaultCalendarId)!, rest, '', true);
  }

  // ---- user -------------------------------------------------------------

  private renderUser(ctx: GraphContext, m: Mailbox): Record<string, unknown> {
    const [givenName, ...rest] = m.displayName.split(' ');
    return {
      '@odata.context': `${ctx.req.serviceRoot}/$metadata#users/$entity`,
      businessPhones: [],
      displayName: m.displayName,
      givenName: givenName ?? null,
      jobTitle: null,
      mail: m.email,
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: 'en-US',
      surname: rest.join(' ') || null,
      userPrincipalName: m.email,
      id: m.id,
    };
  }

  private mailboxSettings(ctx: GraphContext, m: Mailbox): GraphResponse {
    if (ctx.req.method.toUpperCase() !== 'GET') throw methodNotAllowed();
    return json(200, {
      '@odata.context': `${ctx.req.serviceRoot}/$metadata#users('${m.id}')/mailboxSettings`,
      timeZone: m.timeZone,
      dateFormat: 'yyyy-MM-dd',
      timeFormat: 'HH:mm',
      language: { locale: 'en-US', displayName: 'English (United States)' },
      workingHours: { daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], startTime: '08:00:00.0000000', endTime: '17:00:00.0000000', timeZone: { name: m.timeZone } },
    });
  }

  // ---- calendars --------------------------------------------------------

  private calendarOf(mailbox: Mailbox, id: string | undefined): CalendarRecord {
    const calendar = id ? this.store.calendars.get(id) : undefined;
    if (!calendar || calendar.mailboxId !== mailbox.id) throw itemNotFound();
    return calendar;
  }

  private renderCalendar(c: CalendarRecord, mailbox: Mailbox): Record<string, unknown> {
    return {
      id: c.id,
      name: c.name,
      color: c.color,
      hexColor: c.hexColor,
      isDefaultCalendar: c.isDefault,
      changeKey: c.changeKey,
      // A calendar shared into the mailbox: its owner decides; this mailbox may not re-share it.
      canShare: !c.sharedBy,
      canViewPrivateItems: !c.sharedBy,
      canEdit: c.sharedBy?.canEdit ?? true,
      allowedOnlineMeetingProviders: ['teamsForBusiness'],
      defaultOnlineMeetingProvider: 'teamsForBusiness',
      isTallyingResponses: true,
      isRemovable: !c.isDefault,
      owner: c.sharedBy ? { name: c.sharedBy.name, address: c.sharedBy.address } : { name: mailbox.displayName, address: mailbox.email },
    };
  }

  private listCalendars(ctx: GraphContext, mailbox: Mailbox): GraphResponse {
    if (ctx.req.method.toUpperCase() !== 'GET') throw methodNotAllowed();
    const value = this.store.calendarsOf(mailbox.id).map((c) => this.renderCalendar(c, mailbox));
    return json(200, { '@odata.context': `${ctx.req.serviceRoot}/$metadata#users('${mailbox.id}')/calendars`, value });
  }

  private createCalendar(ctx: GraphContext, mailbox: Mailbox): GraphResponse {
    const body = (ctx.req.body ?? {}) as { name?: unknown };
    if (typeof body.name !== 'string' || !body.name.trim()) throw badRequest("The 'name' property is required.", 'ErrorInvalidRequest');
    if (this.store.calendarsOf(mailbox.id).some((c) => c.name.toLowerCase() === String(body.name).toLowerCase())) {
      throw new GraphHttpError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
    }
    const calendar = this.store.createCalendar(mailbox.id, body.name.trim());
    return json(201, { '@odata.context': `${ctx.req.serviceRoot}/$metadata#users('${mailbox.id}')/calendars/$entity`, ...this.renderCalendar(calendar, mailbox) });
  }

  private calendarItself(ctx: GraphContext, calendar: CalendarRecord, method: string): GraphResponse {
    const mailbox = ctx.mailbox!;
    if (method === 'GET') return json(200, { '@odata.context': `${ctx.req.serviceRoot}/$metadata#users('${mailbox.id}')/calendars/$entity`, ...this.renderCalendar(calendar, mailbox) });
    if (method === 'PATCH') {
      const body = (ctx.req.body ?? {}) as { name?: unknown };
      if (typeof body.name === 'string' && body.name.trim()) calendar.name = body.name.trim();
      calendar.changeKey = newChangeKey();
      return json(200, this.renderCalendar(calendar, mailbox));
    }
    if (method === 'DELETE') {
      if (calendar.isDefault) throw new GraphHttpError(400, 'ErrorCannotDeleteObject', 'The default calendar cannot be deleted.');
      this.store.deleteCalendar(calendar);
      return noContent();
    }
    throw methodNotAllowed();
  }

  // ---- events -----------------------------------------------------------

  /**
   * byIdAnyCalendar: /me/events/{id} reaches an item of any of the mailbox's calendars
   * (item ids are unique per mailbox); only the collections are limited to the calendar.
   */
  private eventsRoute(ctx: GraphContext, calendar: CalendarRecord, rest: string[], calendarPrefix: string, byIdAnyCalendar = false): GraphResponse {
    const method = ctx.req.method.toUpperCase();
    const [head, id, sub, ...more] = rest;
    const lower = head.toLowerCase();
    const base = `${ctx.mailboxPrefix}${calendarPrefix}`;
    if (lower === 'calendarview') {
      if (method !== 'GET') throw methodNotAllowed();
      if (id?.toLowerCase() === 'delta' && sub === undefined) return this.delta.handle(ctx, calendar.id, `${base}/calendarView/delta`);
      if (id === undefined) return this.calendarView(ctx, calendar);
      throw unsupportedSegment(ctx.req.path);
    }
    if (lower !== 'events' || more.length > 0) throw unsupportedSegment(ctx.req.path);
    if (id === undefined) {
      if (method === 'GET') return this.listEvents(ctx, calendar);
      if (method === 'POST') return this.createEvent(ctx, calendar);
      throw methodNotAllowed();
    }
    const itemCalendar = byIdAnyCalendar ? undefined : calendar;
    if (sub !== undefined) {
      if (sub.toLowerCase() === 'instances' && method === 'GET') return this.instances(ctx, itemCalendar, id);
      throw unsupportedSegment(ctx.req.path);
    }
    if (method === 'GET') return this.getEvent(ctx, itemCalendar, id);
    if (method === 'PATCH') return this.patchEvent(ctx, itemCalendar, id);
    if (method === 'DELETE') return this.deleteEvent(ctx, itemCalendar, id);
    throw methodNotAllowed();
  }

  private renderOptions(ctx: GraphContext, q: ListQuery): RenderOptions {
    return {
      outputZone: ctx.prefs.timeZone,
      bodyContentType: ctx.prefs.bodyContentType,
      select: q.select,
      expandExtended: q.expandExtended,
      expandExceptions: q.expandExceptions,
      basicOnly: readsBasicOnly(ctx.principal),
    };
  }

  private findItem(ctx: GraphContext, calendar: CalendarRecord | undefined, id: string): ViewItem {
    const item = resolveItem(this.store.events, id);
    if (!item || item.event.mailboxId !== ctx.mailbox!.id || (calendar && item.event.calendarId !== calendar.id)) throw itemNotFound();
    return item;
  }

  private headers(ctx: GraphContext, pageSizeApplied = false): Record<string, string> {
    const applied = preferenceAppliedHeader(ctx.prefs, pageSizeApplied);
    return applied ? { 'Preference-Applied': applied } : {};
  }

  /** Filters, orders and pages rendered items, adding @odata.nextLink with $skip. */
  private page(ctx: GraphContext, items: ViewItem[], q: ListQuery, context: string): GraphResponse {
    const opts = this.renderOptions(ctx, q);
    let rows = items.map((item) => ({ item, full: renderEvent(item, { ...opts, select: undefined, expandExtended: null, expandExceptions: false }) }));
    if (q.filter) rows = rows.filter((r) => q.filter!(r.full));
    if (q.orderBy) {
      const { path, desc } = q.orderBy;
      const get = (o: Record<string, unknown>) => path.reduce<unknown>((v, p) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined), o);
      rows.sort((a, b) => {
        const x = String(get(a.full) ?? '');
        const y = String(get(b.full) ?? '');
        return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1);
      });
    }
    const pageSize = q.top ?? ctx.prefs.maxPageSize ?? DEFAULT_PAGE_SIZE;
    const slice = rows.slice(q.skip, q.skip + pageSize);
    const body: Record<string, unknown> = {
      '@odata.context': `${ctx.req.serviceRoot}/$metadata#${context}`,
      value: slice.map((r) => renderEvent(r.item, opts)),
    };
    if (q.skip + pageSize < rows.length) {
      const next = new URLSearchParams(ctx.req.query);
      for (const key of [...next.keys()]) if (key.toLowerCase() === '$skip') next.delete(key);
      next.set('$skip', String(q.skip + pageSize));
      body['@odata.nextLink'] = `${ctx.req.serviceRoot}${ctx.req.path}?${odataQueryString(next)}`;
    }
    return json(200, body, this.headers(ctx, q.top === undefined && ctx.prefs.maxPageSize !== undefined));
  }

  private listEvents(ctx: GraphContext, calendar: CalendarRecord): GraphResponse {
    const q = parseListQuery(ctx.req.query);
    const events = this.store.eventsOf(ctx.mailbox!.id, calendar.id);
    return this.page(ctx, events.map(storedItem), q, `users('${ctx.mailbox!.id}')/events`);
  }

  private calendarView(ctx: GraphContext, calendar: CalendarRecord): GraphResponse {
    const q = parseListQuery(ctx.req.query);
    const startMs = parseQueryInstant(queryParam(ctx.req.query, 'startDateTime'), 'startDateTime');
    const endMs = parseQueryInstant(queryParam(ctx.req.query, 'endDateTime'), 'endDateTime');
    const items = calendarViewItems(this.store.eventsOf(ctx.mailbox!.id, calendar.id), startMs, endMs);
    return this.page(ctx, items, q, `users('${ctx.mailbox!.id}')/calendarView`);
  }

  private instances(ctx: GraphContext, calendar: CalendarRecord | undefined, id: string): GraphResponse {
    const item = this.findItem(ctx, calendar, id);
    const q = parseListQuery(ctx.req.query);
    const startMs = parseQueryInstant(queryParam(ctx.req.query, 'startDateTime'), 'startDateTime');
    const endMs = parseQueryInstant(queryParam(ctx.req.query, 'endDateTime'), 'endDateTime');
    // A single instance has no instances; Graph answers an empty collection.
    const items = item.kind === 'seriesMaster' ? seriesInstances(item.event, endMs).filter((i) => i.startMs < endMs && i.endMs > startMs) : [];
    return this.page(ctx, items, q, `users('${ctx.mailbox!.id}')/events('${id}')/instances`);
  }

  private getEvent(ctx: GraphContext, calendar: CalendarRecord | undefined, id: string): GraphResponse {
    const item = this.findItem(ctx, calendar, id);
    const q = parseListQuery(ctx.req.query);
    const includeCancelled = q.select?.some((s) => s.toLowerCase() === 'cancelledoccurrences') ?? false;
    const body = renderEvent(item, { ...this.renderOptions(ctx, q), includeCancelledOccurrences: includeCancelled });
    return json(200, { '@odata.context': `${ctx.req.serviceRoot}/$metadata#users('${ctx.mailbox!.id}')/events/$entity`, ...body }, this.headers(ctx));
  }

  /**
   * Writes into a calendar shared read-only (canEdit false,
   * https://learn.microsoft.com/en-us/graph/api/resources/calendar) answer 403 ErrorAccessDenied,
   * before the body is looked at.
   */
  private requireEditable(calendarId: string): void {
    if (this.store.calendars.get(calendarId)?.sharedBy?.canEdit === false) throw accessDenied();
  }

  private createEvent(ctx: GraphContext, calendar: CalendarRecord): GraphResponse {
    this.requireEditable(calendar.id);
    const mailbox = ctx.mailbox!;
    const input = parseEventInput(ctx.req.body, mailbox);
    const q = parseListQuery(ctx.req.query);
    if (input.transactionId) {
      // Documented purpose of transactionId: a retried POST must not create a duplicate.
      const existing = this.store.eventByTransactionId(mailbox.id, input.transactionId);
      if (existing) return json(201, this.entity(ctx, storedItem(existing), q));
    }
    const event = this.buildEvent(mailbox, calendar, input.fields, input.transactionId ?? null, input.extendedProperties ?? []);
    this.store.insert(event);
    return json(201, this.entity(ctx, storedItem(event), q), this.headers(ctx));
  }

  /** Shared by POST and the control API's seeding. */
  buildEvent(mailbox: Mailbox, calendar: CalendarRecord, fields: Partial<EventFields>, transactionId: string | null, extendedProperties: StoredEvent['extendedProperties']): StoredEvent {
    const merged: EventFields = { ...defaultFields(mailbox), ...fields };
    if (merged.isOnlineMeeting && merged.onlineMeetingProvider === 'unknown') merged.onlineMeetingProvider = 'teamsForBusiness';
    validateFields(merged);
    const now = this.store.nowIso();
    return {
      id: newEventId(),
      mailboxId: mailbox.id,
      calendarId: calendar.id,
      iCalUId: newICalUId(),
      changeKey: newChangeKey(),
      createdDateTime: now,
      lastModifiedDateTime: now,
      transactionId,
      fields: merged,
      extendedProperties,
      exceptions: new Map(),
      cancelledDates: new Set(),
      onlineMeetingJoinUrl: merged.isOnlineMeeting ? joinUrl() : null,
    };
  }

  private entity(ctx: GraphContext, item: ViewItem, q: ListQuery): Record<string, unknown> {
    return { '@odata.context': `${ctx.req.serviceRoot}/$metadata#users('${ctx.mailbox!.id}')/events/$entity`, ...renderEvent(item, this.renderOptions(ctx, q)) };
  }

  private checkIfMatch(ctx: GraphContext, item: ViewItem): void {
    const ifMatch = ctx.req.headers['if-match'];
    if (ifMatch && ifMatch !== '*' && ifMatch !== `W/"${item.changeKey}"` && ifMatch !== item.changeKey) throw preconditionFailed();
  }

  private patchEvent(ctx: GraphContext, calendar: CalendarRecord | undefined, id: string): GraphResponse {
    const item = this.findItem(ctx, calendar, id);
    this.requireEditable(item.event.calendarId);
    this.checkIfMatch(ctx, item);
    const input = parseEventInput(ctx.req.body, ctx.mailbox!);
    const q = parseListQuery(ctx.req.query);
    if (item.kind === 'occurrence' || item.kind === 'exception') {
      this.patchOccurrence(item, input.fields, input.extendedProperties);
    } else {
      this.patchStored(item.event, input.fields, input.extendedProperties);
    }
    const updated = resolveItem(this.store.events, id)!;
    return json(200, this.entity(ctx, updated, q), this.headers(ctx));
  }

  patchStored(event: StoredEvent, fields: Partial<EventFields>, extended?: StoredEvent['extendedProperties']): void {
    const merged: EventFields = { ...event.fields, ...fields };
    validateFields(merged);
    const timingChanged =
      event.fields.recurrence !== null &&
      (fields.recurrence !== undefined || fields.start !== undefined || fields.end !== undefined) &&
      JSON.stringify([merged.recurrence, merged.start, merged.end]) !== JSON.stringify([event.fields.recurrence, event.fields.start, event.fields.end]);
    // Outlook drops a series' exceptions when its pattern or time changes.
    if (timingChanged || merged.recurrence === null) {
      event.exceptions.clear();
      event.cancelledDates.clear();
    }
    if (merged.isOnlineMeeting && !event.onlineMeetingJoinUrl) event.onlineMeetingJoinUrl = joinUrl();
    event.fields = merged;
    if (extended) event.extendedProperties = mergeExtendedProperties(event.extendedProperties, extended);
    this.store.touch(event);
  }

  /** PATCH on an occurrence turns it into an exception of its series. */
  patchOccurrence(item: ViewItem, fields: Partial<EventFields>, extended?: StoredEvent['extendedProperties']): void {
    if (fields.recurrence) throw invalidRequest('The recurrence of an occurrence cannot be changed; update the series master instead.');
    const master = item.event;
    const dateKey = item.dateKey!;
    const previous = master.exceptions.get(dateKey);
    const overrides = { ...(previous?.overrides ?? {}), ...fields };
    delete overrides.recurrence;
    validateFields({ ...item.fields, ...overrides, recurrence: null });
    master.exceptions.set(dateKey, {
      dateKey,
      overrides,
      extendedProperties: mergeExtendedProperties(previous?.extendedProperties ?? [], extended ?? []),
      changeKey: newChangeKey(),
      lastModifiedDateTime: this.store.nowIso(),
    });
    // The series itself is untouched: other occurrences keep their change keys.
    this.store.touch(master, false);
  }

  private deleteEvent(ctx: GraphContext, calendar: CalendarRecord | undefined, id: string): GraphResponse {
    const item = this.findItem(ctx, calendar, id);
    this.requireEditable(item.event.calendarId);
    this.checkIfMatch(ctx, item);
    if (item.kind === 'occurrence' || item.kind === 'exception') this.cancelOccurrence(item);
    else this.store.remove(item.event);
    return noContent();
  }

  cancelOccurrence(item: ViewItem): void {
    item.event.exceptions.delete(item.dateKey!);
    item.event.cancelledDates.add(item.dateKey!);
    this.store.touch(item.event, false);
  }
}

/** Query string with OData's "$" and punctuation left readable, as Graph's links are. */
export function odataQueryString(params: URLSearchParams): string {
  const readable = (s: string) => encodeURIComponent(s).replace(/%24/g, '$').replace(/%3A/gi, ':').replace(/%2C/gi, ',').replace(/%2F/gi, '/');
  return [...params].map(([k, v]) => `${readable(k)}=${readable(v)}`).join('&');
}

function fail(error: GraphHttpError): never {
  throw error;
}

function joinUrl(): string {
  return `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${randomBytes(24).toString('base64url')}%40thread.v2/0`;
}
