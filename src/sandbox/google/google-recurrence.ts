import { DateTime } from 'luxon';
import type { EventDateTime } from './google-types';
import { addDays, daysBetween, eventTimeMs, formatInZone } from './google-time';

/**
 * A small RFC 5545 RRULE expander: FREQ (DAILY/WEEKLY/MONTHLY/YEARLY), INTERVAL, COUNT,
 * UNTIL, BYDAY (with ordinals), BYMONTHDAY, BYMONTH, BYSETPOS, WKST, plus EXDATE/RDATE.
 * Wall-clock times are kept across DST by generating in the event's own zone.
 */

export interface Occurrence {
  /** Id suffix Google uses for instances: 20240105T090000Z or 20240105. */
  suffix: string;
  start: EventDateTime;
  end: EventDateTime;
  startMs: number;
  endMs: number;
}

export interface SeriesInput {
  start: EventDateTime;
  end: EventDateTime;
  recurrence: string[];
  calendarTz: string;
}

export interface ExpandWindow {
  fromMs?: number;
  toMs: number;
  limit: number;
}

const WEEKDAYS: Record<string, number> = { MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6, SU: 7 };
const MAX_PERIODS = 100_000;

interface ByDay {
  weekday: number;
  ordinal?: number;
}

export interface Rule {
  freq: 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
  interval: number;
  count?: number;
  until?: string;
  byDay?: ByDay[];
  byMonthDay?: number[];
  byMonth?: number[];
  bySetPos?: number[];
  wkst: number;
}

export class RecurrenceError extends Error {}

/** Validates the recurrence lines; throws RecurrenceError with a readable reason. */
export function validateRecurrence(lines: string[]): void {
  const rrules = lines.filter((l) => /^RRULE[:;]/i.test(l));
  if (rrules.length === 0 && !lines.some((l) => /^RDATE[:;]/i.test(l))) {
    throw new RecurrenceError('Invalid recurrence rule.');
  }
  for (const line of lines) {
    if (!/^(RRULE|EXDATE|RDATE|EXRULE)[:;]/i.test(line)) throw new RecurrenceError('Invalid recurrence rule.');
  }
  rrules.forEach((r) => parseRule(r));
}

export function parseRule(line: string): Rule {
  const body = line.replace(/^RRULE:/i, '');
  const parts = new Map<string, string>();
  for (const kv of body.split(';')) {
    const [k, v] = kv.split('=');
    if (!k || v === undefined) throw new RecurrenceError('Invalid recurrence rule.');
    parts.set(k.toUpperCase(), v.toUpperCase());
  }
  const freq = parts.get('FREQ');
  if (freq !== 'DAILY' && freq !== 'WEEKLY' && freq !== 'MONTHLY' && freq !== 'YEARLY') {
    throw new RecurrenceError(`Unsupported recurrence frequency: ${freq ?? '(none)'}`);
  }
  const interval = Number(parts.get('INTERVAL') ?? '1');
  const count = parts.has('COUNT') ? Number(parts.get('COUNT')) : undefined;
  if (!Number.isInteger(interval) || interval < 1) throw new RecurrenceError('Invalid INTERVAL.');
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) throw new RecurrenceError('Invalid COUNT.');
  if (count !== undefined && parts.has('UNTIL')) throw new RecurrenceError('COUNT and UNTIL are exclusive.');
  return {
    freq,
    interval,
    count,
    until: parts.get('UNTIL'),
    byDay: parts.get('BYDAY')?.split(',').map(parseByDay),
    byMonthDay: numberList(parts.get('BYMONTHDAY')),
    byMonth: numberList(parts.get('BYMONTH')),
    bySetPos: numberList(parts.get('BYSETPOS')),
    wkst: WEEKDAYS[parts.get('WKST') ?? 'MO'] ?? 1,
  };
}

function parseByDay(spec: string): ByDay {
  const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(spec.trim());
  if (!m) throw new RecurrenceError(`Invalid BYDAY: ${spec}`);
  return { weekday: WEEKDAYS[m[2]], ordinal: m[1] ? Number(m[1]) : undefined };
}

function numberList(value: string | undefined): number[] | undefined {
  if (!value) return undefined;
  const list = value.split(',').map(Number);
  if (list.some((n) => !Number.isInteger(n) || n === 0)) throw new RecurrenceError('Invalid number list in RRULE.');
  return list;
}

/** Occurrences of a series overlapping [fromMs, toMs), at most limit of them. */
export function expandSeries(series: SeriesInput, window: ExpandWindow): Occurrence[] {
  const allDay = Boolean(series.start.date);
  const zone = allDay ? 'UTC' : (series.start.timeZone ?? series.calendarTz);
  const dtstart = allDay
    ? DateTime.fromISO(series.start.date as string, { zone })
    : DateTime.fromMillis(eventTimeMs(series.start, series.calendarTz), { zone });
  const durationMs = eventTimeMs(series.end, series.calendarTz) - eventTimeMs(series.start, series.calendarTz);
  const durationDays = allDay ? daysBetween(series.start.date as string, series.end.date as string) : 0;
  const exdates = collectDates(series.recurrence, 'EXDATE', zone, allDay);
  const starts = new Map<number, DateTime>();
  const ruleLine = series.recurrence.find((l) => /^RRULE[:;]/i.test(l));
  if (ruleLine) {
    for (const dt of ruleStarts(parseRule(ruleLine), dtstart, zone, allDay, window, series.calendarTz)) {
      starts.set(dt.toMillis(), dt);
    }
  } else {
    starts.set(dtstart.toMillis(), dtstart);
  }
  for (const dt of collectDates(series.recurrence, 'RDATE', zone, allDay).values()) starts.set(dt.toMillis(), dt);

  const out: Occurrence[] = [];
  for (const dt of [...starts.values()].sort((a, b) => a.toMillis() - b.toMillis())) {
    if (exdates.has(dateKey(dt, allDay))) continue;
    const occ = allDay
      ? allDayOccurrence(dt, durationDays, series.calendarTz)
      : timedOccurrence(dt, durationMs, zone, series.start.timeZone ?? undefined);
    if (occ.startMs >= window.toMs) break;
    if (window.fromMs !== undefined && occ.endMs <= window.fromMs) continue;
    out.push(occ);
    if (out.length >= window.limit) break;
  }
  return out;
}

function allDayOccurrence(dt: DateTime, durationDays: number, calendarTz: string): Occurrence {
  const date = dt.toISODate() as string;
  const endDate = addDays(date, durationDays);
  return {
    suffix: date.replace(/-/g, ''),
    start: { date },
    end: { date: endDate },
    startMs: eventTimeMs({ date }, calendarTz),
    endMs: eventTimeMs({ date: endDate }, calendarTz),
  };
}

function timedOccurrence(dt: DateTime, durationMs: number, zone: string, explicitZone?: string): Occurrence {
  const startMs = dt.toMillis();
  const endMs = startMs + durationMs;
  const withZone = (ms: number): EventDateTime =>
    explicitZone ? { dateTime: formatInZone(ms, zone), timeZone: explicitZone } : { dateTime: formatInZone(ms, zone) };
  return {
    suffix: DateTime.fromMillis(startMs, { zone: 'UTC' }).toFormat("yyyyMMdd'T'HHmmss'Z'"),
    start: withZone(startMs),
    end: withZone(endMs),
    startMs,
    endMs,
  };
}

function dateKey(dt: DateTime, allDay: boolean): string {
  return allDay ? (dt.toISODate() as string) : String(dt.toMillis());
}

/** EXDATE/RDATE values, keyed like dateKey(). */
function collectDates(lines: string[], name: string, zone: string, allDay: boolean): Map<string, DateTime> {
  const out = new Map<string, DateTime>();
  for (const line of lines) {
    const m = new RegExp(`^${name}([;:].*)$`, 'i').exec(line);
    if (!m) continue;
    const colon = m[1].lastIndexOf(':');
    const params = m[1].slice(0, colon);
    const tzid = /TZID=([^;:]+)/i.exec(params)?.[1];
    for (const raw of m[1].slice(colon + 1).split(',')) {
      const dt = parseIcalDate(raw.trim(), tzid ?? zone, allDay ? 'UTC' : zone);
      if (dt) out.set(dateKey(dt, allDay), dt);
    }
  }
  return out;
}

/** 20240105, 20240105T090000 (in zone) or 20240105T090000Z. */
export function parseIcalDate(value: string, zone: string, outZone: string): DateTime | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/i.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, z] = m;
  const fields = { year: +y, month: +mo, day: +d, hour: h ? +h : 0, minute: mi ? +mi : 0, second: s ? +s : 0 };
  const dt = DateTime.fromObject(fields, { zone: z ? 'UTC' : zone });
  return dt.isValid ? dt.setZone(outZone) : undefined;
}

function untilMs(rule: Rule, zone: string, allDay: boolean): number | undefined {
  if (!rule.until) return undefined;
  const dt = parseIcalDate(rule.until, zone, zone);
  if (!dt) throw new RecurrenceError('Invalid UNTIL.');
  // A date-only UNTIL includes that whole day.
  return /^\d{8}$/.test(rule.until) && !allDay ? dt.endOf('day').toMillis() : dt.toMillis();
}

function* ruleStarts(
  rule: Rule,
  dtstart: DateTime,
  zone: string,
  allDay: boolean,
  window: ExpandWindow,
  calendarTz: string,
): Generator<DateTime> {
  const until = untilMs(rule, zone, allDay);
  // Window bounds compared on start; an occurrence starting up to a day earlier may still overlap.
  const stopMs = window.toMs + (allDay ? 36 * 3600_000 : 0);
  let emitted = 0;
  for (let k = 0; k < MAX_PERIODS; k++) {
    // A rule that selects nothing (BYMONTHDAY=30;BYMONTH=2) must still end at the window.
    if (periodStart(rule, dtstart, k).toMillis() > stopMs + 86_400_000) return;
    const candidates = applySetPos(periodCandidates(rule, dtstart, k), rule.bySetPos);
    for (const day of candidates) {
      const dt = DateTime.fromObject(
        { ...day, hour: dtstart.hour, minute: dtstart.minute, second: dtstart.second },
        { zone },
      );
      if (!dt.isValid || dt < dtstart) continue;
      if (until !== undefined && dt.toMillis() > until) return;
      emitted += 1;
      if (rule.count !== undefined && emitted > rule.count) return;
      const startMs = allDay ? DateTime.fromISO(dt.toISODate() as string, { zone: calendarTz }).toMillis() : dt.toMillis();
      if (startMs >= stopMs) return;
      yield dt;
    }
  }
}

interface Ymd {
  year: number;
  month: number;
  day: number;
}

function periodStart(rule: Rule, dtstart: DateTime, k: number): DateTime {
  const n = k * rule.interval;
  switch (rule.freq) {
    case 'DAILY':
      return dtstart.startOf('day').plus({ days: n });
    case 'WEEKLY':
      return dtstart.startOf('day').minus({ days: 7 }).plus({ weeks: n });
    case 'MONTHLY':
      return dtstart.startOf('month').plus({ months: n });
    case 'YEARLY':
      return dtstart.startOf('year').plus({ years: n });
  }
}

function periodCandidates(rule: Rule, dtstart: DateTime, k: number): Ymd[] {
  switch (rule.freq) {
    case 'DAILY': {
      const d = dtstart.startOf('day').plus({ days: k * rule.interval });
      return filterDaily(rule, d) ? [ymd(d)] : [];
    }
    case 'WEEKLY': {
      const offset = (dtstart.weekday - rule.wkst + 7) % 7;
      const weekStart = dtstart.startOf('day').minus({ days: offset }).plus({ weeks: k * rule.interval });
      const weekdays = rule.byDay?.map((b) => b.weekday) ?? [dtstart.weekday];
      const days: Ymd[] = [];
      for (let i = 0; i < 7; i++) {
        const d = weekStart.plus({ days: i });
        if (weekdays.includes(d.weekday) && (!rule.byMonth || rule.byMonth.includes(d.month))) days.push(ymd(d));
      }
      return days;
    }
    case 'MONTHLY': {
      const month = dtstart.startOf('month').plus({ months: k * rule.interval });
      if (rule.byMonth && !rule.byMonth.includes(month.month)) return [];
      return monthDays(rule, month, dtstart);
    }
    case 'YEARLY': {
      const year = dtstart.startOf('year').plus({ years: k * rule.interval });
      return yearDays(rule, year, dtstart);
    }
  }
}

function filterDaily(rule: Rule, d: DateTime): boolean {
  if (rule.byMonth && !rule.byMonth.includes(d.month)) return false;
  if (rule.byMonthDay && !rule.byMonthDay.some((n) => resolveMonthDay(n, d) === d.day)) return false;
  if (rule.byDay && !rule.byDay.some((b) => b.weekday === d.weekday)) return false;
  return true;
}

function resolveMonthDay(n: number, month: DateTime): number {
  const dim = month.daysInMonth ?? 31;
  return n > 0 ? n : dim + 1 + n;
}

/** Days of one month selected by BYMONTHDAY/BYDAY, defaulting to DTSTART's day. */
function monthDays(rule: Rule, month: DateTime, dtstart: DateTime): Ymd[] {
  const dim = month.daysInMonth ?? 31;
  const all: DateTime[] = [];
  for (let d = 1; d <= dim; d++) all.push(month.set({ day: d }));
  let selected = all;
  if (rule.byMonthDay) {
    const wanted = new Set(rule.byMonthDay.map((n) => resolveMonthDay(n, month)));
    selected = selected.filter((d) => wanted.has(d.day));
  }
  if (rule.byDay) selected = selected.filter((d) => matchesByDay(rule.byDay as ByDay[], d, all));
  if (!rule.byMonthDay && !rule.byDay) selected = selected.filter((d) => d.day === dtstart.day);
  return selected.map(ymd);
}

function yearDays(rule: Rule, year: DateTime, dtstart: DateTime): Ymd[] {
  if (rule.byMonth || rule.byMonthDay) {
    const months = rule.byMonth ?? (rule.byMonthDay ? range(1, 12) : [dtstart.month]);
    return months.flatMap((m) => monthDays(rule, year.set({ month: m }), dtstart));
  }
  if (rule.byDay) {
    // BYDAY ordinals without BYMONTH count within the whole year.
    const all: DateTime[] = [];
    for (let d = year; d.year === year.year; d = d.plus({ days: 1 })) all.push(d);
    return all.filter((d) => matchesByDay(rule.byDay as ByDay[], d, all)).map(ymd);
  }
  const d = year.set({ month: dtstart.month, day: dtstart.day });
  return d.day === dtstart.day ? [ymd(d)] : [];
}

function matchesByDay(byDay: ByDay[], d: DateTime, scope: DateTime[]): boolean {
  return byDay.some((b) => {
    if (b.weekday !== d.weekday) return false;
    if (b.ordinal === undefined) return true;
    const same = scope.filter((x) => x.weekday === b.weekday);
    const idx = b.ordinal > 0 ? b.ordinal - 1 : same.length + b.ordinal;
    return same[idx]?.toMillis() === d.toMillis();
  });
}

function applySetPos(days: Ymd[], setPos: number[] | undefined): Ymd[] {
  if (!setPos) return days;
  const sorted = [...days].sort((a, b) => a.year - b.year || a.month - b.month || a.day - b.day);
  return setPos
    .map((p) => (p > 0 ? sorted[p - 1] : sorted[sorted.length + p]))
    .filter((d): d is Ymd => d !== undefined);
}

function ymd(d: DateTime): Ymd {
  return { year: d.year, month: d.month, day: d.day };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Parses an instance id suffix back to the original start it denotes. */
export function suffixToOriginalStart(suffix: string): { date?: string; ms?: number } | undefined {
  if (/^\d{8}$/.test(suffix)) return { date: `${suffix.slice(0, 4)}-${suffix.slice(4, 6)}-${suffix.slice(6, 8)}` };
  const dt = parseIcalDate(suffix.toUpperCase(), 'UTC', 'UTC');
  return dt && /Z$/i.test(suffix) ? { ms: dt.toMillis() } : undefined;
}
