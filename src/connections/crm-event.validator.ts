import { DateTime, IANAZone } from 'luxon';
import { DomainException } from '../common/errors/domain.exception';
import { ErrorCode, FieldError } from '../common/errors/error-codes';
import { type Fail, stringField } from '../common/errors/field-readers';
import type { CrmEventFields } from '../database/repositories/crm-events.repository';
import { instantOf } from '../sync/two-way-event';

export const CRM_EVENT_FIELDS = ['title', 'description', 'location', 'start', 'end', 'timeZone', 'allDay', 'recurrence'] as const;
/** POST only: make the event an exception (a modified occurrence) of one of the user's series. */
export const CRM_OCCURRENCE_FIELDS = ['recurringEventId', 'originalStart'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A POST's request to replace one occurrence of a series (checked against the series by the service). */
export interface CrmOccurrenceRequest {
  recurringEventId: string;
  originalStart: string;
}
export const CRM_EVENT_LIMITS = {
  title: 1024,
  description: 8192,
  location: 1024,
  time: 64,
  timeZone: 64,
  recurrenceLines: 20,
  recurrenceLine: 1000,
} as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Fixed-width pieces, no nested quantifiers: linear on any input (and inputs are length-checked first). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?$/;
const FREQS = ['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];
const RRULE_PART = /^[A-Z]{2,10}=[A-Za-z0-9,:+-]{1,200}$/;
const EXDATE_HEAD = /^EXDATE(?:;VALUE=DATE|;VALUE=DATE-TIME|;TZID=[A-Za-z0-9_/+-]{1,64})?$/i;
const EXDATE_VALUE = /^\d{8}(?:T\d{6}Z?)?$/;


/**
 * Checks a CRM event body (POST: whole; PATCH: the fields sent, merged over the stored event
 * and then checked as a whole) and reports every problem at once, each naming its field (400
 * in the CRM shape). Rules: title 1–1,024 characters; description up to 8,192; location up to
 * 1,024; `start`/`end` ISO 8601 (all-day: `YYYY-MM-DD` dates, end exclusive; timed: date-time
 * with or without offset, read in `timeZone`); `timeZone` an IANA name (default UTC); end after
 * start; `recurrence` up to 20 lines: one `RRULE:` line with FREQ, and `EXDATE` lines.
 */
export function validateCrmEvent(body: unknown, existing?: CrmEventFields): CrmEventFields & { occurrence: CrmOccurrenceRequest | null } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw validationFailed([{ field: 'body', message: 'request body must be a JSON object' }]);
  const input = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  const fail: Fail = (field, message) => errors.push({ field, message });
  for (const field of Object.keys(input)) {
    if ((CRM_OCCURRENCE_FIELDS as readonly string[]).includes(field)) {
      if (existing) fail(field, `${field} cannot be changed`);
    } else if (!(CRM_EVENT_FIELDS as readonly string[]).includes(field)) fail(field, `property ${field} should not exist`);
  }
  const has = (field: string) => Object.prototype.hasOwnProperty.call(input, field);

  const title = has('title') || !existing ? text(input, 'title', true, CRM_EVENT_LIMITS.title, fail) : existing.title;
  const description = has('description') ? optionalText(input, 'description', CRM_EVENT_LIMITS.description, fail) : (existing?.description ?? null);
  const location = has('location') ? optionalText(input, 'location', CRM_EVENT_LIMITS.location, fail) : (existing?.location ?? null);
  const timeZone = has('timeZone') ? zone(input, fail) : (existing?.timeZone ?? 'UTC');
  let allDay = existing?.allDay ?? false;
  if (has('allDay')) {
    if (typeof input.allDay !== 'boolean') fail('allDay', 'allDay must be a boolean');
    else allDay = input.allDay;
  }
  const start = has('start') || !existing ? text(input, 'start', true, CRM_EVENT_LIMITS.time, fail) : existing.start;
  const end = has('end') || !existing ? text(input, 'end', true, CRM_EVENT_LIMITS.time, fail) : existing.end;
  const recurrence = has('recurrence') ? recurrenceLines(input.recurrence, fail) : (existing?.recurrence ?? []);

  let startAt: Date | null = null;
  let endAt: Date | null = null;
  if (timeZone !== undefined) {
    startAt = time('start', start, allDay, timeZone, fail);
    endAt = time('end', end, allDay, timeZone, fail);
    if (startAt && endAt && endAt.getTime() <= startAt.getTime()) fail('end', allDay ? 'end must be a date after start (the end date is exclusive)' : 'end must be after start');
  }
  const occurrence = existing ? null : occurrenceRequest(input, fail);
  if (occurrence && recurrence && recurrence.length > 0) fail('recurrence', 'an exception (recurringEventId) is one occurrence: recurrence must be empty');
  if (errors.length > 0 || title === undefined || start === undefined || end === undefined || timeZone === undefined || !startAt || !endAt || recurrence === undefined || occurrence === undefined) {
    throw validationFailed(errors);
  }
  return { title, description, location, start, end, startAt, endAt, timeZone, allDay, recurrence, occurrence };
}

/** `recurringEventId` and `originalStart` come together (null: neither); undefined after a failure. */
function occurrenceRequest(input: Record<string, unknown>, fail: Fail): CrmOccurrenceRequest | null | undefined {
  const has = (field: string) => input[field] !== undefined && input[field] !== null;
  if (!has('recurringEventId') && !has('originalStart')) return null;
  const id = input.recurringEventId;
  const idOk = typeof id === 'string' && UUID.test(id);
  if (!idOk) fail('recurringEventId', has('recurringEventId') ? 'recurringEventId must be the id of one of your recurring events' : 'recurringEventId is required with originalStart');
  const original = has('originalStart') ? text(input, 'originalStart', true, CRM_EVENT_LIMITS.time, fail) : undefined;
  if (!has('originalStart')) fail('originalStart', 'originalStart is required with recurringEventId');
  return idOk && original !== undefined ? { recurringEventId: (id as string).toLowerCase(), originalStart: original } : undefined;
}

/**
 * PATCH, before the event is looked up: the body is an object of known fields with the right
 * types (a malformed body is 400 whether or not the event exists); the values are checked
 * against the stored event afterwards by validateCrmEvent.
 */
export function validateCrmEventShape(body: unknown): void {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw validationFailed([{ field: 'body', message: 'request body must be a JSON object' }]);
  const errors: FieldError[] = [];
  for (const [field, value] of Object.entries(body as Record<string, unknown>)) {
    if ((CRM_OCCURRENCE_FIELDS as readonly string[]).includes(field)) errors.push({ field, message: `${field} cannot be changed` });
    else if (!(CRM_EVENT_FIELDS as readonly string[]).includes(field)) errors.push({ field, message: `property ${field} should not exist` });
    else if (field === 'allDay' ? typeof value !== 'boolean' : field === 'recurrence' ? value !== null && !Array.isArray(value) : value !== null && typeof value !== 'string') {
      errors.push({ field, message: field === 'allDay' ? 'allDay must be a boolean' : field === 'recurrence' ? 'recurrence must be an array of RRULE/EXDATE lines' : `${field} must be a string` });
    }
  }
  if (errors.length > 0) throw validationFailed(errors);
}

export function validationFailed(errors: FieldError[]): DomainException {
  return new DomainException(ErrorCode.ValidationFailed, 'Validation failed', 400, errors);
}

function text(input: Record<string, unknown>, field: string, required: boolean, max: number, fail: Fail): string | undefined {
  const value = stringField(input, field, required, fail);
  if (value === undefined) return undefined;
  if (value.length > max) {
    fail(field, `${field} must be at most ${max} characters`);
    return undefined;
  }
  if (value.includes('\u0000')) {
    fail(field, `${field} must not contain NUL characters`);
    return undefined;
  }
  if (required && value.trim() === '') {
    fail(field, `${field} must not be empty`);
    return undefined;
  }
  return value;
}

function optionalText(input: Record<string, unknown>, field: string, max: number, fail: Fail): string | null {
  if (input[field] === null) return null;
  const value = text(input, field, false, max, fail);
  return value === undefined || value === '' ? null : value;
}

function zone(input: Record<string, unknown>, fail: Fail): string | undefined {
  const value = text(input, 'timeZone', true, CRM_EVENT_LIMITS.timeZone, fail);
  if (value === undefined) return undefined;
  if (/^[+-]/.test(value) || value.trim() !== value || !IANAZone.isValidZone(value)) {
    fail('timeZone', 'timeZone must be an IANA time zone name such as Europe/Berlin');
    return undefined;
  }
  return value;
}

function time(field: string, value: string | undefined, allDay: boolean, timeZone: string, fail: Fail): Date | null {
  if (value === undefined) return null;
  const shaped = allDay ? DATE.test(value) : DATE_TIME.test(value);
  const instant = shaped ? instantOf(value, timeZone, allDay) : null;
  if (!instant) {
    fail(field, allDay ? `${field} must be an ISO 8601 date (YYYY-MM-DD) for an all-day event` : `${field} must be an ISO 8601 date-time such as 2026-03-02T09:30:00 (offset optional)`);
    return null;
  }
  const year = DateTime.fromJSDate(instant).toUTC().year;
  if (year < 1900 || year > 2200) {
    fail(field, `${field} must be between the years 1900 and 2200`);
    return null;
  }
  return instant;
}

function recurrenceLines(value: unknown, fail: Fail): string[] | undefined {
  if (value === null) return [];
  if (!Array.isArray(value)) {
    fail('recurrence', 'recurrence must be an array of RRULE/EXDATE lines');
    return undefined;
  }
  if (value.length > CRM_EVENT_LIMITS.recurrenceLines) {
    fail('recurrence', `recurrence must have at most ${CRM_EVENT_LIMITS.recurrenceLines} lines`);
    return undefined;
  }
  const lines: string[] = [];
  let rules = 0;
  let exdates = 0;
  value.forEach((line: unknown, index) => {
    const field = `recurrence[${index}]`;
    if (typeof line !== 'string' || line.length === 0 || line.length > CRM_EVENT_LIMITS.recurrenceLine) {
      fail(field, `each line must be a string of 1 to ${CRM_EVENT_LIMITS.recurrenceLine} characters`);
      return;
    }
    const colon = line.indexOf(':');
    const head = colon < 0 ? line : line.slice(0, colon);
    const body = colon < 0 ? '' : line.slice(colon + 1);
    if (head.toUpperCase() === 'RRULE') {
      rules++;
      const parts = body.split(';');
      const problems = parts.filter((part) => !RRULE_PART.test(part));
      const freq = parts.find((part) => part.startsWith('FREQ='))?.slice(5);
      if (problems.length > 0 || !freq || !FREQS.includes(freq)) {
        fail(field, 'RRULE must be NAME=VALUE parts separated by ";" with a FREQ of ' + FREQS.join(', '));
        return;
      }
      lines.push(`RRULE:${body}`);
    } else if (EXDATE_HEAD.test(head)) {
      exdates++;
      const values = body.split(',');
      if (body === '' || values.length > 100 || values.some((item) => !EXDATE_VALUE.test(item))) {
        fail(field, 'EXDATE values must be dates (YYYYMMDD) or date-times (YYYYMMDDTHHMMSS, optionally Z), comma-separated');
        return;
      }
      lines.push(line);
    } else fail(field, 'each line must be an RRULE: or EXDATE line');
  });
  if (rules > 1) fail('recurrence', 'recurrence must have exactly one RRULE line');
  if (rules === 0 && exdates > 0) fail('recurrence', 'EXDATE lines need an RRULE line');
  return lines;
}
