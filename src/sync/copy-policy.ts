import type { EventPerson, EventTime, NormalizedEvent } from '../providers/calendar-provider';
import type { LinkPolicy } from './link-policy';

/** What the engine needs besides the policy to turn a source event into its copy. */
export interface CopyContext {
  linkId: string;
  policy: LinkPolicy;
  tag: string | null;
  /** The link's source zone: floating times (timeZone null) are read in it. */
  sourceTimeZone: string;
}

export type CopyDecision = 'copy' | 'is-a-copy' | 'cancelled' | 'excluded-by-policy';

/**
 * Whether a source event gets a copy. Copies (any link's) are never copied again, so A→B plus
 * B→A never loops; `busyonly` leaves out free events and the ones the source mailbox declined.
 */
export function copyDecision(event: NormalizedEvent, policy: LinkPolicy): CopyDecision {
  if (event.copyMarker) return 'is-a-copy';
  // A cancelled occurrence of a series (Google lists them so) travels as a cancellation of the
  // copy's occurrence; a cancelled series or single event has no copy.
  if (event.status === 'cancelled') return event.occurrenceOf ? 'copy' : 'cancelled';
  if (policy.busyOnly && (event.transparency === 'free' || event.selfResponse === 'declined')) return 'excluded-by-policy';
  return 'copy';
}

/**
 * The copy as it will be written (SPEC 4.1). It never carries attendees or an organizer (so no
 * provider ever sends an invitation for it); `contact` and `conference` travel as description
 * text instead. For an occurrence, `occurrenceOf.seriesId` is still the SOURCE series id: the
 * writer swaps in the destination series copy's id, so the hash does not depend on it.
 */
export function buildCopy(event: NormalizedEvent, context: CopyContext): NormalizedEvent {
  const { policy } = context;
  const fields = policy.fields;
  const anchor = (time: EventTime): EventTime => withZone(time, context.sourceTimeZone);
  return {
    title: copyTitle(event, context),
    description: copyDescription(event, policy),
    location: fields.has('location') ? nonEmpty(event.location) : null,
    start: anchor(event.start),
    end: anchor(event.end),
    recurrence: event.recurrence ? { rule: event.recurrence.rule, exdates: event.recurrence.exdates.map(anchor) } : null,
    occurrenceOf: event.occurrenceOf ? { seriesId: event.occurrenceOf.seriesId, originalStart: anchor(event.occurrenceOf.originalStart) } : null,
    transparency: event.transparency,
    // Without the flag the copy keeps the source's own visibility: a private event stays private.
    visibility: policy.private ? 'private' : event.visibility,
    status: event.status === 'cancelled' && event.occurrenceOf ? 'cancelled' : event.status === 'tentative' ? 'tentative' : 'confirmed',
    organizer: null,
    attendees: [],
    selfResponse: null,
    onlineMeetingUrl: fields.has('conference') ? nonEmpty(event.onlineMeetingUrl) : null,
    copyMarker: { linkId: context.linkId, sourceEventId: requireId(event) },
  };
}

export function copyTitle(event: NormalizedEvent, context: Pick<CopyContext, 'policy' | 'tag'>): string {
  const base = context.policy.fields.has('subject') && event.title.trim().length > 0 ? event.title : event.transparency === 'free' ? 'Free' : 'Busy';
  const tag = context.tag?.trim();
  return tag ? `${base} ${tag}` : base;
}

/** The description field, then the people (`contact`), then the join link (`conference`), blank-line separated. */
export function copyDescription(event: NormalizedEvent, policy: LinkPolicy): string | null {
  const parts: string[] = [];
  const description = policy.fields.has('description') ? nonEmpty(event.description) : null;
  if (description) parts.push(description);
  if (policy.fields.has('contact')) {
    const contact = contactText(event);
    if (contact) parts.push(contact);
  }
  const url = policy.fields.has('conference') ? nonEmpty(event.onlineMeetingUrl) : null;
  if (url) parts.push(`Join online: ${url}`);
  return parts.length > 0 ? parts.join('\n\n') : null;
}

function contactText(event: NormalizedEvent): string | null {
  const lines: string[] = [];
  const organizer = event.organizer ? personText(event.organizer) : null;
  if (organizer) lines.push(`Organizer: ${organizer}`);
  const attendees = event.attendees.map(personText).filter((text): text is string => text !== null);
  if (attendees.length > 0) lines.push(`Attendees: ${attendees.join(', ')}`);
  return lines.length > 0 ? lines.join('\n') : null;
}

export function personText(person: EventPerson): string | null {
  const name = nonEmpty(person.name);
  const email = nonEmpty(person.email);
  if (name && email && name.toLowerCase() !== email.toLowerCase()) return `${name} <${email}>`;
  return email ?? name;
}

/** A floating time gets the link's source zone; zoned times and dates are kept as they are. */
export function withZone(time: EventTime, zone: string): EventTime {
  return time.allDay || time.timeZone !== null ? time : { allDay: false, dateTime: time.dateTime, timeZone: zone };
}

function nonEmpty(value: string | null): string | null {
  return value !== null && value.trim().length > 0 ? value : null;
}

function requireId(event: NormalizedEvent): string {
  if (!event.id) throw new Error('a source event without a provider id cannot be copied');
  return event.id;
}
