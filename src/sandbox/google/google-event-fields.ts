import { errors } from './google-errors';
import type { EventDateTime, EventResource } from './google-types';
import { eventTimeMs, formatInZone, hasOffset, isDateOnly, isLocalDateTime, isValidZone } from './google-time';
import { RecurrenceError, validateRecurrence } from './google-recurrence';
import { limitExtendedProperties } from './google-extended-properties';

/** Fields a client may write; everything else (id, etag, created, …) is server-owned. */
export const WRITABLE_FIELDS = [
  'summary',
  'description',
  'location',
  'colorId',
  'start',
  'end',
  'endTimeUnspecified',
  'recurrence',
  'extendedProperties',
  'transparency',
  'visibility',
  'attendees',
  'reminders',
  'status',
  'source',
  'guestsCanInviteOthers',
  'guestsCanModify',
  'guestsCanSeeOtherGuests',
  'anyoneCanAddSelf',
  'conferenceData',
  'attachments',
  'eventType',
  'sequence',
] as const;

type Writable = Partial<Pick<EventResource, (typeof WRITABLE_FIELDS)[number]>>;

export function pickWritable(input: Record<string, unknown>): Writable {
  const out: Record<string, unknown> = {};
  for (const key of WRITABLE_FIELDS) if (key in input) out[key] = input[key];
  return out as Writable;
}

/** Google's patch semantics: objects merge recursively, arrays replace, null clears. */
export function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key]) && key !== 'start' && key !== 'end') {
      out[key] = mergePatch(out[key] as Record<string, unknown>, value);
    } else out[key] = value;
  }
  return out;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates the complete writable state of an event the way events.insert/update do,
 * and returns it with start/end normalised to Google's rendering.
 */
export function validateEventFields(fields: Writable, calendarTz: string): Writable {
  if (!fields.start) throw errors.required('Missing start time.', 'start');
  if (!fields.end) throw errors.required('Missing end time.', 'end');
  const recurring = Array.isArray(fields.recurrence) && fields.recurrence.length > 0;
  const start = normaliseTime(fields.start, 'start', calendarTz, recurring);
  const end = normaliseTime(fields.end, 'end', calendarTz, recurring);
  if (Boolean(start.date) !== Boolean(end.date)) {
    throw errors.invalid('Start and end times must either both be date or both be dateTime.');
  }
  if (eventTimeMs(end, calendarTz) < eventTimeMs(start, calendarTz) || (start.date && start.date === end.date)) {
    throw errors.timeRangeEmpty('end');
  }
  if (fields.recurrence !== undefined) validateRecurrenceField(fields.recurrence);
  validateEnums(fields);
  const extendedProperties = limitExtendedProperties(fields.extendedProperties);
  return { ...fields, start, end, ...(extendedProperties ? { extendedProperties } : {}) };
}

function normaliseTime(value: unknown, which: string, calendarTz: string, recurring: boolean): EventDateTime {
  if (!isPlainObject(value)) throw errors.invalid(`Invalid ${which} time.`, which);
  const dt = value as EventDateTime;
  if (dt.timeZone && !isValidZone(dt.timeZone)) throw errors.invalid(`Invalid time zone definition for ${which} time.`);
  if (dt.date && dt.dateTime) throw errors.invalid(`Invalid ${which} time.`);
  if (dt.date) {
    if (!isDateOnly(dt.date)) throw errors.invalid(`Invalid ${which} time.`);
    return { date: dt.date };
  }
  if (!dt.dateTime) throw errors.required(`Missing ${which} time.`, which);
  if (!hasOffset(dt.dateTime) && !(isLocalDateTime(dt.dateTime) && dt.timeZone)) {
    throw errors.invalid(`Missing time zone definition for ${which} time.`);
  }
  // Google refuses recurring timed events without a zone: the rule needs wall-clock time.
  if (recurring && !dt.timeZone) throw errors.invalid(`Missing time zone definition for ${which} time.`);
  const ms = eventTimeMs(dt, calendarTz);
  if (!Number.isFinite(ms)) throw errors.invalid(`Invalid ${which} time.`);
  const rendered = formatInZone(ms, dt.timeZone ?? calendarTz);
  return dt.timeZone ? { dateTime: rendered, timeZone: dt.timeZone } : { dateTime: rendered };
}

function validateRecurrenceField(recurrence: unknown): void {
  if (!Array.isArray(recurrence) || recurrence.some((l) => typeof l !== 'string')) {
    throw errors.invalid('Invalid recurrence rule.');
  }
  if (recurrence.length === 0) return;
  try {
    validateRecurrence(recurrence as string[]);
  } catch (err) {
    if (err instanceof RecurrenceError) throw errors.invalid(err.message);
    throw err;
  }
}

function validateEnums(fields: Writable): void {
  const allowed: Record<string, string[]> = {
    status: ['confirmed', 'tentative', 'cancelled'],
    transparency: ['opaque', 'transparent'],
    visibility: ['default', 'public', 'private', 'confidential'],
  };
  for (const [key, values] of Object.entries(allowed)) {
    const v = (fields as Record<string, unknown>)[key];
    if (v !== undefined && (typeof v !== 'string' || !values.includes(v))) {
      throw errors.invalid(`Invalid value for: ${key}`);
    }
  }
  if (fields.summary !== undefined && fields.summary !== null && typeof fields.summary !== 'string') {
    throw errors.invalid('Invalid value for: summary');
  }
  if (fields.attendees !== undefined && !Array.isArray(fields.attendees)) {
    throw errors.invalid('Invalid value for: attendees');
  }
}
