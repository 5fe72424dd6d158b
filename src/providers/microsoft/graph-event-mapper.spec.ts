import fc from 'fast-check';
import { DateTime } from 'luxon';
import type { EventTime, NormalizedEvent } from '../calendar-provider';
import { COPY_MARKER_PROPERTY_ID, eventFromGraph, eventToGraph, htmlToText, type GraphEventJson } from './graph-event-mapper';
import { ianaZoneOf } from './graph-time-zones';

const ZONES = ['Europe/Berlin', 'America/Los_Angeles', 'America/Vancouver', 'Asia/Kolkata', 'UTC', 'Australia/Lord_Howe', 'America/St_Johns'];
const RULES = ['FREQ=DAILY;COUNT=5', 'FREQ=WEEKLY;BYDAY=MO,TH;WKST=SU', 'FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR', 'FREQ=YEARLY;BYMONTHDAY=4;BYMONTH=7'];

/**
 * What Graph gives back for a written event, as documented: times in UTC (no Prefer:
 * outlook.timezone) with the zone written in originalStartTimeZone, the body as text
 * (Prefer: outlook.body-content-type="text"), the extended property when expanded,
 * cancelled occurrences as OID.{master}.{date}, exceptions with seriesMasterId + originalStart.
 */
function graphEcho(written: Record<string, unknown>, model: NormalizedEvent): GraphEventJson {
  const utc = (t: { dateTime: string; timeZone: string }) =>
    model.start.allDay ? { dateTime: `${t.dateTime}.0000000`, timeZone: 'UTC' } : { dateTime: DateTime.fromISO(t.dateTime, { zone: ianaZoneOf(t.timeZone)! }).toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss'.0000000'"), timeZone: 'UTC' };
  const start = written.start as { dateTime: string; timeZone: string };
  const end = written.end as { dateTime: string; timeZone: string };
  const attendees = written.attendees as { emailAddress: { address: string; name?: string }; type: string }[];
  const occurrence = model.occurrenceOf;
  const originalStartInstant = occurrence ? (occurrence.originalStart.allDay ? DateTime.fromISO(occurrence.originalStart.date, { zone: 'UTC' }) : DateTime.fromISO(occurrence.originalStart.dateTime, { zone: occurrence.originalStart.timeZone! })) : null;
  return {
    id: 'AAMkEvent=',
    '@odata.etag': 'W/"ck"',
    subject: written.subject as string,
    body: written.body as GraphEventJson['body'],
    location: written.location as GraphEventJson['location'],
    start: utc(start),
    end: utc(end),
    originalStartTimeZone: start.timeZone,
    originalEndTimeZone: end.timeZone,
    isAllDay: written.isAllDay as boolean,
    showAs: written.showAs as GraphEventJson['showAs'],
    sensitivity: written.sensitivity as GraphEventJson['sensitivity'],
    isCancelled: false,
    isOrganizer: true,
    responseStatus: { response: 'organizer' },
    attendees: attendees.map((a) => ({ ...a, type: a.type as 'required', status: { response: 'none' } })),
    recurrence: (written.recurrence as GraphEventJson['recurrence']) ?? null,
    type: written.recurrence ? 'seriesMaster' : occurrence ? 'exception' : 'singleInstance',
    seriesMasterId: occurrence?.seriesId ?? null,
    originalStart: originalStartInstant?.toUTC().toISO({ suppressMilliseconds: true }) ?? undefined,
    cancelledOccurrences: (model.recurrence?.exdates ?? []).map((d) => `OID.AAMkEvent=.${d.allDay ? d.date : d.dateTime.slice(0, 10)}`),
    singleValueExtendedProperties: written.singleValueExtendedProperties as GraphEventJson['singleValueExtendedProperties'],
  };
}

/** Wall clocks that exist in their zone (not inside a DST gap). */
const timed = (zone: string) =>
  fc
    .tuple(fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2034-12-31T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: 0, max: 95 }))
    .map(([d, quarter]) => `${d.toISOString().slice(0, 10)}T${String(Math.floor(quarter / 4)).padStart(2, '0')}:${String((quarter % 4) * 15).padStart(2, '0')}:00`)
    .filter((wall) => DateTime.fromISO(wall, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss") === wall);

const times: fc.Arbitrary<{ start: EventTime; end: EventTime }> = fc.oneof(
  fc.tuple(fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2034-12-31T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: 1, max: 14 })).map(([d, days]) => {
    const date = d.toISOString().slice(0, 10);
    return { start: { allDay: true as const, date }, end: { allDay: true as const, date: DateTime.fromISO(date).plus({ days }).toISODate()! } };
  }),
  fc.constantFrom(...ZONES).chain((zone) =>
    fc.tuple(timed(zone), fc.integer({ min: 1, max: 600 })).map(([wall, minutes]) => ({
      start: { allDay: false as const, dateTime: wall, timeZone: zone },
      end: { allDay: false as const, dateTime: DateTime.fromISO(wall, { zone }).plus({ minutes }).toFormat("yyyy-MM-dd'T'HH:mm:ss"), timeZone: zone },
    })),
  ),
);

const nonEmpty = fc.string({ minLength: 1, maxLength: 40 });
const email = fc.tuple(fc.stringMatching(/^[a-z]{1,10}$/), fc.constantFrom('contoso.test', 'fabrikam.test')).map(([u, d]) => `${u}@${d}`);

/** The events Graph can hold; the fields it cannot (see graph-event-mapper.ts) are fixed. */
const event: fc.Arbitrary<NormalizedEvent> = fc
  .record({
    times,
    title: fc.string({ maxLength: 60 }),
    description: fc.option(nonEmpty, { nil: null }),
    location: fc.option(nonEmpty, { nil: null }),
    shape: fc.constantFrom('single', 'series', 'exception'),
    rule: fc.constantFrom(...RULES),
    exdateDays: fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 3 }),
    busy: fc.constantFrom('busy' as const, 'free' as const, 'tentative' as const),
    visibility: fc.constantFrom('default' as const, 'private' as const),
    attendees: fc.array(fc.record({ email, name: fc.option(nonEmpty, { nil: null }), optional: fc.boolean() }), { maxLength: 4 }),
    marker: fc.option(fc.record({ linkId: fc.uuid(), sourceEventId: nonEmpty }), { nil: null }),
  })
  .map((r) => {
    const { start, end } = r.times;
    const shifted = (days: number): EventTime => (start.allDay ? { allDay: true, date: DateTime.fromISO(start.date).plus({ days }).toISODate()! } : { ...start, dateTime: DateTime.fromISO(start.dateTime).plus({ days }).toFormat("yyyy-MM-dd'T'HH:mm:ss") });
    return {
      title: r.title,
      description: r.description,
      location: r.location,
      start,
      end,
      recurrence: r.shape === 'series' ? { rule: r.rule, exdates: [...r.exdateDays].sort((a, b) => a - b).map(shifted) } : null,
      occurrenceOf: r.shape === 'exception' ? { seriesId: 'AAMkMaster=', originalStart: shifted(-1) } : null,
      transparency: r.busy === 'free' ? 'free' : 'busy',
      visibility: r.visibility,
      status: r.busy === 'tentative' ? 'tentative' : 'confirmed',
      organizer: null,
      attendees: r.attendees.map((a) => ({ ...a, response: 'needsAction' as const })),
      selfResponse: null,
      onlineMeetingUrl: null,
      copyMarker: r.marker,
    };
  });

describe('Graph event mapping', () => {
  it('model → Graph → model is the identity on the fields Graph holds', () => {
    fc.assert(
      fc.property(event, (model) => {
        const written = eventToGraph(model, { asOccurrence: model.occurrenceOf !== null });
        const { id: _id, etag: _etag, iCalUid: _uid, updatedAt: _updated, ...read } = eventFromGraph(graphEcho(written, model));
        expect(read).toEqual(model);
      }),
      { numRuns: 400 },
    );
  });

  it('writes text bodies, Windows zone names where they read back unchanged, and the copy marker property', () => {
    const written = eventToGraph({
      title: 'T', description: 'a < b', location: null,
      start: { allDay: false, dateTime: '2030-03-04T09:00:00', timeZone: 'Europe/Berlin' },
      end: { allDay: false, dateTime: '2030-03-04T10:00:00', timeZone: 'America/Vancouver' },
      recurrence: null, occurrenceOf: null, transparency: 'busy', visibility: 'private', status: 'confirmed',
      organizer: null, attendees: [], selfResponse: null, onlineMeetingUrl: null, copyMarker: { linkId: 'l', sourceEventId: 's' },
    });
    expect(written).toEqual({
      subject: 'T',
      body: { contentType: 'text', content: 'a < b' },
      location: { displayName: '' },
      start: { dateTime: '2030-03-04T09:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2030-03-04T10:00:00', timeZone: 'America/Vancouver' },
      isAllDay: false,
      showAs: 'busy',
      sensitivity: 'private',
      attendees: [],
      singleValueExtendedProperties: [{ id: COPY_MARKER_PROPERTY_ID, value: '{"linkId":"l","sourceEventId":"s"}' }],
    });
  });

  it('reads HTML bodies as text, Graph-only states, and the join URL', () => {
    const read = eventFromGraph({
      id: 'x', subject: 'S', isAllDay: false, type: 'singleInstance', isCancelled: true, isOrganizer: false,
      body: { contentType: 'html', content: '<html><body><p>Hello&nbsp;<b>you</b></p><div>a &lt; b &amp; c</div></body></html>' },
      start: { dateTime: '2030-03-04T08:00:00.0000000', timeZone: 'UTC' }, end: { dateTime: '2030-03-04T09:00:00.0000000', timeZone: 'UTC' },
      originalStartTimeZone: 'Tokyo Standard Time', originalEndTimeZone: 'Tokyo Standard Time',
      responseStatus: { response: 'tentativelyAccepted' }, sensitivity: 'confidential', showAs: 'oof',
      organizer: { emailAddress: { address: 'boss@contoso.test', name: 'Boss' } },
      onlineMeeting: { joinUrl: 'https://teams.microsoft.com/l/meetup-join/x' },
    });
    expect(read).toMatchObject({
      description: 'Hello you\na < b & c',
      start: { allDay: false, dateTime: '2030-03-04T17:00:00', timeZone: 'Asia/Tokyo' },
      status: 'cancelled', selfResponse: 'tentative', visibility: 'private', transparency: 'busy',
      organizer: { email: 'boss@contoso.test', name: 'Boss' },
      onlineMeetingUrl: 'https://teams.microsoft.com/l/meetup-join/x',
    });
    expect(htmlToText('<a href="x">link</a><br/>next')).toBe('link\nnext');
  });
});
