import { GraphHttpError } from './graph-errors';

/**
 * The properties and relationships of the v1.0 event resource
 * (https://learn.microsoft.com/en-us/graph/api/resources/event?view=graph-rest-1.0).
 * Beta-only ones (uid, occurrenceId, ...) are deliberately absent: v1.0 does not know them.
 */
const EVENT_PROPERTIES = [
  'allowNewTimeProposals', 'attendees', 'body', 'bodyPreview', 'cancelledOccurrences', 'categories', 'changeKey',
  'createdDateTime', 'end', 'hasAttachments', 'hideAttendees', 'iCalUId', 'id', 'importance', 'isAllDay', 'isCancelled',
  'isDraft', 'isOnlineMeeting', 'isOrganizer', 'isReminderOn', 'lastModifiedDateTime', 'location', 'locations',
  'onlineMeeting', 'onlineMeetingProvider', 'onlineMeetingUrl', 'organizer', 'originalEndTimeZone', 'originalStart',
  'originalStartTimeZone', 'recurrence', 'reminderMinutesBeforeStart', 'responseRequested', 'responseStatus',
  'sensitivity', 'seriesMasterId', 'showAs', 'start', 'subject', 'transactionId', 'type', 'webLink',
];

const EVENT_RELATIONSHIPS = [
  'attachments', 'calendar', 'exceptionOccurrences', 'extensions', 'instances', 'multiValueExtendedProperties', 'singleValueExtendedProperties',
];

const KNOWN = new Set([...EVENT_PROPERTIES, ...EVENT_RELATIONSHIPS].map((p) => p.toLowerCase()));

/** The error Graph answers for a $select/$orderby naming a property the type lacks. */
export const unknownEventProperty = (name: string) =>
  new GraphHttpError(400, 'RequestBroker--ParseUri', `Could not find a property named '${name}' on type 'microsoft.graph.event'.`);

export function isEventProperty(name: string): boolean {
  return KNOWN.has(name.toLowerCase());
}

/** Rejects the first unknown name in a $select list. */
export function checkEventSelect(names: string[]): void {
  const unknown = names.find((n) => !isEventProperty(n));
  if (unknown !== undefined) throw unknownEventProperty(unknown);
}
