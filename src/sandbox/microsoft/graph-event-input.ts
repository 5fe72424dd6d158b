import type { Attendee, Location, Recipient } from '@microsoft/microsoft-graph-types';
import { badRequest, invalidRequest } from './graph-errors';
import type { EventFields, ExtendedProperty, Mailbox } from './graph-model';
import { normalizeRecurrence } from './graph-recurrence';
import { toDateTime } from './graph-time';

const SHOW_AS = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'];
const SENSITIVITY = ['normal', 'personal', 'private', 'confidential'];
const IMPORTANCE = ['low', 'normal', 'high'];
const ATTENDEE_TYPES = ['required', 'optional', 'resource'];
const ONLINE_PROVIDERS = ['unknown', 'teamsForBusiness', 'skypeForBusiness', 'skypeForConsumer'];

/** Writable event properties; everything else in a request body is read-only or unknown. */
const WRITABLE = new Set([
  'subject', 'body', 'start', 'end', 'isAllDay', 'location', 'locations', 'showAs', 'sensitivity', 'importance',
  'categories', 'attendees', 'organizer', 'isReminderOn', 'reminderMinutesBeforeStart', 'responseRequested',
  'allowNewTimeProposals', 'hideAttendees', 'isOnlineMeeting', 'onlineMeetingProvider', 'recurrence',
  'transactionId', 'singleValueExtendedProperties', 'isCancelled',
]);

/** Read-only properties that clients commonly echo back; Graph ignores them on write. */
const IGNORED = new Set([
  'id', 'createdDateTime', 'lastModifiedDateTime', 'changeKey', 'iCalUId', 'type', 'seriesMasterId', 'originalStart',
  'originalStartTimeZone', 'originalEndTimeZone', 'bodyPreview', 'webLink', 'onlineMeetingUrl', 'onlineMeeting', 'hasAttachments',
  'isOrganizer', 'responseStatus', 'isDraft', 'cancelledOccurrences', 'occurrenceId', 'calendar', 'instances',
  'exceptionOccurrences', 'extensions', 'attachments', 'multiValueExtendedProperties',
]);

export interface EventInput {
  fields: Partial<EventFields>;
  transactionId?: string;
  extendedProperties?: ExtendedProperty[];
}

const readError = (message: string) => badRequest(message, 'RequestBodyRead');

function expectObject(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw readError(`Property '${name}' must be an object.`);
  return value as Record<string, unknown>;
}

function expectString(value: unknown, name: string): string {
  if (typeof value !== 'string') throw readError(`Cannot convert a primitive value to the expected type 'Edm.String' for property '${name}'.`);
  return value;
}

function expectBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw readError(`Cannot convert the literal '${String(value)}' to the expected type 'Edm.Boolean' for property '${name}'.`);
  return value;
}

function expectEnum(value: unknown, allowed: string[], name: string): string {
  const s = typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.toLowerCase()) : undefined;
  if (!s) throw readError(`Requested value '${String(value)}' was not found for property '${name}'.`);
  return s;
}

function parseDateTimeTimeZone(value: unknown, name: string): { dateTime: string; timeZone: string } {
  const obj = expectObject(value, name);
  const dateTime = expectString(obj.dateTime, `${name}.dateTime`);
  const timeZone = obj.timeZone === undefined || obj.timeZone === null ? 'UTC' : expectString(obj.timeZone, `${name}.timeZone`);
  const parsed = { dateTime, timeZone };
  toDateTime(parsed); // validates zone and literal
  return parsed;
}

function parseLocation(value: unknown): Location {
  const obj = expectObject(value, 'location');
  return {
    displayName: typeof obj.displayName === 'string' ? obj.displayName : '',
    locationType: typeof obj.locationType === 'string' ? (obj.locationType as Location['locationType']) : 'default',
    uniqueIdType: 'unknown',
    ...(obj.address ? { address: obj.address as Location['address'] } : {}),
    ...(obj.locationUri ? { locationUri: String(obj.locationUri) } : {}),
  };
}

function parseEmailAddress(value: unknown, name: string): { name: string; address: string } {
  const obj = expectObject(value, name);
  const address = expectString(obj.address ?? '', `${name}.address`);
  return { name: typeof obj.name === 'string' ? obj.name : address, address };
}

function parseAttendees(value: unknown): Attendee[] {
  if (!Array.isArray(value)) throw readError("Property 'attendees' must be an array.");
  return value.map((a, i) => {
    const obj = expectObject(a, `attendees[${i}]`);
    return {
      type: obj.type === undefined ? 'required' : (expectEnum(obj.type, ATTENDEE_TYPES, 'attendees.type') as Attendee['type']),
      status: { response: 'none', time: '0001-01-01T00:00:00Z' },
      emailAddress: parseEmailAddress(obj.emailAddress, `attendees[${i}].emailAddress`),
    };
  });
}

function parseExtendedProperties(value: unknown): ExtendedProperty[] {
  if (!Array.isArray(value)) throw readError("Property 'singleValueExtendedProperties' must be an array.");
  return value.map((p, i) => {
    const obj = expectObject(p, `singleValueExtendedProperties[${i}]`);
    return { id: canonicalPropertyId(expectString(obj.id, 'id')), value: expectString(obj.value, 'value') };
  });
}

/**
 * Extended property ids: "{type} {guid} Name {name}", "{type} {guid} Id {0x..}" or
 * "{type} 0x{tag}". Graph returns the GUID in lower case.
 */
export function canonicalPropertyId(id: string): string {
  const named = /^(\w+)\s+\{([0-9a-fA-F-]{36})\}\s+(Name|Id)\s+(.+)$/i.exec(id.trim());
  if (named) return `${named[1][0].toUpperCase()}${named[1].slice(1).toLowerCase()} {${named[2].toLowerCase()}} ${named[3][0].toUpperCase()}${named[3].slice(1).toLowerCase()} ${named[4]}`;
  const tagged = /^(\w+)\s+(0x[0-9a-fA-F]+)$/.exec(id.trim());
  if (tagged) return `${tagged[1][0].toUpperCase()}${tagged[1].slice(1).toLowerCase()} ${tagged[2].toLowerCase()}`;
  throw badRequest(`The extended property id '${id}' is not valid.`, 'ErrorInvalidProperty');
}

type FieldParser = (value: unknown, mailbox: Mailbox, out: Partial<EventFields>) => void;

const PARSERS: Record<string, FieldParser> = {
  subject: (v, _m, o) => void (o.subject = v === null ? '' : expectString(v, 'subject')),
  body: (v, _m, o) => {
    const obj = expectObject(v, 'body');
    const contentType = obj.contentType === undefined ? 'text' : (expectEnum(obj.contentType, ['text', 'html'], 'body.contentType') as 'text' | 'html');
    o.body = { contentType, content: obj.content === null || obj.content === undefined ? '' : expectString(obj.content, 'body.content') };
  },
  start: (v, _m, o) => void (o.start = parseDateTimeTimeZone(v, 'start')),
  end: (v, _m, o) => void (o.end = parseDateTimeTimeZone(v, 'end')),
  isAllDay: (v, _m, o) => void (o.isAllDay = expectBoolean(v, 'isAllDay')),
  location: (v, _m, o) => void (o.location = parseLocation(v)),
  locations: (v, _m, o) => void (o.locations = Array.isArray(v) ? v.map(parseLocation) : []),
  showAs: (v, _m, o) => void (o.showAs = expectEnum(v, SHOW_AS, 'showAs') as EventFields['showAs']),
  sensitivity: (v, _m, o) => void (o.sensitivity = expectEnum(v, SENSITIVITY, 'sensitivity') as EventFields['sensitivity']),
  importance: (v, _m, o) => void (o.importance = expectEnum(v, IMPORTANCE, 'importance') as EventFields['importance']),
  isCancelled: (v, _m, o) => void (o.isCancelled = expectBoolean(v, 'isCancelled')),
  categories: (v, _m, o) => {
    if (!Array.isArray(v)) throw readError("Property 'categories' must be an array.");
    o.categories = v.map((c) => expectString(c, 'categories'));
  },
  attendees: (v, _m, o) => void (o.attendees = parseAttendees(v)),
  organizer: (v, _m, o) => void (o.organizer = { emailAddress: parseEmailAddress(expectObject(v, 'organizer').emailAddress, 'organizer.emailAddress') } as Recipient),
  isReminderOn: (v, _m, o) => void (o.isReminderOn = expectBoolean(v, 'isReminderOn')),
  reminderMinutesBeforeStart: (v, _m, o) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw readError("Property 'reminderMinutesBeforeStart' must be an integer.");
    o.reminderMinutesBeforeStart = v;
  },
  responseRequested: (v, _m, o) => void (o.responseRequested = expectBoolean(v, 'responseRequested')),
  allowNewTimeProposals: (v, _m, o) => void (o.allowNewTimeProposals = expectBoolean(v, 'allowNewTimeProposals')),
  hideAttendees: (v, _m, o) => void (o.hideAttendees = expectBoolean(v, 'hideAttendees')),
  isOnlineMeeting: (v, _m, o) => void (o.isOnlineMeeting = expectBoolean(v, 'isOnlineMeeting')),
  onlineMeetingProvider: (v, _m, o) => void (o.onlineMeetingProvider = expectEnum(v, ONLINE_PROVIDERS, 'onlineMeetingProvider')),
  recurrence: (v, m, o) => {
    // The recurrence zone defaults to the start's zone, which may arrive in the same body.
    o.recurrence = v === null ? null : normalizeRecurrence(v, o.start?.timeZone ?? m.timeZone);
  },
};

/** Parses a POST/PATCH body into event fields, rejecting unknown properties like Graph. */
export function parseEventInput(body: unknown, mailbox: Mailbox): EventInput {
  const obj = expectObject(body ?? {}, 'event');
  const out: EventInput = { fields: {} };
  // start before recurrence so the recurrence zone can default to it.
  const keys = Object.keys(obj).sort((a, b) => (a === 'recurrence' ? 1 : 0) - (b === 'recurrence' ? 1 : 0));
  for (const key of keys) {
    if (key.startsWith('@odata.') || key.includes('@odata.')) continue;
    if (IGNORED.has(key)) continue;
    if (!WRITABLE.has(key)) {
      throw readError(`The property '${key}' does not exist on type 'microsoft.graph.event'. Make sure to only use property names that are defined by the type or mark the type as open type.`);
    }
    const value = obj[key];
    if (key === 'transactionId') {
      if (value !== null) out.transactionId = expectString(value, 'transactionId');
    } else if (key === 'singleValueExtendedProperties') {
      out.extendedProperties = parseExtendedProperties(value);
    } else {
      PARSERS[key](value, mailbox, out.fields);
    }
  }
  return out;
}

export function defaultFields(mailbox: Mailbox): EventFields {
  return {
    subject: '',
    body: { contentType: 'html', content: '' },
    start: { dateTime: '', timeZone: 'UTC' },
    end: { dateTime: '', timeZone: 'UTC' },
    isAllDay: false,
    location: { displayName: '', locationType: 'default', uniqueIdType: 'unknown' },
    locations: [],
    showAs: 'busy',
    sensitivity: 'normal',
    importance: 'normal',
    isCancelled: false,
    categories: [],
    attendees: [],
    organizer: { emailAddress: { name: mailbox.displayName, address: mailbox.email } },
    isReminderOn: true,
    reminderMinutesBeforeStart: 15,
    responseRequested: true,
    allowNewTimeProposals: true,
    hideAttendees: false,
    isOnlineMeeting: false,
    onlineMeetingProvider: 'unknown',
    recurrence: null,
  };
}

/** Cross-field rules checked after a create or a merge. */
export function validateFields(fields: EventFields): void {
  if (!fields.start.dateTime || !fields.end.dateTime) throw invalidRequest('An event requires both start and end.');
  const start = toDateTime(fields.start);
  const end = toDateTime(fields.end);
  if (end < start) throw invalidRequest('The end date you entered occurs before the start date.');
  if (fields.isAllDay) {
    const midnight = (d: typeof start) => d.hour === 0 && d.minute === 0 && d.second === 0 && d.millisecond === 0;
    if (!midnight(start) || !midnight(end) || end <= start) {
      throw badRequest("Your request can't be completed. If 'IsAllDay' is true, 'StartDate' and 'EndDate' must be specified as midnight, and 'EndDate' must be after 'StartDate'.", 'ErrorPropertyValidationFailure');
    }
  }
}

/** Sets or replaces extended properties by id, as PATCH does (others are kept). */
export function mergeExtendedProperties(current: ExtendedProperty[], updates: ExtendedProperty[]): ExtendedProperty[] {
  const out = current.map((p) => ({ ...p }));
  for (const update of updates) {
    const existing = out.find((p) => p.id.toLowerCase() === update.id.toLowerCase());
    if (existing) existing.value = update.value;
    else out.push({ ...update });
  }
  return out;
}
