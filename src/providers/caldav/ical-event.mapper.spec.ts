import fc from 'fast-check';
import type { EventTime, NormalizedEvent } from '../calendar-provider';
import { buildCalendarObject, canonicalRule, ianaZoneFor, parseCalendarObject } from './ical-event.mapper';

const MAILBOX = 'owner@example.test';
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'UTC'];

const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', ';', '\\', '\n', 'é', '🙂', ':', '"'), maxLength: 40 });
const email = fc.constantFrom('a@example.test', 'b@example.test', MAILBOX);
const day = fc.integer({ min: 0, max: 400 }).map((offset) => new Date(Date.UTC(2026, 10, 1) + offset * 86_400_000).toISOString().slice(0, 10));
const clock = fc.tuple(fc.integer({ min: 0, max: 22 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`);

const timed = fc.record({ date: day, time: clock, zone: fc.option(fc.constantFrom(...ZONES), { nil: null }) });

function plusHour(dateTime: string): string {
  const [date, time] = dateTime.split('T');
  const hour = Number(time.slice(0, 2)) + 1;
  return `${date}T${String(hour).padStart(2, '0')}${time.slice(2)}`;
}

const times = fc.oneof(
  day.map((date): [EventTime, EventTime] => {
    const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    return [{ allDay: true, date }, { allDay: true, date: next }];
  }),
  timed.map(({ date, time, zone }): [EventTime, EventTime] => [
    { allDay: false, dateTime: `${date}T${time}`, timeZone: zone },
    { allDay: false, dateTime: plusHour(`${date}T${time}`), timeZone: zone },
  ]),
);

const rule = fc
  .record({
    freq: fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY'),
    count: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
    interval: fc.option(fc.integer({ min: 2, max: 4 }), { nil: undefined }),
  })
  .map(({ freq, count, interval }) => canonicalRule([`FREQ=${freq}`, count ? `COUNT=${count}` : '', interval ? `INTERVAL=${interval}` : ''].filter(Boolean).join(';')));

const attendee = fc.record({
  email,
  name: fc.option(fc.constantFrom('Ann', 'Bob Smith'), { nil: null }),
  response: fc.constantFrom('accepted' as const, 'declined' as const, 'tentative' as const, 'needsAction' as const),
  optional: fc.boolean(),
});

const event = fc
  .record({
    title: text,
    description: fc.option(text, { nil: null }),
    location: fc.option(text, { nil: null }),
    times,
    rule: fc.option(rule, { nil: null }),
    transparency: fc.constantFrom('busy' as const, 'free' as const),
    visibility: fc.constantFrom('default' as const, 'public' as const, 'private' as const),
    status: fc.constantFrom('confirmed' as const, 'tentative' as const, 'cancelled' as const),
    organizer: fc.option(fc.record({ email, name: fc.option(fc.constantFrom('Org'), { nil: null }) }), { nil: null }),
    attendees: fc.uniqueArray(attendee, { selector: (a) => a.email, maxLength: 3 }),
    onlineMeetingUrl: fc.option(fc.constantFrom('https://meet.example/abc-def', 'https://teams.example/l/meetup-join/1'), { nil: null }),
    marked: fc.boolean(),
  })
  .map(({ times: [start, end], rule: rrule, marked, ...fields }): NormalizedEvent => ({
    ...fields,
    start,
    end,
    recurrence: rrule ? { rule: rrule, exdates: [] } : null,
    occurrenceOf: null,
    selfResponse: fields.attendees.find((a) => a.email === MAILBOX)?.response ?? null,
    copyMarker: marked ? { linkId: 'link-7', sourceEventId: 'AAMkAD=/+x' } : null,
    updatedAt: '2026-11-20T10:00:00.000Z',
  }));

describe('iCalendar mapping', () => {
  it('model → VCALENDAR → model is the identity on every field CalDAV holds', () => {
    fc.assert(
      fc.property(event, (original) => {
        const ics = buildCalendarObject('uid-1', original);
        const [parsed] = parseCalendarObject(ics, 'https://dav.example/cal/uid-1.ics', '"etag"', MAILBOX);
        expect(parsed).toEqual({ ...original, id: 'https://dav.example/cal/uid-1.ics', etag: '"etag"', iCalUid: 'uid-1' });
      }),
      { seed: 20261121, numRuns: 200 },
    );
  });

  it('writes CRLF lines folded at 75 octets and a VTIMEZONE for each zone used', () => {
    const ics = buildCalendarObject('uid-2', {
      title: 'x'.repeat(200),
      description: null,
      location: null,
      start: { allDay: false, dateTime: '2026-11-23T10:00:00', timeZone: 'Europe/Berlin' },
      end: { allDay: false, dateTime: '2026-11-23T11:00:00', timeZone: 'America/New_York' },
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
    });
    const lines = ics.split('\r\n');
    expect(lines.every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    expect(ics.includes('\n') && !/[^\r]\n/.test(ics)).toBe(true);
    expect(lines.filter((line) => line.startsWith('TZID:')).sort()).toEqual(['TZID:America/New_York', 'TZID:Europe/Berlin']);
  });

  it('reads Windows and prefixed TZIDs as IANA zones', () => {
    expect(ianaZoneFor('W. Europe Standard Time')).toBe('Europe/Berlin');
    expect(ianaZoneFor('/mozilla.org/20050126_1/America/New_York')).toBe('America/New_York');
    expect(ianaZoneFor('Etc/UTC')).toBe('UTC');
    expect(ianaZoneFor('Not/AZone')).toBeNull();
  });
});
