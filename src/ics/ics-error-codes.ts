import { DomainException } from '../common/errors/domain.exception';
import { ErrorCode } from '../common/errors/error-codes';

export interface IcsErrorDefinition {
  code: string;
  status: number;
  message: string;
}

/**
 * Every failure of the Create Calendar API V2 has its own code, so a client can branch on
 * `error-code` alone. Statuses: 401 for the key, 400 when the request is malformed
 * (JSON, shape, missing/empty/wrongly typed/too long fields), 422 when a well-formed value
 * cannot be used (unknown action or time zone, unparsable date, end before start, bad
 * e-mail/URL/RRULE), 413 for an oversized body. E1703 keeps the seed's exact wording.
 */
export const ICS_ERRORS = {
  internal: { code: 'E1700', status: 500, message: 'Internal server error.' },
  apiKeyMissing: { code: 'E1701', status: 401, message: 'API key is missing: send it in the x-api-key header.' },
  apiKeyInvalid: { code: 'E1702', status: 401, message: 'API key is invalid or revoked.' },

  titleEmpty: { code: 'E1703', status: 400, message: 'Title cannot be empty for iCalendar.' },
  descriptionEmpty: { code: 'E1704', status: 400, message: 'Description cannot be empty for iCalendar.' },
  locationEmpty: { code: 'E1705', status: 400, message: 'Location cannot be empty for iCalendar.' },
  startEmpty: { code: 'E1706', status: 400, message: 'Event start date-time cannot be empty for iCalendar.' },
  endEmpty: { code: 'E1707', status: 400, message: 'Event end date-time cannot be empty for iCalendar.' },
  timezoneEmpty: { code: 'E1708', status: 400, message: 'Event time zone cannot be empty for iCalendar.' },
  actionEmpty: { code: 'E1709', status: 400, message: 'Action cannot be empty.' },

  actionMissing: { code: 'E1710', status: 400, message: "Field 'action' is required (use \"createcalendar\")." },
  titleMissing: { code: 'E1711', status: 400, message: "Field 'event-title' is required." },
  descriptionMissing: { code: 'E1712', status: 400, message: "Field 'event-description' is required." },
  locationMissing: { code: 'E1713', status: 400, message: "Field 'event-location' is required." },
  startMissing: { code: 'E1714', status: 400, message: "Field 'event-start-datetime' is required." },
  endMissing: { code: 'E1715', status: 400, message: "Field 'event-end-datetime' is required." },
  timezoneMissing: { code: 'E1716', status: 400, message: "Field 'event-timezone' is required." },
  actionUnknown: { code: 'E1717', status: 422, message: 'Unknown action: the only supported action is "createcalendar".' },

  actionType: { code: 'E1720', status: 400, message: "Field 'action' must be a string." },
  titleType: { code: 'E1721', status: 400, message: "Field 'event-title' must be a string." },
  descriptionType: { code: 'E1722', status: 400, message: "Field 'event-description' must be a string." },
  locationType: { code: 'E1723', status: 400, message: "Field 'event-location' must be a string." },
  startType: { code: 'E1724', status: 400, message: "Field 'event-start-datetime' must be a string." },
  endType: { code: 'E1725', status: 400, message: "Field 'event-end-datetime' must be a string." },
  timezoneType: { code: 'E1726', status: 400, message: "Field 'event-timezone' must be a string." },
  allDayType: { code: 'E1727', status: 400, message: "Field 'all-day-event' must be a boolean (true or false)." },

  titleTooLong: { code: 'E1730', status: 400, message: "Field 'event-title' is longer than 1000 characters." },
  descriptionTooLong: { code: 'E1731', status: 400, message: "Field 'event-description' is longer than 20000 characters." },
  locationTooLong: { code: 'E1732', status: 400, message: "Field 'event-location' is longer than 1000 characters." },
  startTooLong: { code: 'E1733', status: 400, message: "Field 'event-start-datetime' is longer than 64 characters." },
  endTooLong: { code: 'E1734', status: 400, message: "Field 'event-end-datetime' is longer than 64 characters." },
  timezoneTooLong: { code: 'E1735', status: 400, message: "Field 'event-timezone' is longer than 64 characters." },
  organizerTooLong: { code: 'E1736', status: 400, message: "Field 'event-organizer' is longer than 1000 characters." },
  attendeeTooLong: { code: 'E1737', status: 400, message: "Field 'event-attendees' has an entry longer than 1000 characters." },
  rruleTooLong: { code: 'E1738', status: 400, message: "Field 'event-rrule' is longer than 500 characters." },
  actionTooLong: { code: 'E1739', status: 400, message: "Field 'action' is longer than 64 characters." },

  startInvalid: { code: 'E1740', status: 422, message: "Field 'event-start-datetime' is not a valid ISO 8601 date or date-time." },
  endInvalid: { code: 'E1741', status: 422, message: "Field 'event-end-datetime' is not a valid ISO 8601 date or date-time." },
  endBeforeStart: { code: 'E1742', status: 422, message: 'Event end must be after the event start.' },
  timezoneUnknown: { code: 'E1743', status: 422, message: "Field 'event-timezone' is not a known tz database time zone name." },

  urlType: { code: 'E1750', status: 400, message: "Field 'event-url' must be a string." },
  urlInvalid: { code: 'E1751', status: 422, message: "Field 'event-url' must be an absolute http(s) URL of at most 2000 characters." },
  organizerType: { code: 'E1752', status: 400, message: "Field 'event-organizer' must be a string (\"Name <e-mail>\" or an e-mail) or an object {name, email}." },
  organizerInvalid: { code: 'E1753', status: 422, message: "Field 'event-organizer' does not contain a valid e-mail address." },
  alarmType: { code: 'E1754', status: 400, message: "Field 'event-alarm-minutes' must be a whole number." },
  alarmRange: { code: 'E1755', status: 422, message: "Field 'event-alarm-minutes' must be between 0 and 40320 (four weeks)." },
  rruleType: { code: 'E1756', status: 400, message: "Field 'event-rrule' must be a string." },
  rruleInvalid: { code: 'E1757', status: 422, message: "Field 'event-rrule' is not a valid RFC 5545 recurrence rule." },
  attendeesType: { code: 'E1758', status: 400, message: "Field 'event-attendees' must be an array of e-mail strings." },
  attendeeInvalid: { code: 'E1759', status: 422, message: "Field 'event-attendees' contains an invalid e-mail address." },
  attendeesTooMany: { code: 'E1760', status: 422, message: "Field 'event-attendees' lists more than 100 attendees." },

  badJson: { code: 'E1780', status: 400, message: 'Request body is not valid JSON.' },
  bodyNotObject: { code: 'E1781', status: 400, message: 'Request body must be a JSON object.' },
  payloadTooLarge: { code: 'E1782', status: 413, message: 'Request body is too large.' },
  unknownField: { code: 'E1783', status: 400, message: 'Request contains an unknown field.' },
  unsupportedMediaType: { code: 'E1784', status: 415, message: 'Unsupported content encoding or charset.' },
  rateLimited: { code: 'E1785', status: 429, message: 'Too many requests: slow down and retry later.' },
  notFound: { code: 'E1786', status: 404, message: 'No such endpoint: use POST /ics or GET /ics.' },
  invalidRequest: { code: 'E1787', status: 400, message: 'Invalid request.' },
  apiKeyNotAllowed: { code: 'E1788', status: 403, message: 'API key is a user key: the ICS API takes an organisation key.' },
  unavailable: { code: 'E1789', status: 503, message: 'Service unavailable: retry later.' },
  requestTimeout: { code: 'E1790', status: 408, message: 'Request was not received in time.' },
  badEncoding: { code: 'E1791', status: 400, message: 'Request body could not be decoded with its Content-Encoding.' },
  bodyTooDeep: { code: 'E1792', status: 400, message: 'Request body nests arrays or objects more than 32 levels deep.' },
  requestFailed: { code: 'E1799', status: 400, message: 'Request failed.' },
} as const satisfies Record<string, IcsErrorDefinition>;

export type IcsErrorKey = keyof typeof ICS_ERRORS;

/** The exception services throw; `detail` replaces the generic message when it says more. */
export function icsError(key: IcsErrorKey, detail?: string): DomainException {
  const definition = ICS_ERRORS[key];
  return new DomainException(definition.code, detail ?? definition.message, definition.status);
}

/** Shared codes (raised by the guard, body parser, router, rate limiter) → their ICS twin. */
export const SHARED_TO_ICS: Record<string, IcsErrorKey> = {
  [ErrorCode.ApiKeyMissing]: 'apiKeyMissing',
  [ErrorCode.ApiKeyInvalid]: 'apiKeyInvalid',
  [ErrorCode.Unauthorized]: 'apiKeyInvalid',
  [ErrorCode.BadJson]: 'badJson',
  [ErrorCode.BodyNotObject]: 'bodyNotObject',
  [ErrorCode.BadContentEncoding]: 'badEncoding',
  [ErrorCode.BodyTooDeep]: 'bodyTooDeep',
  [ErrorCode.RequestTimeout]: 'requestTimeout',
  [ErrorCode.PayloadTooLarge]: 'payloadTooLarge',
  [ErrorCode.UnsupportedMediaType]: 'unsupportedMediaType',
  [ErrorCode.ValidationFailed]: 'invalidRequest',
  [ErrorCode.NotFound]: 'notFound',
  [ErrorCode.RateLimited]: 'rateLimited',
  [ErrorCode.Internal]: 'internal',
  [ErrorCode.CredentialNotAllowed]: 'apiKeyNotAllowed',
  [ErrorCode.ServiceUnavailable]: 'unavailable',
  [ErrorCode.DatabaseUnavailable]: 'unavailable',
};

const BY_CODE = new Map<string, IcsErrorDefinition>(Object.values(ICS_ERRORS).map((d) => [d.code, d]));

export function icsErrorByCode(code: string): IcsErrorDefinition | undefined {
  return BY_CODE.get(code);
}

/** The table as Markdown, for the OpenAPI description (docs/ics.md carries the same rows). */
export function icsErrorTableMarkdown(): string {
  // Stryker disable next-line StringLiteral: equivalent today — no message contains '|' (the escape guards a future one); docs/ics.md and its spec pin every row.
  const rows = Object.values(ICS_ERRORS).map((d) => `| ${d.code} | ${d.status} | ${d.message.replace(/\|/g, '\\|')} |`);
  return ['| error-code | HTTP status | error-info |', '|---|---|---|', ...rows].join('\n');
}
