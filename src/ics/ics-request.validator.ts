import { icsError, IcsErrorKey } from './ics-error-codes';
import { ICS_FIELDS, IcsEventRequest, KNOWN_FIELDS, LIMITS } from './ics-request';
import { parseWallClock, WallClock } from './iso-datetime';
import { parsePerson, Person } from './person';
import { parseRecurrenceRule, RecurrenceRule } from './rrule';
import { findTimeZone } from './wall-clock';

type Input = Record<string, unknown>;

interface TextRule {
  field: string;
  max: number;
  missing: IcsErrorKey;
  empty: IcsErrorKey;
  type: IcsErrorKey;
  tooLong: IcsErrorKey;
}

/**
 * Field prefixes with all four codes (`titleMissing`, `titleEmpty`, `titleType`,
 * `titleTooLong`): a rule naming a code that does not exist no longer compiles (a missing
 * `actionTooLong` once turned a 65-character action into a 500).
 */
type RulePrefix = {
  [K in IcsErrorKey]: K extends `${infer P}Missing` ? (`${P}Empty` | `${P}Type` | `${P}TooLong` extends IcsErrorKey ? P : never) : never;
}[IcsErrorKey];

const rule = <P extends RulePrefix>(field: string, max: number, prefix: P): TextRule => ({
  field,
  max,
  missing: `${prefix}Missing`,
  empty: `${prefix}Empty`,
  type: `${prefix}Type`,
  tooLong: `${prefix}TooLong`,
});

const RULES = {
  action: rule(ICS_FIELDS.action, 64, 'action'),
  title: rule(ICS_FIELDS.title, LIMITS.title, 'title'),
  description: rule(ICS_FIELDS.description, LIMITS.description, 'description'),
  location: rule(ICS_FIELDS.location, LIMITS.location, 'location'),
  start: rule(ICS_FIELDS.start, LIMITS.dateTime, 'start'),
  end: rule(ICS_FIELDS.end, LIMITS.dateTime, 'end'),
  timezone: rule(ICS_FIELDS.timezone, LIMITS.timezone, 'timezone'),
};

const SUPPORTED_ACTION = 'createcalendar';
// iCalendar TEXT may not hold control characters other than tab and line breaks (which are
// escaped), so the rest are dropped rather than refused: they are invisible anyway.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
// A lone surrogate (legal in JSON's \u escapes) has no UTF-8 form.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Checks a Create Calendar request and reports the first problem with its own E17xx code:
 * shape, unknown fields, action, then each field in wire order, then the optional fields.
 */
export function validateIcsRequest(body: unknown): IcsEventRequest {
  const input = requireObject(body);
  rejectUnknownFields(input);
  checkAction(input);
  const title = requiredText(input, RULES.title);
  const description = requiredText(input, RULES.description);
  const location = requiredText(input, RULES.location);
  const start = requiredDateTime(input, RULES.start, 'startInvalid');
  const end = requiredDateTime(input, RULES.end, 'endInvalid');
  const timezone = requiredTimeZone(input);
  const allDay = optionalBoolean(input[ICS_FIELDS.allDay]);
  return {
    title,
    description,
    location,
    start,
    end,
    timezone,
    allDay,
    ...optionalFields(input),
  };
}

function requireObject(body: unknown): Input {
  // typeof is 'object' for null (and for arrays), not for undefined.
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw icsError('bodyNotObject');
  return body as Input;
}

function rejectUnknownFields(input: Input): void {
  const unknown = Object.keys(input).find((key) => !KNOWN_FIELDS.has(key));
  if (unknown !== undefined) throw icsError('unknownField', `Unknown field '${truncate(unknown, 64)}'.`);
}

function checkAction(input: Input): void {
  const action = requiredText(input, RULES.action);
  if (action.toLowerCase() !== SUPPORTED_ACTION) throw icsError('actionUnknown', `Unknown action '${truncate(action, 64)}': the only supported action is "createcalendar".`);
}

/** A mandatory string: absent or null is "missing", whitespace-only is "empty". */
function requiredText(input: Input, textRule: TextRule): string {
  const value = input[textRule.field];
  if (value === undefined || value === null) throw icsError(textRule.missing);
  if (typeof value !== 'string') throw icsError(textRule.type);
  const text = cleanText(value);
  if (text === '') throw icsError(textRule.empty);
  if (text.length > textRule.max) throw icsError(textRule.tooLong);
  return text;
}

function requiredDateTime(input: Input, textRule: TextRule, invalid: IcsErrorKey): WallClock {
  const clock = parseWallClock(requiredText(input, textRule));
  if (!clock) throw icsError(invalid);
  return clock;
}

function requiredTimeZone(input: Input) {
  const name = requiredText(input, RULES.timezone);
  const zone = findTimeZone(name);
  if (!zone) throw icsError('timezoneUnknown', `Unknown time zone '${truncate(name, 64)}': use a tz database name such as America/New_York.`);
  return zone;
}

function optionalBoolean(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw icsError('allDayType');
  return value;
}

function optionalFields(input: Input): Pick<IcsEventRequest, 'url' | 'organizer' | 'alarmMinutes' | 'rrule' | 'attendees'> {
  const url = optionalUrl(input[ICS_FIELDS.url]);
  const organizer = optionalOrganizer(input[ICS_FIELDS.organizer]);
  const alarmMinutes = optionalAlarm(input[ICS_FIELDS.alarmMinutes]);
  const rrule = optionalRrule(input[ICS_FIELDS.rrule]);
  const attendees = optionalAttendees(input[ICS_FIELDS.attendees]);
  return {
    ...(url !== undefined ? { url } : {}),
    ...(organizer ? { organizer } : {}),
    ...(alarmMinutes !== undefined ? { alarmMinutes } : {}),
    ...(rrule ? { rrule } : {}),
    attendees,
  };
}

/** Optional text: absent, null or blank all mean "not given" (handy for link templates). */
function optionalText(value: unknown, typeError: IcsErrorKey): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw icsError(typeError);
  return value.trim() || undefined;
}

function optionalUrl(value: unknown): string | undefined {
  const text = optionalText(value, 'urlType');
  if (text === undefined) return undefined;
  if (text.length > LIMITS.url || !URL.canParse(text)) throw icsError('urlInvalid');
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw icsError('urlInvalid');
  // The WHATWG serialisation has no spaces, quotes or control characters: safe as a URI value.
  return url.href;
}

function optionalOrganizer(value: unknown): Person | undefined {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return organizerFromObject(value as Input);
  const text = optionalText(value, 'organizerType');
  if (text === undefined) return undefined;
  if (text.length > LIMITS.person) throw icsError('organizerTooLong');
  const person = parsePerson(text);
  if (!person) throw icsError('organizerInvalid');
  return person;
}

function organizerFromObject(value: Input): Person {
  const { email, name, ...rest } = value;
  if (Object.keys(rest).length > 0 || typeof email !== 'string' || (name !== undefined && name !== null && typeof name !== 'string')) {
    throw icsError('organizerType');
  }
  // The limit applies to the text parsed, as for the string form: "Name <e-mail>" is 3 longer than its parts.
  const text = typeof name === 'string' && name.trim() ? `${name} <${email}>` : email;
  if (text.length > LIMITS.person) throw icsError('organizerTooLong');
  const person = parsePerson(text);
  if (!person) throw icsError('organizerInvalid');
  return person;
}

function optionalAlarm(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  // Stryker disable next-line ConditionalExpression: equivalent — Number.isInteger is false for every non-number, so dropping the typeof test (kept for the type narrowing) throws the same E1754.
  if (typeof value !== 'number' || !Number.isInteger(value)) throw icsError('alarmType');
  if (value < 0 || value > LIMITS.alarmMinutes) throw icsError('alarmRange');
  return value;
}

function optionalRrule(value: unknown): RecurrenceRule | undefined {
  const text = optionalText(value, 'rruleType');
  if (text === undefined) return undefined;
  if (text.length > LIMITS.rrule) throw icsError('rruleTooLong');
  const parsed = parseRecurrenceRule(text);
  if (!parsed) throw icsError('rruleInvalid');
  return parsed;
}

function optionalAttendees(value: unknown): Person[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw icsError('attendeesType');
  const entries = (value as string[]).map((item) => item.trim()).filter(Boolean);
  if (entries.length > LIMITS.attendees) throw icsError('attendeesTooMany');
  if (entries.some((entry) => entry.length > LIMITS.person)) throw icsError('attendeeTooLong');
  const people = new Map<string, Person>();
  for (const entry of entries) {
    const person = parsePerson(entry);
    if (!person) throw icsError('attendeeInvalid', `Field 'event-attendees' contains an invalid e-mail address: '${truncate(entry, 100)}'.`);
    if (!people.has(person.email.toLowerCase())) people.set(person.email.toLowerCase(), person);
  }
  return [...people.values()];
}

/** Well-formed UTF-16 (lone surrogates become U+FFFD), no stray control characters, trimmed. */
function cleanText(value: string): string {
  return value.replace(LONE_SURROGATE, '\uFFFD').replace(CONTROL_CHARACTERS, '').trim();
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * The GET form carries the same fields as query parameters: booleans and numbers arrive as
 * text, attendees as a comma-separated list (or repeated parameters). Everything else is
 * passed through unchanged, so the same checks and codes apply; a repeated scalar
 * parameter arrives as an array and fails the type check.
 */
export function queryToRequestBody(query: Record<string, unknown>): Input {
  const body: Input = {};
  for (const [key, value] of Object.entries(query)) {
    if (key === 'x-api-key') continue;
    body[key] = fromQueryValue(key, value);
  }
  return body;
}

function fromQueryValue(key: string, value: unknown): unknown {
  if (key === ICS_FIELDS.attendees) {
    const list = Array.isArray(value) ? value : [value];
    return list.every((item) => typeof item === 'string') ? (list as string[]).flatMap((item) => item.split(',')) : value;
  }
  if (typeof value !== 'string') return value;
  if (key === ICS_FIELDS.allDay) return booleanFromQuery(value);
  if (key === ICS_FIELDS.alarmMinutes) return wholeNumberFromQuery(value);
  return value;
}

function wholeNumberFromQuery(value: string): unknown {
  const trimmed = value.trim();
  return /^\d{1,9}$/.test(trimmed) ? Number(trimmed) : trimmed || undefined;
}

function booleanFromQuery(value: string): unknown {
  const normalized = value.trim().toLowerCase();
  if (normalized === 'true') return true;
  if (normalized === 'false') return false;
  return normalized === '' ? undefined : value;
}
