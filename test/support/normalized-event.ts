import type { NormalizedEvent } from '../../src/providers/calendar-provider';

/**
 * A plain, confirmed, one-hour timed event in the model, with nothing optional set; tests name
 * only what they care about. (Expected outputs stay spelled out in full where they are the point.)
 */
export function normalizedEvent(overrides: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return {
    title: 'Event',
    description: null,
    location: null,
    start: { allDay: false, dateTime: '2030-03-04T09:00:00', timeZone: 'Europe/Berlin' },
    end: { allDay: false, dateTime: '2030-03-04T10:00:00', timeZone: 'Europe/Berlin' },
    recurrence: null,
    occurrenceOf: null,
    transparency: 'busy',
    visibility: 'default',
    status: 'confirmed',
    organizer: null,
    attendees: [],
    selfResponse: null,
    onlineMeetingUrl: null,
    copyMarker: null,
    ...overrides,
  };
}
