import { parseWallClock, WallClock } from './iso-datetime';

/** A checked RFC 5545 RECUR value, its parts upper-cased and in the order given. */
export interface RecurrenceRule {
  parts: Array<[name: string, value: string]>;
  freq: string;
  /** UNTIL as written; `utc` is true for a `…Z` date-time. */
  until?: { clock: WallClock; utc: boolean };
}

export const MAX_RRULE_LENGTH = 500;

const FREQS = new Set(['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);
const WEEKDAY = '(?:SU|MO|TU|WE|TH|FR|SA)';
const WEEKDAY_ONLY = new RegExp(`^${WEEKDAY}$`);
const BYDAY_ITEM = new RegExp(`^([+-]?(?:[1-9]|[1-4]\\d|5[0-3]))?${WEEKDAY}$`);
const UNTIL = /^\d{8}(?:T\d{6}Z?)?$/;
const POSITIVE = /^[1-9]\d{0,8}$/;

type PartCheck = (value: string) => boolean;

const listOf = (item: PartCheck): PartCheck => (value) => value.split(',').every(item);
const intIn = (min: number, max: number, signed: boolean): PartCheck => (value) => {
  if (!(signed ? /^[+-]?\d{1,3}$/ : /^\d{1,2}$/).test(value)) return false;
  const n = Math.abs(Number(value));
  return n >= min && n <= max;
};

const PART_CHECKS: Record<string, PartCheck> = {
  FREQ: (v) => FREQS.has(v),
  // Stryker disable next-line Regex: equivalent — UNTIL.test(v) has already allowed 'Z' only as the last character, so /Z/ and /Z$/ remove the same one.
  UNTIL: (v) => UNTIL.test(v) && parseWallClock(v.replace(/Z$/, '')) !== undefined,
  COUNT: (v) => POSITIVE.test(v),
  INTERVAL: (v) => POSITIVE.test(v),
  BYSECOND: listOf(intIn(0, 60, false)),
  BYMINUTE: listOf(intIn(0, 59, false)),
  BYHOUR: listOf(intIn(0, 23, false)),
  BYDAY: listOf((v) => BYDAY_ITEM.test(v)),
  BYMONTHDAY: listOf(intIn(1, 31, true)),
  BYYEARDAY: listOf(intIn(1, 366, true)),
  BYWEEKNO: listOf(intIn(1, 53, true)),
  BYMONTH: listOf(intIn(1, 12, false)),
  BYSETPOS: listOf(intIn(1, 366, true)),
  WKST: (v) => WEEKDAY_ONLY.test(v),
};

/**
 * Checks a recurrence rule such as `FREQ=WEEKLY;COUNT=5` (an optional `RRULE:` prefix is
 * allowed) against the RECUR grammar and the cross-part rules of RFC 5545 §3.3.10.
 * Returns undefined when it is not a rule every client can read.
 */
export function parseRecurrenceRule(text: string): RecurrenceRule | undefined {
  const body = text.trim().replace(/^RRULE:/i, '').toUpperCase();
  if (!body || body.length > MAX_RRULE_LENGTH) return undefined;
  const parts: Array<[string, string]> = [];
  for (const item of body.split(';')) {
    const [name, value, extra] = item.split('=');
    if (extra !== undefined || !value || !PART_CHECKS[name]?.(value)) return undefined;
    if (parts.some(([seen]) => seen === name)) return undefined;
    parts.push([name, value]);
  }
  const get = (name: string) => parts.find(([n]) => n === name)?.[1];
  const freq = get('FREQ');
  if (!freq || !crossPartRulesHold(freq, get)) return undefined;
  const until = get('UNTIL');
  return { parts, freq, ...(until ? { until: { clock: parseWallClock(until.replace(/Z$/, '')) as WallClock, utc: until.endsWith('Z') } } : {}) };
}

function crossPartRulesHold(freq: string, get: (name: string) => string | undefined): boolean {
  if (get('UNTIL') && get('COUNT')) return false;
  if (get('BYWEEKNO') && freq !== 'YEARLY') return false;
  if (get('BYYEARDAY') && ['DAILY', 'WEEKLY', 'MONTHLY'].includes(freq)) return false;
  if (get('BYMONTHDAY') && freq === 'WEEKLY') return false;
  const byDay = get('BYDAY');
  // Stryker disable next-line StringLiteral: equivalent — some list item holds a digit exactly when some character does, so split('') answers the same.
  const numberedDays = byDay?.split(',').some((d) => /\d/.test(d));
  if (numberedDays && !(freq === 'MONTHLY' || (freq === 'YEARLY' && !get('BYWEEKNO')))) return false;
  if (get('BYSETPOS') && !['BYSECOND', 'BYMINUTE', 'BYHOUR', 'BYDAY', 'BYMONTHDAY', 'BYYEARDAY', 'BYWEEKNO', 'BYMONTH'].some((n) => get(n))) return false;
  return true;
}

/** The rule as an RRULE value, with UNTIL replaced by `until` when given. */
export function formatRecurrenceRule(rule: RecurrenceRule, until?: string): string {
  return rule.parts.map(([name, value]) => `${name}=${name === 'UNTIL' && until ? until : value}`).join(';');
}
