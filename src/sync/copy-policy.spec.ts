import fc from 'fast-check';
import type { NormalizedEvent } from '../providers/calendar-provider';
import { buildCopy, copyDecision, copyDescription, copyTitle, personText, withZone } from './copy-policy';
import { LinkPolicy, parsePolicy } from './link-policy';

function policy(raw: string): LinkPolicy {
  const parsed = parsePolicy(raw);
  if (!parsed.ok) throw new Error(raw);
  return parsed.policy;
}

function source(overrides: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return {
    id: 'src-1',
    etag: '"e1"',
    iCalUid: 'uid-1',
    title: 'Standup',
    description: 'Daily sync',
    location: 'Room 4',
    start: { allDay: false, dateTime: '2026-11-24T10:00:00', timeZone: 'Europe/Berlin' },
    end: { allDay: false, dateTime: '2026-11-24T10:15:00', timeZone: 'Europe/Berlin' },
    recurrence: null,
    occurrenceOf: null,
    transparency: 'busy',
    visibility: 'default',
    status: 'confirmed',
    organizer: { email: 'olga@example.test', name: 'Olga' },
    attendees: [
      { email: 'alice@example.test', name: 'Alice', response: 'accepted', optional: false },
      { email: 'bob@example.test', name: null, response: 'needsAction', optional: true },
    ],
    selfResponse: 'accepted',
    onlineMeetingUrl: 'https://meet.example.test/abc',
    copyMarker: null,
    updatedAt: '2026-11-20T08:00:00.000Z',
    ...overrides,
  };
}

const context = (raw: string, tag: string | null = null) => ({ linkId: 'link-1', policy: policy(raw), tag, sourceTimeZone: 'America/New_York' });

describe('copyDecision', () => {
  it('never copies a copy, whatever the policy', () => {
    expect(copyDecision(source({ copyMarker: { linkId: 'other', sourceEventId: 'x' } }), policy('subject'))).toBe('is-a-copy');
  });
  it('does not copy a cancelled event', () => {
    expect(copyDecision(source({ status: 'cancelled' }), policy('subject'))).toBe('cancelled');
  });
  it('copies a cancelled occurrence of a series as a cancellation, even under busyonly', () => {
    const cancelled = source({ status: 'cancelled', transparency: 'free', occurrenceOf: { seriesId: 'S', originalStart: { allDay: true, date: '2030-01-07' } } });
    expect(copyDecision(cancelled, policy('busyonly'))).toBe('copy');
    expect(buildCopy(cancelled, context('subject')).status).toBe('cancelled');
    expect(buildCopy(source({ status: 'tentative' }), context('subject')).status).toBe('tentative');
  });
  it('busyonly leaves out free and declined events, and only with the flag', () => {
    expect(copyDecision(source({ transparency: 'free' }), policy('busyonly'))).toBe('excluded-by-policy');
    expect(copyDecision(source({ selfResponse: 'declined' }), policy('busyonly'))).toBe('excluded-by-policy');
    expect(copyDecision(source({ selfResponse: 'tentative' }), policy('busyonly'))).toBe('copy');
    expect(copyDecision(source({ transparency: 'free' }), policy('subject'))).toBe('copy');
    expect(copyDecision(source({ selfResponse: 'declined' }), policy('subject'))).toBe('copy');
  });
});

describe('buildCopy', () => {
  it('with every field: the whole copy, exactly', () => {
    expect(buildCopy(source(), context('subject|description|location|contact|conference', '(from mls)'))).toEqual({
      title: 'Standup (from mls)',
      description:
        'Daily sync\n\nOrganizer: Olga <olga@example.test>\nAttendees: Alice <alice@example.test>, bob@example.test\n\nJoin online: https://meet.example.test/abc',
      location: 'Room 4',
      start: { allDay: false, dateTime: '2026-11-24T10:00:00', timeZone: 'Europe/Berlin' },
      end: { allDay: false, dateTime: '2026-11-24T10:15:00', timeZone: 'Europe/Berlin' },
      recurrence: null,
      occurrenceOf: null,
      transparency: 'busy',
      visibility: 'default',
      status: 'confirmed',
      organizer: null,
      attendees: [],
      selfResponse: null,
      onlineMeetingUrl: 'https://meet.example.test/abc',
      copyMarker: { linkId: 'link-1', sourceEventId: 'src-1' },
    });
  });

  it('with no field: Busy, and nothing of the source but its time', () => {
    const copy = buildCopy(source(), context(''));
    expect([copy.title, copy.description, copy.location, copy.onlineMeetingUrl, copy.organizer, copy.attendees]).toEqual(['Busy', null, null, null, null, []]);
  });

  it('private marks the copy private; without it the source visibility is kept', () => {
    expect(buildCopy(source(), context('private')).visibility).toBe('private');
    expect(buildCopy(source({ visibility: 'private' }), context('')).visibility).toBe('private');
    expect(buildCopy(source({ visibility: 'public' }), context('')).visibility).toBe('public');
  });

  it('floating times (and a series’ exdates and an occurrence’s original start) get the source zone; dates stay dates', () => {
    const floating = { allDay: false as const, dateTime: '2026-11-24T10:00:00', timeZone: null };
    const copy = buildCopy(
      source({
        start: floating,
        end: { ...floating, dateTime: '2026-11-24T11:00:00' },
        recurrence: { rule: 'FREQ=DAILY;COUNT=3', exdates: [{ ...floating, dateTime: '2026-11-25T10:00:00' }, { allDay: true, date: '2026-11-26' }] },
      }),
      context(''),
    );
    expect([copy.start, copy.end, copy.recurrence]).toEqual([
      { allDay: false, dateTime: '2026-11-24T10:00:00', timeZone: 'America/New_York' },
      { allDay: false, dateTime: '2026-11-24T11:00:00', timeZone: 'America/New_York' },
      { rule: 'FREQ=DAILY;COUNT=3', exdates: [{ allDay: false, dateTime: '2026-11-25T10:00:00', timeZone: 'America/New_York' }, { allDay: true, date: '2026-11-26' }] },
    ]);
    const occurrence = buildCopy(source({ id: 'src-1#x', occurrenceOf: { seriesId: 'series-src', originalStart: floating } }), context(''));
    expect(occurrence.occurrenceOf).toEqual({ seriesId: 'series-src', originalStart: { ...floating, timeZone: 'America/New_York' } });
  });

  it('never carries people, whatever the source had (property)', () => {
    const person = fc.record({ email: fc.option(fc.emailAddress()), name: fc.option(fc.string()) });
    fc.assert(
      fc.property(
        fc.array(fc.record({ email: fc.option(fc.emailAddress()), name: fc.option(fc.string()), response: fc.constant('accepted' as const), optional: fc.boolean() })),
        fc.option(person),
        fc.subarray(['subject', 'description', 'location', 'contact', 'conference', 'private', 'busyonly']),
        (attendees, organizer, tokens) => {
          const copy = buildCopy(source({ attendees, organizer }), context(tokens.join('|')));
          expect([copy.attendees, copy.organizer, copy.selfResponse]).toEqual([[], null, null]);
        },
      ),
    );
  });
});

describe('copyTitle', () => {
  it.each([
    ['subject', null, 'busy', 'Standup', 'Standup'],
    ['subject', '(from mls)', 'busy', 'Standup', 'Standup (from mls)'],
    ['', '(from mls)', 'busy', 'Standup', 'Busy (from mls)'],
    ['', null, 'free', 'Standup', 'Free'],
    ['subject', '  ', 'busy', 'Standup', 'Standup'],
    ['subject', null, 'busy', '   ', 'Busy'],
  ] as const)('policy %j, tag %j, %s event titled %j → %j', (raw, tag, transparency, title, expected) => {
    expect(copyTitle(source({ title, transparency }), { policy: policy(raw), tag })).toBe(expected);
  });
});

describe('copyDescription', () => {
  it('contact without organizer or attendees adds nothing', () => {
    expect(copyDescription(source({ organizer: null, attendees: [], description: null }), policy('contact'))).toBeNull();
  });
  it('conference without a link adds nothing', () => {
    expect(copyDescription(source({ onlineMeetingUrl: null }), policy('conference'))).toBeNull();
  });
});

describe('personText', () => {
  it.each([
    [{ email: 'a@x.test', name: 'Ann' }, 'Ann <a@x.test>'],
    [{ email: 'a@x.test', name: null }, 'a@x.test'],
    [{ email: 'a@x.test', name: 'A@X.test' }, 'a@x.test'],
    [{ email: null, name: 'Ann' }, 'Ann'],
    [{ email: null, name: ' ' }, null],
  ])('%j → %j', (person, expected) => {
    expect(personText(person)).toBe(expected);
  });
});

describe('withZone', () => {
  it('keeps zoned times and dates', () => {
    expect(withZone({ allDay: true, date: '2026-01-01' }, 'UTC')).toEqual({ allDay: true, date: '2026-01-01' });
    expect(withZone({ allDay: false, dateTime: '2026-01-01T10:00:00', timeZone: 'Asia/Tokyo' }, 'UTC')).toEqual({
      allDay: false,
      dateTime: '2026-01-01T10:00:00',
      timeZone: 'Asia/Tokyo',
    });
  });
});
