import { errors } from './google-errors';
import type { Calendar, EventResource } from './google-types';

/**
 * Write rules of `eventType`, from the Events resource reference ("This cannot be modified
 * after the event is created"; "fromGmail ... This type of event cannot be created",
 * https://developers.google.com/calendar/api/v3/reference/events) and the event types guide
 * (https://developers.google.com/calendar/api/guides/event-types).
 */
interface EventTypeRule {
  /** Whether events.insert may create it. */
  creatable: boolean;
  /** Only on the user's primary calendar. */
  primaryOnly: boolean;
  /** Extra shape the guide requires when creating one. */
  check?: (event: EventResource) => string | undefined;
}

const RULES: Readonly<Record<string, EventTypeRule>> = {
  default: { creatable: true, primaryOnly: false },
  birthday: { creatable: true, primaryOnly: false, check: birthdayShape },
  focusTime: { creatable: true, primaryOnly: true },
  outOfOffice: { creatable: true, primaryOnly: true },
  workingLocation: { creatable: true, primaryOnly: true },
  fromGmail: { creatable: false, primaryOnly: false },
};

/** An unset eventType means 'default', on create and on update alike (event types guide). */
export function requestedEventType(fields: EventResource): string {
  return fields.eventType ?? 'default';
}

/** `seeding` (control API) may create any known type, e.g. fromGmail events a driver must read. */
export function checkEventTypeOnCreate(calendar: Calendar, fields: EventResource, seeding = false): string {
  const type = requestedEventType(fields);
  const rule = RULES[type];
  if (!rule) throw errors.invalid(`Invalid value for: eventType`);
  if (seeding) return type;
  if (!rule.creatable) throw errors.invalid(`Events of type '${type}' cannot be created.`);
  if (rule.primaryOnly && !calendar.primary) throw errors.invalid(`Events of type '${type}' can only be created on the primary calendar.`);
  const problem = rule.check?.(fields);
  if (problem) throw errors.invalid(problem);
  return type;
}

/** update and patch keep the type: a different (or, on update, omitted non-default) type is refused. */
export function checkEventTypeUnchanged(current: EventResource, fields: EventResource): string {
  const before = current.eventType ?? 'default';
  const after = requestedEventType(fields);
  if (after !== before) throw errors.invalid(`The event type cannot be changed from '${before}' to '${after}'.`);
  return before;
}

/** Birthdays are single-day all-day events recurring yearly. */
function birthdayShape(event: EventResource): string | undefined {
  const start = event.start?.date;
  const end = event.end?.date;
  const oneDay = start && end && Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`) === 86_400_000;
  const yearly = (event.recurrence ?? []).some((line) => line.startsWith('RRULE:') && line.slice(6).split(';').includes('FREQ=YEARLY'));
  return oneDay && yearly ? undefined : 'A birthday event must be a one-day all-day event with a yearly recurrence.';
}
