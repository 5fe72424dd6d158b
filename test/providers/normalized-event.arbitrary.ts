import fc from 'fast-check';
import { DateTime } from 'luxon';
import type { EventAttendee, EventTime, NormalizedEvent, Recurrence } from '../../src/providers/calendar-provider';

/**
 * fast-check generators for normalized events restricted to what a provider can hold and
 * echo back: no read-only fields (id, etag, organizer, selfResponse, online meeting link),
 * no floating times, wall clocks that exist in their zone (no DST gap times).
 */

export const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC'] as const;
const WALL = "yyyy-MM-dd'T'HH:mm:ss";
const RULES = ['FREQ=WEEKLY;BYDAY=MO;COUNT=10', 'FREQ=DAILY;INTERVAL=2;COUNT=5', 'FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=20301231T235959Z', 'FREQ=WEEKLY;BYDAY=TU,TH'];

/** Days since 2030-01-01, so generated events fall inside a 2030 window. */
const dayOffset = fc.integer({ min: 0, max: 330 });

function dateAt(offset: number): string {
  return DateTime.fromISO('2030-01-01', { zone: 'UTC' }).plus({ days: offset }).toISODate() as string;
}

/** A timed start + end in one zone, minute precision, wall clock valid in that zone. */
const timedSpan = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    day: dayOffset,
    minute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
    durationMinutes: fc.integer({ min: 0, max: 8 * 60 }),
    endZone: fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
  })
  .map(({ zone, day, minute, durationMinutes, endZone }) => {
    const start = DateTime.fromISO(`${dateAt(day)}T00:00:00`, { zone }).plus({ minutes: minute });
    const end = start.plus({ minutes: durationMinutes }).setZone(endZone ?? zone);
    return {
      start: { allDay: false, dateTime: start.toFormat(WALL), timeZone: zone } as EventTime,
      end: { allDay: false, dateTime: end.toFormat(WALL), timeZone: endZone ?? zone } as EventTime,
    };
  });

const allDaySpan = fc.record({ day: dayOffset, days: fc.integer({ min: 1, max: 5 }) }).map(({ day, days }) => ({
  start: { allDay: true, date: dateAt(day) } as EventTime,
  end: { allDay: true, date: dateAt(day + days) } as EventTime,
}));

export const eventSpan = fc.oneof(timedSpan, allDaySpan);

/** A time of the same kind (and zone) as `start`, some weeks later. */
function laterLike(start: EventTime, weeks: number): EventTime {
  if (start.allDay) return { allDay: true, date: DateTime.fromISO(start.date).plus({ weeks }).toISODate() as string };
  const zone = start.timeZone as string;
  const moved = DateTime.fromISO(start.dateTime, { zone }).plus({ weeks });
  return { allDay: false, dateTime: moved.toFormat(WALL), timeZone: zone };
}

const text = fc.string({ maxLength: 40 });
const attendee: fc.Arbitrary<EventAttendee> = fc.record({
  email: fc.emailAddress(),
  name: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: null }),
  response: fc.constantFrom('accepted', 'declined', 'tentative', 'needsAction' as const),
  optional: fc.boolean(),
});

const BASE32HEX_ID = fc.string({ unit: fc.constantFrom(...'0123456789abcdefghijklmnopqrstuv'.split('')), minLength: 10, maxLength: 26 });

/** The shape of an event; `kind` picks single, series master or modified occurrence. */
export function writableEvent(kind: 'single' | 'series' | 'occurrence' | 'any' = 'any'): fc.Arbitrary<NormalizedEvent> {
  const kinds = kind === 'any' ? fc.constantFrom('single', 'series', 'occurrence' as const) : fc.constant(kind);
  return fc
    .record({
      kind: kinds,
      span: eventSpan,
      title: text,
      // Google treats an empty description or location as none: generate null or non-empty.
      description: fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: null }),
      location: fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: null }),
      transparency: fc.constantFrom('busy', 'free' as const),
      visibility: fc.constantFrom('default', 'public', 'private' as const),
      status: fc.constantFrom('confirmed', 'tentative' as const),
      attendees: fc.uniqueArray(attendee, { maxLength: 3, selector: (a) => a.email }),
      copyMarker: fc.option(fc.record({ linkId: fc.uuid(), sourceEventId: fc.string({ minLength: 1, maxLength: 60 }) }), { nil: null }),
      rule: fc.constantFrom(...RULES),
      exdateWeeks: fc.uniqueArray(fc.integer({ min: 1, max: 8 }), { maxLength: 2 }),
      seriesId: BASE32HEX_ID,
      originalWeeks: fc.integer({ min: 0, max: 3 }),
    })
    .map((g): NormalizedEvent => {
      const recurrence: Recurrence | null =
        g.kind === 'series' ? { rule: g.rule, exdates: g.exdateWeeks.map((w) => laterLike(g.span.start, w)) } : null;
      const occurrenceOf = g.kind === 'occurrence' ? { seriesId: g.seriesId, originalStart: laterLike(g.span.start, g.originalWeeks) } : null;
      return {
        title: g.title,
        description: g.description,
        location: g.location,
        start: g.span.start,
        end: g.span.end,
        recurrence,
        occurrenceOf,
        transparency: g.transparency,
        visibility: g.visibility,
        status: g.status,
        organizer: null,
        attendees: g.attendees,
        selfResponse: null,
        onlineMeetingUrl: null,
        copyMarker: g.copyMarker,
      };
    });
}

/** The fields a provider owns (ids, stamps, organizer, own response, meeting link), removed for comparison. */
export function writableFields(event: NormalizedEvent): NormalizedEvent {
  const { id: _id, etag: _etag, iCalUid: _uid, updatedAt: _updated, ...rest } = event;
  return { ...rest, organizer: null, selfResponse: null, onlineMeetingUrl: null };
}
