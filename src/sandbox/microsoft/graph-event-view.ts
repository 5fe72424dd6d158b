import { DateTime } from 'luxon';
import type { EventFields, ExtendedProperty, StoredEvent, ViewItem } from './graph-model';
import { cancelledOccurrenceKey, occurrenceICalUId, occurrenceId, parseOccurrenceId } from './graph-ids';
import { occurrenceDates } from './graph-recurrence';
import { dateKeyOf, formatGraphDateTime, formatOffsetUtc, toDateTime } from './graph-time';
import { resolveTimeZone } from './windows-time-zones';
import { mergeExtendedProperties } from './graph-event-input';

/** The item as it is stored: a single instance or a series master. */
export function storedItem(event: StoredEvent): ViewItem {
  const start = toDateTime(event.fields.start).toMillis();
  const end = toDateTime(event.fields.end).toMillis();
  return {
    id: event.id,
    kind: event.fields.recurrence ? 'seriesMaster' : 'singleInstance',
    event,
    fields: event.fields,
    extendedProperties: event.extendedProperties,
    changeKey: event.changeKey,
    lastModifiedDateTime: event.lastModifiedDateTime,
    startMs: start,
    endMs: end,
  };
}

/** Local wall-clock start of one occurrence: the series' time of day on that date. */
function occurrenceFields(master: EventFields, date: DateTime): EventFields {
  const seriesStart = toDateTime(master.start);
  const seriesEnd = toDateTime(master.end);
  const start = date.setZone(seriesStart.zone, { keepLocalTime: true }).set({ hour: seriesStart.hour, minute: seriesStart.minute, second: seriesStart.second, millisecond: 0 });
  // All-day series keep whole days; timed series keep the exact duration.
  const end = master.isAllDay
    ? start.plus({ days: Math.round(seriesEnd.diff(seriesStart, 'days').days) })
    : start.plus({ milliseconds: seriesEnd.toMillis() - seriesStart.toMillis() }).setZone(seriesEnd.zone);
  return {
    ...master,
    start: { dateTime: start.toFormat("yyyy-MM-dd'T'HH:mm:ss"), timeZone: master.start.timeZone },
    end: { dateTime: end.toFormat("yyyy-MM-dd'T'HH:mm:ss"), timeZone: master.end.timeZone },
    recurrence: null,
  };
}

function seriesZone(master: StoredEvent): string {
  return resolveTimeZone(master.fields.recurrence?.range?.recurrenceTimeZone) ?? resolveTimeZone(master.fields.start.timeZone) ?? 'UTC';
}

function occurrenceItem(master: StoredEvent, date: DateTime): ViewItem {
  const dateKey = dateKeyOf(date);
  const base = occurrenceFields(master.fields, date);
  const originalStartMs = toDateTime(base.start).toMillis();
  const exception = master.exceptions.get(dateKey);
  const fields: EventFields = exception ? { ...base, ...exception.overrides, recurrence: null } : base;
  return {
    id: occurrenceId(master.id, dateKey),
    kind: exception ? 'exception' : 'occurrence',
    event: master,
    fields,
    extendedProperties: exception ? mergeExtendedProperties(master.extendedProperties, exception.extendedProperties) : master.extendedProperties,
    // An occurrence changes whenever its master does; an exception also has its own key.
    changeKey: exception ? `${master.changeKey}.${exception.changeKey}` : master.changeKey,
    lastModifiedDateTime: exception && exception.lastModifiedDateTime > master.lastModifiedDateTime ? exception.lastModifiedDateTime : master.lastModifiedDateTime,
    startMs: toDateTime(fields.start).toMillis(),
    endMs: toDateTime(fields.end).toMillis(),
    dateKey,
    originalStartMs,
  };
}

/** Every live (not cancelled) occurrence/exception of a series up to a date, in date order. */
export function seriesInstances(master: StoredEvent, untilMs: number): ViewItem[] {
  const zone = seriesZone(master);
  // One day of slack: an exception moved later can still start before untilMs.
  const untilDate = dateKeyOf(DateTime.fromMillis(untilMs, { zone }).plus({ days: 1 }));
  const dates = occurrenceDates(master.fields.recurrence!, zone, untilDate);
  const items: ViewItem[] = [];
  for (const date of dates) {
    if (master.cancelledDates.has(dateKeyOf(date))) continue;
    items.push(occurrenceItem(master, date));
  }
  // Exceptions moved beyond the expansion horizon are still part of the series.
  for (const [dateKey, exception] of master.exceptions) {
    if (master.cancelledDates.has(dateKey) || items.some((i) => i.dateKey === dateKey)) continue;
    const date = DateTime.fromISO(exception.dateKey, { zone });
    if (occurrenceDates(master.fields.recurrence!, zone, dateKey).some((d) => dateKeyOf(d) === dateKey)) items.push(occurrenceItem(master, date));
  }
  return items;
}

function overlaps(item: ViewItem, startMs: number, endMs: number): boolean {
  if (item.startMs === item.endMs) return item.startMs >= startMs && item.startMs < endMs;
  return item.startMs < endMs && item.endMs > startMs;
}

/** calendarView semantics: singles, occurrences and exceptions overlapping the window, by start. */
export function calendarViewItems(events: StoredEvent[], startMs: number, endMs: number): ViewItem[] {
  const items: ViewItem[] = [];
  for (const event of events) {
    if (event.fields.recurrence) {
      for (const item of seriesInstances(event, endMs)) if (overlaps(item, startMs, endMs)) items.push(item);
    } else {
      const item = storedItem(event);
      if (overlaps(item, startMs, endMs)) items.push(item);
    }
  }
  return items.sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
}

/** Resolves an event id that may name an occurrence or exception of a series. */
export function resolveItem(events: Map<string, StoredEvent>, id: string): ViewItem | undefined {
  const direct = events.get(id);
  if (direct) return storedItem(direct);
  const occ = parseOccurrenceId(id);
  if (!occ) return undefined;
  const master = events.get(occ.masterId);
  if (!master?.fields.recurrence || master.cancelledDates.has(occ.dateKey)) return undefined;
  const zone = seriesZone(master);
  const isOccurrence = occurrenceDates(master.fields.recurrence, zone, occ.dateKey).some((d) => dateKeyOf(d) === occ.dateKey);
  return isOccurrence ? occurrenceItem(master, DateTime.fromISO(occ.dateKey, { zone })) : undefined;
}

export interface RenderOptions {
  /** Time zone label to report (Prefer: outlook.timezone), default "UTC". */
  outputZone: string;
  bodyContentType?: 'text' | 'html';
  select?: string[];
  /** $expand=singleValueExtendedProperties($filter=...): which ids to include; null = all. */
  expandExtended?: ((p: ExtendedProperty) => boolean) | null;
  expandExceptions?: boolean;
  /** Calendars.ReadBasic only: no body, bodyPreview or extended properties. */
  basicOnly?: boolean;
  /** Only GET by id returns cancelledOccurrences, and only when $select names it. */
  includeCancelledOccurrences?: boolean;
}

function renderTime(fields: EventFields, which: 'start' | 'end', outputZone: string): { dateTime: string; timeZone: string } {
  const value = toDateTime(fields[which]);
  if (fields.isAllDay) return { dateTime: `${value.toFormat('yyyy-MM-dd')}T00:00:00.0000000`, timeZone: outputZone };
  const zone = resolveTimeZone(outputZone) ?? 'UTC';
  return { dateTime: formatGraphDateTime(value.setZone(zone)), timeZone: outputZone };
}

/**
 * Index scans where the obvious regexes (`<[^>]+>`, `[ \t]+\n`, `<script…>[\s\S]*?</script>`)
 * backtrack quadratically: 100 kB of `<` or of spaces in an event body held the event loop
 * for seconds, and the emulator shares it with the whole app.
 */
export function htmlToText(html: string): string {
  const text = stripTags(removeScriptAndStyle(html).replace(/<br\s*\/?>|<\/p>|<\/div>/gi, '\n'))
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return text.split('\n').map(trimTrailingBlanks).join('\n').trim();
}

/** Drops `<script …>…</script>` and `<style …>…</style>` blocks; an unclosed one stays. */
function removeScriptAndStyle(html: string): string {
  const open = /<(script|style)[^<>]*>/gi;
  const unclosed = new Set<string>();
  let kept = '';
  let from = 0;
  for (let m = open.exec(html); m; m = open.exec(html)) {
    const name = m[1].toLowerCase();
    if (unclosed.has(name)) continue;
    const close = new RegExp(`</${name}>`, 'gi');
    close.lastIndex = open.lastIndex;
    if (!close.exec(html)) {
      unclosed.add(name); // no closing tag after this one means none after any later one either
      continue;
    }
    kept += html.slice(from, m.index);
    from = close.lastIndex;
    open.lastIndex = close.lastIndex;
  }
  return kept + html.slice(from);
}

/** Removes every `<…>` with something inside, as `/<[^>]+>/g` did. */
function stripTags(text: string): string {
  let kept = '';
  let from = 0;
  for (let open = text.indexOf('<'); open >= 0; open = text.indexOf('<', open + 1)) {
    const close = text.indexOf('>', open + 1);
    if (close < 0) break; // nothing can close a tag any more
    if (close === open + 1) continue; // `<>` is not a tag
    kept += text.slice(from, open);
    from = close + 1;
    open = close;
  }
  return kept + text.slice(from);
}

function trimTrailingBlanks(line: string): string {
  let end = line.length;
  while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
  return line.slice(0, end);
}

function renderBody(fields: EventFields, preferred?: 'text' | 'html'): { contentType: string; content: string } {
  const { contentType, content } = fields.body;
  if (preferred === 'text' && contentType === 'html') return { contentType: 'text', content: htmlToText(content) };
  if (preferred === 'html' && contentType === 'text') {
    const escaped = content.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>');
    return { contentType: 'html', content: wrapHtml(escaped) };
  }
  return { contentType, content: contentType === 'html' ? wrapHtml(content) : content };
}

/** Exchange stores HTML bodies as full documents. */
function wrapHtml(content: string): string {
  if (!content || /<html[\s>]/i.test(content)) return content;
  return `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>${content}</body></html>`;
}

/** The JSON of one event as Graph returns it. */
export function renderEvent(item: ViewItem, opts: RenderOptions): Record<string, unknown> {
  const f = item.fields;
  const event = item.event;
  const master = item.kind === 'occurrence' || item.kind === 'exception';
  const organizerAddress = f.organizer.emailAddress?.address?.toLowerCase();
  const mailboxEmail = event.fields.organizer.emailAddress?.address?.toLowerCase();
  const isOrganizer = !organizerAddress || organizerAddress === mailboxEmail;
  const out: Record<string, unknown> = {
    '@odata.etag': `W/"${item.changeKey}"`,
    id: item.id,
    createdDateTime: event.createdDateTime,
    lastModifiedDateTime: item.lastModifiedDateTime,
    changeKey: item.changeKey,
    categories: [...f.categories],
    transactionId: master ? null : event.transactionId,
    originalStartTimeZone: f.start.timeZone,
    originalEndTimeZone: f.end.timeZone,
    // v1.0 has no `uid` (beta only); each occurrence has its own iCalUId.
    iCalUId: master ? occurrenceICalUId(event.iCalUId, item.dateKey!) : event.iCalUId,
    reminderMinutesBeforeStart: f.reminderMinutesBeforeStart,
    isReminderOn: f.isReminderOn,
    hasAttachments: false,
    subject: f.subject,
    bodyPreview: (f.body.contentType === 'html' ? htmlToText(f.body.content) : f.body.content).replace(/\s+/g, ' ').trim().slice(0, 255),
    importance: f.importance,
    sensitivity: f.sensitivity,
    isAllDay: f.isAllDay,
    isCancelled: f.isCancelled,
    isOrganizer,
    responseRequested: f.responseRequested,
    seriesMasterId: master ? event.id : null,
    showAs: f.showAs,
    type: item.kind,
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(item.id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: f.isOnlineMeeting,
    onlineMeetingProvider: f.onlineMeetingProvider,
    allowNewTimeProposals: f.allowNewTimeProposals,
    isDraft: false,
    hideAttendees: f.hideAttendees,
    responseStatus: { response: isOrganizer ? 'organizer' : 'notResponded', time: '0001-01-01T00:00:00Z' },
    body: renderBody(f, opts.bodyContentType),
    start: renderTime(f, 'start', opts.outputZone),
    end: renderTime(f, 'end', opts.outputZone),
    location: { ...f.location },
    locations: f.location.displayName && f.locations.length === 0 ? [{ ...f.location }] : f.locations.map((l) => ({ ...l })),
    recurrence: item.kind === 'seriesMaster' ? f.recurrence : null,
    attendees: f.attendees.map((a) => ({ ...a })),
    organizer: { emailAddress: { ...f.organizer.emailAddress } },
    onlineMeeting: f.isOnlineMeeting && event.onlineMeetingJoinUrl ? { joinUrl: event.onlineMeetingJoinUrl } : null,
  };
  if (master) out.originalStart = formatOffsetUtc(item.originalStartMs!);
  if (item.kind === 'seriesMaster' && opts.includeCancelledOccurrences) {
    out.cancelledOccurrences = [...event.cancelledDates].sort().map((d) => cancelledOccurrenceKey(event.id, d));
  }
  if (opts.basicOnly) {
    delete out.body;
    delete out.bodyPreview;
  }
  const selected = opts.select ? selectProperties(out, opts.select) : out;
  if (opts.expandExtended !== undefined && !opts.basicOnly) {
    const filter = opts.expandExtended;
    selected.singleValueExtendedProperties = item.extendedProperties.filter((p) => !filter || filter(p)).map((p) => ({ ...p }));
  }
  if (opts.expandExceptions && item.kind === 'seriesMaster') {
    const exceptions = seriesInstances(event, Number.MAX_SAFE_INTEGER / 2).filter((i) => i.kind === 'exception');
    selected.exceptionOccurrences = exceptions.map((i) => renderEvent(i, { ...opts, expandExceptions: false, select: undefined }));
  }
  return selected;
}

/** $select keeps the named properties; Graph always adds id and @odata.etag. */
export function selectProperties(full: Record<string, unknown>, select: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.etag': full['@odata.etag'], id: full.id };
  for (const name of select) {
    const key = Object.keys(full).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key) out[key] = full[key];
  }
  return out;
}
