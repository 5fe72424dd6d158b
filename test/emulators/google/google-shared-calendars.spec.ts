import type { calendar_v3 } from 'googleapis';
import { calendarFor, failure, listAllCalendars, readJson, startEmulator, type TestServer } from './google-test-server';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CAROL = 'carol@example.com';

/** Google's answer to a write by a reader (https://developers.google.com/calendar/api/guides/errors). */
const REQUIRED_ACCESS_LEVEL = {
  error: {
    code: 403,
    message: 'You need to have writer access to this calendar.',
    errors: [{ domain: 'calendar', reason: 'requiredAccessLevel', message: 'You need to have writer access to this calendar.' }],
  },
};

const timed = (summary: string): calendar_v3.Schema$Event => ({
  summary,
  start: { dateTime: '2030-01-10T09:00:00Z' },
  end: { dateTime: '2030-01-10T10:00:00Z' },
});

/**
 * Calendars shared with another user: calendarList shows each with the caller's accessRole
 * (https://developers.google.com/calendar/api/v3/reference/calendarList), and events writes need
 * writer or owner access.
 */
describe('Google emulator: calendars shared with reader, freeBusyReader and writer access', () => {
  let server: TestServer;
  let bob: calendar_v3.Calendar;
  let team: string;
  let board: string;
  let project: string;
  let seededId: string;

  beforeAll(async () => {
    server = await startEmulator({ paging: { shortPages: false } });
  });
  afterAll(() => server.close());

  beforeEach(() => {
    server.emulator.reset();
    for (const email of [ALICE, BOB, CAROL]) server.emulator.createMailbox({ email });
    team = server.emulator.createCalendar(ALICE, { summary: 'Team' }).id;
    board = server.emulator.createCalendar(ALICE, { summary: 'Board' }).id;
    project = server.emulator.createCalendar(ALICE, { summary: 'Project' }).id;
    server.emulator.shareCalendar(team, { email: BOB, role: 'reader' });
    server.emulator.shareCalendar(board, { email: BOB, role: 'freeBusyReader' });
    server.emulator.shareCalendar(project, { email: BOB, role: 'writer' });
    seededId = server.emulator.seedEvents(team, [timed('Stand-up')])[0].id!;
    bob = calendarFor(server, BOB).calendar;
  });

  it("calendarList.list shows the shared calendars with the caller's accessRole; the owner still sees owner", async () => {
    const entries = await listAllCalendars(bob);
    expect(entries.map((e) => [e.id, e.summary, e.accessRole, e.primary ?? false])).toEqual([
      [BOB, BOB, 'owner', true],
      [team, 'Team', 'reader', false],
      [board, 'Board', 'freeBusyReader', false],
      [project, 'Project', 'writer', false],
    ]);
    const alice = await listAllCalendars(calendarFor(server, ALICE).calendar);
    expect(alice.map((e) => [e.id, e.accessRole])).toEqual([
      [ALICE, 'owner'],
      [team, 'owner'],
      [board, 'owner'],
      [project, 'owner'],
    ]);
    // Not shared with carol: neither listed nor reachable.
    expect((await listAllCalendars(calendarFor(server, CAROL).calendar)).map((e) => e.id)).toEqual([CAROL]);
    expect((await failure(calendarFor(server, CAROL).calendar.events.list({ calendarId: team }))).status).toBe(404);
  });

  it('a primary calendar shared with another user is not that user\'s primary', async () => {
    server.emulator.shareCalendar(ALICE, { email: BOB, role: 'reader' });
    const entry = (await bob.calendarList.get({ calendarId: ALICE })).data;
    expect(entry).toMatchObject({ id: ALICE, accessRole: 'reader' });
    expect(entry.primary).toBeUndefined();
  });

  it('a reader reads events and is refused every write with 403 requiredAccessLevel, leaving the calendar unchanged', async () => {
    expect((await bob.events.list({ calendarId: team })).data.items?.map((e) => e.summary)).toEqual(['Stand-up']);
    expect((await bob.events.get({ calendarId: team, eventId: seededId })).data.summary).toBe('Stand-up');
    const attempts = [
      () => bob.events.insert({ calendarId: team, requestBody: timed('Mine') }),
      () => bob.events.update({ calendarId: team, eventId: seededId, requestBody: timed('Renamed') }),
      () => bob.events.patch({ calendarId: team, eventId: seededId, requestBody: { summary: 'Patched' } }),
      () => bob.events.delete({ calendarId: team, eventId: seededId }),
    ];
    for (const attempt of attempts) {
      const refused = await failure(attempt());
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual(REQUIRED_ACCESS_LEVEL);
    }
    expect(server.emulator.readEvents(team).map((e) => [e.summary, e.status])).toEqual([['Stand-up', 'confirmed']]);
  });

  it('freeBusyReader is refused writes the same way; a writer may write', async () => {
    const refused = await failure(bob.events.insert({ calendarId: board, requestBody: timed('Mine') }));
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual(REQUIRED_ACCESS_LEVEL);
    expect(server.emulator.readEvents(board)).toEqual([]);

    const written = await bob.events.insert({ calendarId: project, requestBody: timed('Written by Bob') });
    expect(written.status).toBe(200);
    expect(server.emulator.readEvents(project).map((e) => e.summary)).toEqual(['Written by Bob']);
  });

  it('calendar.events.owned reaches only calendars the mailbox owns: a writer share answers 404 under it', async () => {
    const owned = calendarFor(server, BOB, 'https://www.googleapis.com/auth/calendar.events.owned').calendar;
    expect((await owned.events.insert({ calendarId: 'primary', requestBody: timed('Own') })).status).toBe(200);
    const shared = await failure(owned.events.insert({ calendarId: project, requestBody: timed('Shared') }));
    expect(shared.status).toBe(404);
    expect(shared.body.error.errors[0]).toEqual({ domain: 'global', reason: 'notFound', message: 'Not Found' });
    expect(server.emulator.readEvents(project)).toEqual([]);
  });

  it('a batch sub-request writing into a reader calendar answers 403 requiredAccessLevel; its neighbour succeeds', async () => {
    const { accessToken } = calendarFor(server, BOB);
    const prefix = server.base.replace(server.origin, '');
    const part = (id: string, calendarId: string) =>
      [
        '--b',
        'Content-Type: application/http',
        `Content-ID: <${id}>`,
        '',
        `POST ${prefix}/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events HTTP/1.1`,
        'Content-Type: application/json',
        '',
        JSON.stringify(timed(id)),
      ].join('\r\n');
    const res = await fetch(`${server.base}/batch/calendar/v3`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'multipart/mixed; boundary=b' },
      body: `${part('to-reader', team)}\r\n${part('to-writer', project)}\r\n--b--\r\n`,
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    expect(statuses).toEqual([403, 200]);
    expect(text).toContain('"reason":"requiredAccessLevel"');
    expect(server.emulator.readEvents(team).map((e) => e.summary)).toEqual(['Stand-up']);
    expect(server.emulator.readEvents(project).map((e) => e.summary)).toEqual(['to-writer']);
  });

  it('the control API shares over HTTP and refuses unknown roles, mailboxes and calendars with 400', async () => {
    const post = (calendarId: string, body: unknown) =>
      fetch(`${server.base}/_control/calendars/${encodeURIComponent(calendarId)}/acl`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ok = await post(team, { email: CAROL, role: 'reader' });
    expect(ok.status).toBe(200);
    expect(await readJson(ok)).toEqual({ calendarId: team, email: CAROL, role: 'reader' });
    expect((await listAllCalendars(calendarFor(server, CAROL).calendar)).map((e) => [e.id, e.accessRole])).toEqual([
      [CAROL, 'owner'],
      [team, 'reader'],
    ]);
    // Raising the role later lets carol write.
    expect((await post(team, { email: CAROL, role: 'writer' })).status).toBe(200);
    expect((await calendarFor(server, CAROL).calendar.events.insert({ calendarId: team, requestBody: timed('Carol') })).status).toBe(200);

    const badRole = await post(team, { email: CAROL, role: 'admin' });
    expect(badRole.status).toBe(400);
    expect(await readJson(badRole)).toEqual({ error: 'role must be one of owner, writer, reader, freeBusyReader' });
    expect((await readJson(await post(team, { email: 'nobody@example.com', role: 'reader' }))).error).toBe('unknown mailbox: nobody@example.com');
    expect((await readJson(await post('nope@group.calendar.google.com', { email: CAROL, role: 'reader' }))).error).toBe(
      'unknown calendar: nope@group.calendar.google.com',
    );
    expect((await readJson(await post(team, { email: ALICE, role: 'reader' }))).error).toBe('the owner of a calendar cannot be given another role');
  });

  it('shares survive exportState/importState', async () => {
    const state = JSON.parse(JSON.stringify(server.emulator.exportState()));
    server.emulator.reset();
    server.emulator.importState(state);
    const entries = await listAllCalendars(calendarFor(server, BOB).calendar);
    expect(entries.map((e) => [e.id, e.accessRole])).toEqual([
      [BOB, 'owner'],
      [team, 'reader'],
      [board, 'freeBusyReader'],
      [project, 'writer'],
    ]);
  });
});
