import { DateTime } from 'luxon';
import type { DayOfWeek, PatternedRecurrence, RecurrencePatternType, WeekIndex } from '@microsoft/microsoft-graph-types';
import type { EventTime } from '../calendar-provider';
import { ProviderError } from '../provider-errors';
import { graphZoneOf, ianaZoneOf } from './graph-time-zones';

/**
 * RRULE ↔ Graph patternedRecurrence, by hand for the subset Graph can hold
 * (https://learn.microsoft.com/en-us/graph/api/resources/patternedrecurrence):
 * daily, weekly (days, first day of week), absolute/relative monthly, absolute/relative yearly,
 * an interval, and an end by date, by count or none. Anything else (BYHOUR, BYWEEKNO, several
 * BYMONTHDAY, ordinals beyond ±4, hourly…) is refused with INVALID_REQUEST instead of being
 * silently changed into another series.
 *
 * recurrenceFromGraph writes the canonical RRULE: FREQ;INTERVAL (when > 1);BYDAY;BYMONTHDAY;
 * BYMONTH;BYSETPOS;WKST (weekly, when not Monday);COUNT|UNTIL. recurrenceToGraph accepts the
 * usual variants (BYDAY=2MO or BYDAY=MO;BYSETPOS=2, implicit BYMONTHDAY from the start…).
 */

const RRULE_DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
const GRAPH_DAYS: DayOfWeek[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const INDEX_BY_POS: Record<string, WeekIndex> = { '1': 'first', '2': 'second', '3': 'third', '4': 'fourth', '-1': 'last' };
const POS_BY_INDEX: Record<string, string> = { first: '1', second: '2', third: '3', fourth: '4', last: '-1' };
const KNOWN_PARTS = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYSETPOS', 'WKST', 'COUNT', 'UNTIL']);
const MAX_RULE_LENGTH = 512;

function refuse(message: string): ProviderError {
  return new ProviderError('INVALID_REQUEST', `Microsoft Graph cannot hold this recurrence: ${message}`, { provider: 'microsoft' });
}

const graphDay = (rruleDay: string): DayOfWeek => {
  const index = RRULE_DAYS.indexOf(rruleDay as (typeof RRULE_DAYS)[number]);
  if (index < 0) throw refuse(`unknown day ${rruleDay}`);
  return GRAPH_DAYS[index];
};
const rruleDay = (day: DayOfWeek | string): string => {
  const index = GRAPH_DAYS.indexOf(day.toLowerCase() as DayOfWeek);
  if (index < 0) throw refuse(`unknown day ${day}`);
  return RRULE_DAYS[index];
};

function parseRule(rule: string): Map<string, string> {
  if (rule.length > MAX_RULE_LENGTH) throw refuse('rule too long');
  const parts = new Map<string, string>();
  for (const part of rule.replace(/^RRULE:/i, '').split(';')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw refuse(`malformed part "${part}"`);
    const name = part.slice(0, eq).toUpperCase();
    if (!KNOWN_PARTS.has(name)) throw refuse(`${name} is not supported`);
    if (parts.has(name)) throw refuse(`${name} given twice`);
    parts.set(name, part.slice(eq + 1).toUpperCase());
  }
  return parts;
}

function positiveInt(value: string, name: string, max: number): number {
  if (!/^\d{1,4}$/.test(value)) throw refuse(`${name}=${value}`);
  const n = Number(value);
  if (n < 1 || n > max) throw refuse(`${name}=${value}`);
  return n;
}

interface ByDay {
  days: DayOfWeek[];
  /** The ordinal (1..4, -1) when given on the days (BYDAY=2MO). */
  ordinal: string | null;
}

function parseByDay(value: string): ByDay {
  const days: DayOfWeek[] = [];
  const ordinals = new Set<string>();
  for (const item of value.split(',')) {
    const match = /^([+-]?\d{1,2})?([A-Z]{2})$/.exec(item);
    if (!match) throw refuse(`BYDAY=${value}`);
    days.push(graphDay(match[2]));
    ordinals.add(match[1] === undefined ? '' : String(Number(match[1])));
  }
  if (ordinals.size > 1) throw refuse(`BYDAY=${value} mixes ordinals`);
  const ordinal = [...ordinals][0] || null;
  return { days, ordinal };
}

function startParts(start: EventTime): { date: DateTime; zone: string } {
  const zone = start.allDay ? 'UTC' : (start.timeZone ?? 'UTC');
  const date = start.allDay ? DateTime.fromISO(start.date, { zone }) : DateTime.fromISO(start.dateTime, { zone });
  if (!date.isValid) throw refuse('the series start is not a valid date');
  return { date, zone };
}

/** UNTIL as a local date of the series (Graph's endDate is a date, inclusive). */
function untilDate(value: string, zone: string): string {
  if (/^\d{8}$/.test(value)) return `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
  const match = /^(\d{8})T(\d{6})(Z?)$/.exec(value);
  if (!match) throw refuse(`UNTIL=${value}`);
  const parsed = DateTime.fromFormat(`${match[1]}T${match[2]}`, "yyyyMMdd'T'HHmmss", { zone: match[3] ? 'UTC' : zone });
  if (!parsed.isValid) throw refuse(`UNTIL=${value}`);
  return parsed.setZone(zone).toISODate()!;
}

/** The model's RRULE for a series starting at `start`, as Graph's patternedRecurrence. */
export function recurrenceToGraph(rule: string, start: EventTime): PatternedRecurrence {
  const parts = parseRule(rule);
  const { date, zone } = startParts(start);
  const freq = parts.get('FREQ');
  const interval = parts.has('INTERVAL') ? positiveInt(parts.get('INTERVAL')!, 'INTERVAL', 99) : 1;
  const byDay = parts.has('BYDAY') ? parseByDay(parts.get('BYDAY')!) : null;
  const byMonthDay = parts.has('BYMONTHDAY') ? positiveInt(parts.get('BYMONTHDAY')!, 'BYMONTHDAY', 31) : null;
  const byMonth = parts.has('BYMONTH') ? positiveInt(parts.get('BYMONTH')!, 'BYMONTH', 12) : null;
  const bySetPos = parts.get('BYSETPOS') ?? null;
  const wkst = parts.has('WKST') ? graphDay(parts.get('WKST')!) : 'monday';
  const startWeekday = GRAPH_DAYS[date.weekday - 1];

  let type: RecurrencePatternType;
  let daysOfWeek: DayOfWeek[] = [];
  let index: WeekIndex = 'first';
  let dayOfMonth = 0;
  let month = 0;
  const relativeIndex = (): WeekIndex => {
    const pos = byDay!.ordinal ?? bySetPos;
    if (byDay!.ordinal && bySetPos) throw refuse('BYDAY ordinals together with BYSETPOS');
    const mapped = pos === null ? undefined : INDEX_BY_POS[String(Number(pos))];
    if (!mapped) throw refuse(`occurrence position ${pos ?? '(none)'}; Graph knows 1 to 4 and -1`);
    return mapped;
  };

  switch (freq) {
    case 'DAILY':
      if (byDay || byMonthDay || byMonth || bySetPos) throw refuse('DAILY with BY-parts');
      type = 'daily';
      break;
    case 'WEEKLY':
      if (byMonthDay || byMonth || bySetPos || byDay?.ordinal) throw refuse('WEEKLY with month parts or ordinals');
      type = 'weekly';
      daysOfWeek = byDay ? byDay.days : [startWeekday];
      break;
    case 'MONTHLY':
    case 'YEARLY': {
      if (byMonth && freq === 'MONTHLY') throw refuse('MONTHLY with BYMONTH');
      if (byDay && byMonthDay) throw refuse('BYDAY together with BYMONTHDAY');
      if (!byDay && bySetPos) throw refuse('BYSETPOS without BYDAY');
      if (byDay) {
        type = freq === 'MONTHLY' ? 'relativeMonthly' : 'relativeYearly';
        daysOfWeek = byDay.days;
        index = relativeIndex();
      } else {
        type = freq === 'MONTHLY' ? 'absoluteMonthly' : 'absoluteYearly';
        dayOfMonth = byMonthDay ?? date.day;
      }
      if (freq === 'YEARLY') month = byMonth ?? date.month;
      break;
    }
    default:
      throw refuse(`FREQ=${freq ?? '(none)'}`);
  }
  if (parts.has('COUNT') && parts.has('UNTIL')) throw refuse('COUNT together with UNTIL');
  const startDate = date.toISODate()!;
  const recurrenceTimeZone = start.allDay ? 'UTC' : graphZoneOf(zone);
  const range = parts.has('COUNT')
    ? { type: 'numbered' as const, startDate, numberOfOccurrences: positiveInt(parts.get('COUNT')!, 'COUNT', 999), recurrenceTimeZone }
    : parts.has('UNTIL')
      ? { type: 'endDate' as const, startDate, endDate: untilDate(parts.get('UNTIL')!, zone), recurrenceTimeZone }
      : { type: 'noEnd' as const, startDate, recurrenceTimeZone };
  if (range.type === 'endDate' && range.endDate < startDate) throw refuse('UNTIL before the start');
  return {
    pattern: { type, interval, month, dayOfMonth, daysOfWeek, firstDayOfWeek: type === 'weekly' ? wkst : 'sunday', index },
    range,
  };
}

/** Graph's patternedRecurrence of a series starting at `start`, as the model's canonical RRULE. */
export function recurrenceFromGraph(recurrence: PatternedRecurrence, start: EventTime): string {
  const pattern = recurrence.pattern ?? {};
  const range = recurrence.range ?? {};
  const interval = pattern.interval && pattern.interval > 1 ? [`INTERVAL=${pattern.interval}`] : [];
  const days = (pattern.daysOfWeek ?? []).map(rruleDay);
  const position = POS_BY_INDEX[pattern.index ?? 'first'] ?? '1';
  const relativeDays = days.length === 1 ? [`BYDAY=${position}${days[0]}`] : [`BYDAY=${days.join(',')}`, `BYSETPOS=${position}`];
  let parts: string[];
  switch (pattern.type) {
    case 'daily':
      parts = ['FREQ=DAILY', ...interval];
      break;
    case 'weekly': {
      const wkst = pattern.firstDayOfWeek && pattern.firstDayOfWeek !== 'monday' ? [`WKST=${rruleDay(pattern.firstDayOfWeek)}`] : [];
      parts = ['FREQ=WEEKLY', ...interval, `BYDAY=${days.join(',')}`, ...wkst];
      break;
    }
    case 'absoluteMonthly':
      parts = ['FREQ=MONTHLY', ...interval, `BYMONTHDAY=${pattern.dayOfMonth}`];
      break;
    case 'relativeMonthly':
      parts = ['FREQ=MONTHLY', ...interval, ...relativeDays];
      break;
    case 'absoluteYearly':
      parts = ['FREQ=YEARLY', ...interval, `BYMONTHDAY=${pattern.dayOfMonth}`, `BYMONTH=${pattern.month}`];
      break;
    case 'relativeYearly':
      parts = ['FREQ=YEARLY', ...interval, ...relativeDays.slice(0, 1), `BYMONTH=${pattern.month}`, ...relativeDays.slice(1)];
      break;
    default:
      throw new ProviderError('INVALID_REQUEST', `Unknown Graph recurrence pattern ${String(pattern.type)}`, { provider: 'microsoft' });
  }
  if (range.type === 'numbered') parts.push(`COUNT=${range.numberOfOccurrences}`);
  if (range.type === 'endDate' && range.endDate) parts.push(`UNTIL=${formatUntil(range.endDate, start, range.recurrenceTimeZone)}`);
  return parts.join(';');
}

/** RFC 5545: UNTIL is a DATE for all-day series, else the end of that local day in UTC. */
function formatUntil(endDate: string, start: EventTime, recurrenceTimeZone: string | null | undefined): string {
  if (start.allDay) return endDate.replace(/-/g, '');
  const zone = start.timeZone ?? ianaZoneOf(recurrenceTimeZone) ?? 'UTC';
  const endOfDay = DateTime.fromISO(`${endDate}T23:59:59`, { zone }).toUTC();
  return endOfDay.toFormat("yyyyMMdd'T'HHmmss'Z'");
}
