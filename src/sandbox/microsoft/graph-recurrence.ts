import { DateTime } from 'luxon';
import type { DayOfWeek, PatternedRecurrence } from '@microsoft/microsoft-graph-types';
import { badRequest } from './graph-errors';
import { resolveTimeZone } from './windows-time-zones';

const PATTERN_TYPES = ['daily', 'weekly', 'absoluteMonthly', 'relativeMonthly', 'absoluteYearly', 'relativeYearly'] as const;
const RANGE_TYPES = ['endDate', 'noEnd', 'numbered'] as const;
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const INDEXES = ['first', 'second', 'third', 'fourth', 'last'] as const;
type Day = (typeof DAYS)[number];

/** Hard stop so that a noEnd daily series cannot spin forever. */
const MAX_OCCURRENCES = 5000;

const recurrenceError = (message: string) => badRequest(message, 'ErrorInvalidRecurrence');

function isDateString(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value).isValid;
}

function dayNumber(day: string): number {
  return DAYS.indexOf(day as Day) + 1; // luxon: monday = 1
}

/**
 * Validates a patternedRecurrence and returns it in the normalised form Graph echoes
 * back (every pattern/range member present, defaults filled in).
 */
export function normalizeRecurrence(input: unknown, defaultTimeZone: string): PatternedRecurrence {
  if (typeof input !== 'object' || input === null) throw recurrenceError('Recurrence must be an object with pattern and range.');
  const { pattern, range } = input as { pattern?: Record<string, unknown>; range?: Record<string, unknown> };
  if (!pattern || !range) throw recurrenceError('Recurrence requires both pattern and range.');
  const type = pattern.type as (typeof PATTERN_TYPES)[number];
  if (!PATTERN_TYPES.includes(type)) throw recurrenceError(`Recurrence pattern type '${String(pattern.type)}' is invalid.`);
  const interval = pattern.interval === undefined ? 1 : Number(pattern.interval);
  if (!Number.isInteger(interval) || interval < 1 || interval > 99) throw recurrenceError('Recurrence pattern interval must be between 1 and 99.');
  const daysOfWeek = Array.isArray(pattern.daysOfWeek) ? (pattern.daysOfWeek as unknown[]).map((d) => String(d).toLowerCase()) : [];
  if (daysOfWeek.some((d) => !DAYS.includes(d as Day))) throw recurrenceError('Recurrence pattern daysOfWeek contains an invalid day.');
  if ((type === 'weekly' || type.startsWith('relative')) && daysOfWeek.length === 0) throw recurrenceError(`Recurrence pattern '${type}' requires daysOfWeek.`);
  const dayOfMonth = Number(pattern.dayOfMonth ?? 0);
  if (type.startsWith('absolute') && (!Number.isInteger(dayOfMonth) || dayOfMonth < 1 || dayOfMonth > 31)) throw recurrenceError(`Recurrence pattern '${type}' requires dayOfMonth between 1 and 31.`);
  const month = Number(pattern.month ?? 0);
  if (type.endsWith('Yearly') && (!Number.isInteger(month) || month < 1 || month > 12)) throw recurrenceError(`Recurrence pattern '${type}' requires month between 1 and 12.`);
  const index = String(pattern.index ?? 'first');
  if (!INDEXES.includes(index as (typeof INDEXES)[number])) throw recurrenceError(`Recurrence pattern index '${index}' is invalid.`);
  const firstDayOfWeek = String(pattern.firstDayOfWeek ?? 'sunday').toLowerCase();
  if (!DAYS.includes(firstDayOfWeek as Day)) throw recurrenceError('Recurrence pattern firstDayOfWeek is invalid.');

  const rangeType = range.type as (typeof RANGE_TYPES)[number];
  if (!RANGE_TYPES.includes(rangeType)) throw recurrenceError(`Recurrence range type '${String(range.type)}' is invalid.`);
  if (!isDateString(range.startDate)) throw recurrenceError('Recurrence range startDate must be a date (yyyy-MM-dd).');
  if (rangeType === 'endDate' && !isDateString(range.endDate)) throw recurrenceError("Recurrence range of type 'endDate' requires endDate.");
  if (rangeType === 'endDate' && String(range.endDate) < String(range.startDate)) throw recurrenceError('Recurrence range endDate is before startDate.');
  const numberOfOccurrences = Number(range.numberOfOccurrences ?? 0);
  if (rangeType === 'numbered' && (!Number.isInteger(numberOfOccurrences) || numberOfOccurrences < 1)) throw recurrenceError("Recurrence range of type 'numbered' requires numberOfOccurrences > 0.");

  return {
    pattern: {
      type,
      interval,
      month: type.endsWith('Yearly') ? month : 0,
      dayOfMonth: type.startsWith('absolute') ? dayOfMonth : 0,
      daysOfWeek: daysOfWeek as DayOfWeek[],
      firstDayOfWeek: firstDayOfWeek as Day,
      index: index as (typeof INDEXES)[number],
    },
    range: {
      type: rangeType,
      startDate: String(range.startDate),
      endDate: rangeType === 'endDate' ? String(range.endDate) : '0001-01-01',
      recurrenceTimeZone: recurrenceZone(range.recurrenceTimeZone, defaultTimeZone),
      numberOfOccurrences: rangeType === 'numbered' ? numberOfOccurrences : 0,
    },
  };
}

/** Candidate dates of one period (a day, a week, a month, a year), in order. */
function* periodDates(rec: PatternedRecurrence, start: DateTime): Generator<DateTime> {
  const p = rec.pattern!;
  const interval = p.interval ?? 1;
  const days = (p.daysOfWeek ?? []).map((d) => dayNumber(d));
  for (let k = 0; k < 100000; k++) {
    switch (p.type) {
      case 'daily':
        yield start.plus({ days: k * interval });
        break;
      case 'weekly': {
        const first = dayNumber(p.firstDayOfWeek ?? 'sunday');
        const back = (start.weekday - first + 7) % 7;
        const weekStart = start.minus({ days: back }).plus({ weeks: k * interval });
        const offsets = days.map((d) => (d - first + 7) % 7).sort((a, b) => a - b);
        for (const offset of offsets) yield weekStart.plus({ days: offset });
        break;
      }
      case 'absoluteMonthly': {
        const month = start.startOf('month').plus({ months: k * interval });
        yield month.set({ day: Math.min(p.dayOfMonth ?? 1, month.daysInMonth ?? 28) });
        break;
      }
      case 'relativeMonthly':
        yield relativeDay(start.startOf('month').plus({ months: k * interval }), days, p.index ?? 'first');
        break;
      case 'absoluteYearly': {
        const month = start.startOf('year').plus({ years: k * interval }).set({ month: p.month ?? 1 });
        yield month.set({ day: Math.min(p.dayOfMonth ?? 1, month.daysInMonth ?? 28) });
        break;
      }
      case 'relativeYearly':
        yield relativeDay(start.startOf('year').plus({ years: k * interval }).set({ month: p.month ?? 1 }), days, p.index ?? 'first');
        break;
      default:
        return;
    }
  }
}

/** "The second Tuesday" style day of a month; several days mean "the nth of any of them". */
function relativeDay(monthStart: DateTime, days: number[], index: string): DateTime {
  const matches: DateTime[] = [];
  for (let d = monthStart; d.month === monthStart.month; d = d.plus({ days: 1 })) {
    if (days.includes(d.weekday)) matches.push(d);
  }
  if (index === 'last') return matches[matches.length - 1];
  return matches[Math.min(INDEXES.indexOf(index as (typeof INDEXES)[number]), matches.length - 1)];
}

/**
 * Local dates (start of day in `zone`) on which the series occurs, in order, up to and
 * including `untilDate`. Counting for numbered ranges always starts at the range start,
 * which is why the expansion never skips ahead to a window.
 */
export function occurrenceDates(rec: PatternedRecurrence, zone: string, untilDate: string): DateTime[] {
  const range = rec.range!;
  const start = DateTime.fromISO(range.startDate!, { zone });
  const endDate = range.type === 'endDate' ? range.endDate! : undefined;
  const limit = range.type === 'numbered' ? range.numberOfOccurrences ?? 0 : MAX_OCCURRENCES;
  const out: DateTime[] = [];
  let last = '';
  for (const date of periodDates(rec, start)) {
    const key = date.toFormat('yyyy-MM-dd');
    if (key < range.startDate!) continue;
    if ((endDate && key > endDate) || key > untilDate || out.length >= Math.min(limit, MAX_OCCURRENCES)) break;
    if (key === last) continue; // clamped month days can repeat
    last = key;
    out.push(date);
  }
  return out;
}

/** recurrenceTimeZone follows the same rule as dateTimeTimeZone.timeZone: a zone Exchange knows. */
function recurrenceZone(value: unknown, fallback: string): string {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string' || !resolveTimeZone(value)) {
    throw badRequest(`A valid TimeZone value must be specified. The following TimeZone value is not supported: '${String(value)}'.`, 'TimeZoneNotSupportedException');
  }
  return value;
}
