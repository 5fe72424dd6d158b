import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { writableEvent, ZONES } from '../../../test/providers/normalized-event.arbitrary';
import type { NormalizedEvent } from '../calendar-provider';
import { ProviderError } from '../provider-errors';
import {
  COPY_MARKER_KEY,
  formatCopyMarker,
  fromGoogleEvent,
  type GoogleEvent,
  parseCopyMarker,
  parseExdateLine,
  toGoogleEvent,
} from './google-event.mapper';
import { normalizedEvent } from '../../../test/support/normalized-event';

/** What Google answers for an event written as `body`: dateTime rendered with an offset in `zone`. */
function renderedByGoogle(body: GoogleEvent, zone: string): GoogleEvent {
  const render = (t: GoogleEvent['start']) =>
    t?.dateTime ? { ...t, dateTime: DateTime.fromISO(t.dateTime, { zone: t.timeZone ?? 'UTC' }).setZone(zone).toISO({ suppressMilliseconds: true }) } : t;
  return { ...body, start: render(body.start), end: render(body.end), originalStartTime: render(body.originalStartTime) };
}

/** The writer addresses an occurrence by instance id; Google then lists it with these fields. */
function asListed(event: NormalizedEvent, body: GoogleEvent): GoogleEvent {
  if (!event.occurrenceOf) return body;
  const original = event.occurrenceOf.originalStart;
  return {
    ...body,
    recurringEventId: event.occurrenceOf.seriesId,
    originalStartTime: original.allDay ? { date: original.date } : { dateTime: original.dateTime, timeZone: original.timeZone },
  };
}

const base: NormalizedEvent = normalizedEvent({ title: 'Review' });

describe('Google event mapper', () => {
  const context = { calendarTimeZone: 'America/New_York' };

  it('property: model → Google → model is the identity on the written fields', () => {
    fc.assert(
      fc.property(writableEvent(), fc.constantFrom('insert', 'replace' as const), (event, mode) => {
        expect(fromGoogleEvent(asListed(event, toGoogleEvent(event, mode)), context)).toEqual(event);
      }),
      { numRuns: 300 },
    );
  });

  it('property: identity holds when Google renders the times with an offset in another zone', () => {
    fc.assert(
      fc.property(writableEvent(), fc.constantFrom(...ZONES), (event, zone) => {
        expect(fromGoogleEvent(renderedByGoogle(asListed(event, toGoogleEvent(event)), zone), context)).toEqual(event);
      }),
      { numRuns: 300 },
    );
  });

  it('writes the documented Google shapes', () => {
    const body = toGoogleEvent({
      ...base,
      description: 'Agenda',
      transparency: 'free',
      visibility: 'private',
      recurrence: {
        rule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=10',
        exdates: [
          { allDay: false, dateTime: '2030-03-18T09:00:00', timeZone: 'Europe/Berlin' },
          { allDay: false, dateTime: '2030-03-25T09:00:00', timeZone: 'Europe/Berlin' },
        ],
      },
      attendees: [{ email: 'bob@example.com', name: 'Bob', response: 'accepted', optional: true }],
      copyMarker: { linkId: 'l-1', sourceEventId: 'src-1' },
    });
    expect(body).toEqual({
      summary: 'Review',
      description: 'Agenda',
      start: { dateTime: '2030-03-04T09:00:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2030-03-04T10:00:00', timeZone: 'Europe/Berlin' },
      recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10', 'EXDATE;TZID=Europe/Berlin:20300318T090000', 'EXDATE;TZID=Europe/Berlin:20300325T090000'],
      transparency: 'transparent',
      visibility: 'private',
      status: 'confirmed',
      attendees: [{ email: 'bob@example.com', displayName: 'Bob', responseStatus: 'accepted', optional: true }],
      extendedProperties: { private: { [COPY_MARKER_KEY]: '{"l":"l-1","s":"src-1"}' } },
    });
    expect(COPY_MARKER_KEY.length).toBeLessThanOrEqual(44);
  });

  it('reads what only Google writes: organizer, own response, Meet link, confidential, updated', () => {
    const event = fromGoogleEvent(
      {
        id: 'abc123def',
        etag: '"1"',
        iCalUID: 'abc123def@google.com',
        updated: '2030-01-01T10:00:00.000Z',
        summary: 'Sync',
        start: { dateTime: '2030-03-04T03:00:00-05:00' },
        end: { dateTime: '2030-03-04T04:00:00-05:00' },
        organizer: { email: 'boss@example.com', displayName: 'Boss' },
        attendees: [
          { email: 'boss@example.com', responseStatus: 'accepted', organizer: true },
          { email: 'me@example.com', responseStatus: 'tentative', self: true },
        ],
        conferenceData: { entryPoints: [{ entryPointType: 'phone', uri: 'tel:+1' }, { entryPointType: 'video', uri: 'https://meet.google.com/x' }] },
        visibility: 'confidential',
        status: 'tentative',
      },
      context,
    );
    expect(event).toMatchObject({
      id: 'abc123def',
      etag: '"1"',
      iCalUid: 'abc123def@google.com',
      updatedAt: '2030-01-01T10:00:00.000Z',
      start: { allDay: false, dateTime: '2030-03-04T03:00:00', timeZone: 'America/New_York' },
      organizer: { email: 'boss@example.com', name: 'Boss' },
      selfResponse: 'tentative',
      onlineMeetingUrl: 'https://meet.google.com/x',
      visibility: 'private',
      status: 'tentative',
    });
    expect(fromGoogleEvent({ ...minimalTimed, hangoutLink: 'https://meet.google.com/h' }, context).onlineMeetingUrl).toBe('https://meet.google.com/h');
  });

  it('reads a cancelled instance as a cancelled occurrence at its original start', () => {
    const event = fromGoogleEvent(
      { id: 'series1_20300311T080000Z', status: 'cancelled', recurringEventId: 'series1', originalStartTime: { dateTime: '2030-03-11T09:00:00+01:00', timeZone: 'Europe/Berlin' } },
      context,
    );
    const originalStart = { allDay: false, dateTime: '2030-03-11T09:00:00', timeZone: 'Europe/Berlin' };
    expect(event).toEqual({
      ...base,
      id: 'series1_20300311T080000Z',
      title: '',
      start: originalStart,
      end: originalStart,
      status: 'cancelled',
      occurrenceOf: { seriesId: 'series1', originalStart },
    });
  });

  it('reads EXDATE lines in every form Google stores them', () => {
    const start = { allDay: false as const, dateTime: '2030-03-04T09:00:00', timeZone: 'Europe/Berlin' };
    expect(parseExdateLine('EXDATE;TZID=Europe/Berlin:20300311T090000,20300318T090000', start)).toEqual([
      { allDay: false, dateTime: '2030-03-11T09:00:00', timeZone: 'Europe/Berlin' },
      { allDay: false, dateTime: '2030-03-18T09:00:00', timeZone: 'Europe/Berlin' },
    ]);
    expect(parseExdateLine('EXDATE:20300311T080000Z', start)).toEqual([{ allDay: false, dateTime: '2030-03-11T09:00:00', timeZone: 'Europe/Berlin' }]);
    expect(parseExdateLine('EXDATE;TZID=America/New_York:20300311T040000', start)).toEqual([
      { allDay: false, dateTime: '2030-03-11T09:00:00', timeZone: 'Europe/Berlin' },
    ]);
    expect(parseExdateLine('EXDATE;VALUE=DATE:20300311', { allDay: true, date: '2030-03-04' })).toEqual([{ allDay: true, date: '2030-03-11' }]);
    expect(parseExdateLine('EXDATE', start)).toEqual([]);
  });

  it('uses the calendar zone for a dateTime without timeZone', () => {
    expect(fromGoogleEvent(minimalTimed, { calendarTimeZone: 'Asia/Tokyo' }).start).toEqual({
      allDay: false,
      dateTime: '2030-03-04T23:00:00',
      timeZone: 'Asia/Tokyo',
    });
  });

  it('refuses to write a floating time', () => {
    const floating = { ...base, start: { allDay: false as const, dateTime: '2030-03-04T09:00:00', timeZone: null } };
    expect(() => toGoogleEvent(floating)).toThrow(ProviderError);
  });

  it('keeps the copy marker within 1024 bytes, hashing an over-long source id', () => {
    const long = { linkId: '6f1c6f7e-0000-4000-8000-ca1e0da7b71d', sourceEventId: 'x'.repeat(2000) };
    const value = formatCopyMarker(long);
    expect(Buffer.byteLength(value)).toBeLessThanOrEqual(1024);
    expect(parseCopyMarker(value)).toEqual({ linkId: long.linkId, sourceEventId: `sha256:${createHash('sha256').update(long.sourceEventId).digest('hex')}` });
    expect(parseCopyMarker('not json')).toBeNull();
    expect(parseCopyMarker('{"l":1}')).toBeNull();
  });
});

const minimalTimed: GoogleEvent = {
  id: 'minimal01',
  start: { dateTime: '2030-03-04T14:00:00Z' },
  end: { dateTime: '2030-03-04T15:00:00Z' },
};
