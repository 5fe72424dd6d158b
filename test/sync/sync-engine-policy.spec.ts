import { randomBytes } from 'node:crypto';
import { isRadicaleAvailable, RunningRadicale, startRadicale } from '../support/radicale';
import { BERLIN_TZ, insertLink, newCalendars, openWorld, putSource, rawVevents, SyncWorld, syncRequest, vcalendar, vevent } from './support/sync-harness';

const describeIfRadicale = isRadicaleAvailable() || process.env.CI === 'true' ? describe : describe.skip;

const STANDUP = vcalendar(
  BERLIN_TZ,
  vevent('standup', [
    'DTSTART;TZID=Europe/Berlin:20261124T100000', 'DTEND;TZID=Europe/Berlin:20261124T101500', 'SUMMARY:Standup', 'DESCRIPTION:Daily sync',
    'LOCATION:Room 4', 'ORGANIZER;CN=Olga Organizer:mailto:olga@example.test', 'ATTENDEE;CN=Alice;PARTSTAT=ACCEPTED:mailto:alice@example.test',
    'ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:bob@example.test', 'CONFERENCE;VALUE=URI:https://meet.example.test/abc',
  ]),
);
const LUNCH = vcalendar(vevent('lunch', ['DTSTART:20261124T110000Z', 'DTEND:20261124T120000Z', 'SUMMARY:Lunch', 'TRANSP:TRANSPARENT']));
const DECLINED = vcalendar(
  vevent('declined', ['DTSTART:20261125T130000Z', 'DTEND:20261125T140000Z', 'SUMMARY:Declined review', 'ATTENDEE;PARTSTAT=DECLINED:mailto:source@example.test']),
);
const FLOATING = vcalendar(vevent('floating', ['DTSTART:20261126T090000', 'DTEND:20261126T093000', 'SUMMARY:Floating']));
const HOLIDAY = vcalendar(vevent('holiday', ['DTSTART;VALUE=DATE:20261225', 'DTEND;VALUE=DATE:20261226', 'SUMMARY:Holiday', 'TRANSP:OPAQUE']));
/** A copy another link made: it must never be copied again. */
const FOREIGN_COPY = vcalendar(
  vevent('foreign-copy', ['DTSTART:20261127T090000Z', 'DTEND:20261127T100000Z', 'SUMMARY:Busy', 'X-CALENDAR-BRIDGE-LINK:other-link', 'X-CALENDAR-BRIDGE-SOURCE:elsewhere']),
);
const OUT_OF_WINDOW = vcalendar(vevent('old', ['DTSTART:20250101T090000Z', 'DTEND:20250101T100000Z', 'SUMMARY:Old']));

const ALL_SOURCES: Record<string, string> = {
  'standup.ics': STANDUP,
  'lunch.ics': LUNCH,
  'declined.ics': DECLINED,
  'floating.ics': FLOATING,
  'holiday.ics': HOLIDAY,
  'foreign-copy.ics': FOREIGN_COPY,
  'old.ics': OUT_OF_WINDOW,
};

describeIfRadicale('sync engine: a full sync applies the policy (CalDAV → CalDAV on Radicale)', () => {
  let radicale: RunningRadicale;
  let world: SyncWorld;

  beforeAll(async () => {
    radicale = await startRadicale();
    world = await openWorld();
  });
  afterAll(async () => {
    await world?.close();
    await radicale?.stop();
  });

  async function syncOnce(sources: Record<string, string>, policy: string, tag: string | null = null) {
    const { source, destination } = await newCalendars(radicale);
    for (const [filename, ics] of Object.entries(sources)) await putSource(source, filename, ics);
    const suffix = randomBytes(4).toString('hex');
    const linkId = await insertLink(world, `source-${suffix}@example.test`, `dest-${suffix}@example.test`, policy);
    const result = await world.engine.syncLink(syncRequest(world, { linkId, radicale, source, destination, policy, tag }));
    return { result, linkId, source, destination, copies: await rawVevents(destination) };
  }

  const byTitle = (copies: Awaited<ReturnType<typeof rawVevents>>, title: string) => {
    const found = copies.filter((copy) => copy.props.SUMMARY?.[0] === title);
    if (found.length !== 1) throw new Error(`expected one copy titled ${title}, found ${found.length}`);
    return found[0];
  };

  it('with every field and a tag: one copy per source event in the window, tagged, marked, without attendees', async () => {
    const { result, linkId, source, copies } = await syncOnce(ALL_SOURCES, 'subject|description|location|contact|conference', '(from mls)');
    expect(result).toEqual({ cursor: expect.any(String), fullScan: true, created: 5, updated: 0, deleted: 0, unchanged: 0, skipped: 1, failed: 0 });
    expect(copies.map((copy) => copy.props.SUMMARY[0])).toEqual([
      'Declined review (from mls)',
      'Floating (from mls)',
      'Holiday (from mls)',
      'Lunch (from mls)',
      'Standup (from mls)',
    ]);
    const standup = byTitle(copies, 'Standup (from mls)');
    expect(standup.props.DESCRIPTION).toEqual([
      'Daily sync\n\nOrganizer: Olga Organizer <olga@example.test>\nAttendees: Alice <alice@example.test>, bob@example.test\n\nJoin online: https://meet.example.test/abc',
    ]);
    expect(standup.props.LOCATION).toEqual(['Room 4']);
    expect(standup.props.CONFERENCE).toEqual(['https://meet.example.test/abc']);
    expect(standup.props['X-CALENDAR-BRIDGE-LINK']).toEqual([linkId]);
    expect(standup.props['X-CALENDAR-BRIDGE-SOURCE']).toEqual([new URL('standup.ics', source.calendar.url).toString()]);
    expect(standup.startTzid).toBe('Europe/Berlin');
    expect(standup.props.DTSTART).toEqual(['2026-11-24T10:00:00']);
    for (const copy of copies) {
      expect(copy.names).not.toContain('ATTENDEE');
      expect(copy.names).not.toContain('ORGANIZER');
      expect(copy.names).not.toContain('CLASS');
    }
    // Floating times get the link's source zone; all-day stays all-day.
    const floating = byTitle(copies, 'Floating (from mls)');
    expect([floating.props.DTSTART, floating.startTzid]).toEqual([['2026-11-26T09:00:00'], 'Europe/Berlin']);
    const holiday = byTitle(copies, 'Holiday (from mls)');
    expect([holiday.props.DTSTART, holiday.props.DTEND, holiday.startTzid]).toEqual([['2026-12-25'], ['2026-12-26'], null]);
    expect(byTitle(copies, 'Lunch (from mls)').props.TRANSP).toEqual(['TRANSPARENT']);
  });

  it('without subject: copies are titled Busy, or Free for a free event, and carry nothing else', async () => {
    const { result, copies } = await syncOnce({ 'standup.ics': STANDUP, 'lunch.ics': LUNCH }, '');
    expect([result.created, result.skipped]).toEqual([2, 0]);
    expect(copies.map((copy) => copy.props.SUMMARY[0])).toEqual(['Busy', 'Free']);
    for (const copy of copies) {
      expect(copy.names.filter((name) => ['DESCRIPTION', 'LOCATION', 'CONFERENCE', 'ATTENDEE', 'ORGANIZER'].includes(name))).toEqual([]);
    }
  });

  it.each([
    ['subject', { SUMMARY: ['Standup'] }],
    ['description', { SUMMARY: ['Busy'], DESCRIPTION: ['Daily sync'] }],
    ['location', { SUMMARY: ['Busy'], LOCATION: ['Room 4'] }],
    ['contact', { SUMMARY: ['Busy'], DESCRIPTION: ['Organizer: Olga Organizer <olga@example.test>\nAttendees: Alice <alice@example.test>, bob@example.test'] }],
    ['conference', { SUMMARY: ['Busy'], DESCRIPTION: ['Join online: https://meet.example.test/abc'], CONFERENCE: ['https://meet.example.test/abc'] }],
  ])('policy %s alone carries exactly that field', async (policy, expected) => {
    const { copies } = await syncOnce({ 'standup.ics': STANDUP }, policy);
    expect(copies).toHaveLength(1);
    const carried = Object.fromEntries(['SUMMARY', 'DESCRIPTION', 'LOCATION', 'CONFERENCE'].filter((name) => copies[0].props[name]).map((name) => [name, copies[0].props[name]]));
    expect(carried).toEqual(expected);
  });

  it('private marks every copy private (CLASS:PRIVATE)', async () => {
    const { copies } = await syncOnce({ 'standup.ics': STANDUP, 'holiday.ics': HOLIDAY }, 'subject|private');
    expect(copies.map((copy) => [copy.props.SUMMARY[0], copy.props.CLASS])).toEqual([
      ['Holiday', ['PRIVATE']],
      ['Standup', ['PRIVATE']],
    ]);
  });

  it('busyonly leaves out free events and events the source mailbox declined', async () => {
    const { result, copies } = await syncOnce(ALL_SOURCES, 'subject|busyonly');
    expect(result).toMatchObject({ created: 3, skipped: 3, failed: 0 });
    expect(copies.map((copy) => copy.props.SUMMARY[0])).toEqual(['Floating', 'Holiday', 'Standup']);
  });

  it('busyonly deletes the copy of an event that became free on the next sync', async () => {
    const first = await syncOnce({ 'standup.ics': STANDUP, 'holiday.ics': HOLIDAY }, 'subject|busyonly');
    expect(first.copies).toHaveLength(2);
    await putSource(first.source, 'holiday.ics', HOLIDAY.replace('TRANSP:OPAQUE', 'TRANSP:TRANSPARENT'));
    const request = syncRequest(world, { linkId: first.linkId, radicale, source: first.source, destination: first.destination, policy: 'subject|busyonly', cursor: first.result.cursor });
    const second = await world.engine.syncLink(request);
    expect(second).toMatchObject({ fullScan: false, created: 0, updated: 0, deleted: 1, skipped: 1, failed: 0 });
    expect((await rawVevents(first.destination)).map((copy) => copy.props.SUMMARY[0])).toEqual(['Standup']);
    expect(await world.mappings.listForLink(world.tenantId, first.linkId)).toHaveLength(1);
  });
});
