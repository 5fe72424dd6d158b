import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GoogleEmulator } from '../../src/sandbox/google/google-emulator';
import { MicrosoftEmulator } from '../../src/sandbox/microsoft/microsoft-emulator';
import { EmulatorPersistence } from '../../src/sandbox/persistence/emulator-persistence';
import { google } from 'googleapis';
import { googleOAuthFetch } from '../../src/providers/google/googleapis-options';
import { startEmulator as startGoogleEmulator } from '../emulators/google/google-test-server';
import { graphClient, linkPath, seedTenant, startEmulator, type EmulatorEnv } from '../emulators/microsoft/microsoft-test-env';

/** What a snapshot file carries: plain JSON, nothing that JSON would silently drop. */
const throughJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('emulator state export/import', () => {
  it('Google: mailboxes, calendars, events (series with exceptions) and the change sequence come back', () => {
    const before = new GoogleEmulator({ mailboxes: [{ email: 'ann@acme.test', timeZone: 'America/New_York' }] });
    before.createCalendar('ann@acme.test', { summary: 'Side projects' });
    before.seedEvents('ann@acme.test', [
      { summary: 'Single', start: { dateTime: '2030-01-07T09:00:00-05:00' }, end: { dateTime: '2030-01-07T09:30:00-05:00' } },
      {
        summary: 'Weekly',
        start: { dateTime: '2030-01-08T10:00:00', timeZone: 'America/New_York' },
        end: { dateTime: '2030-01-08T10:30:00', timeZone: 'America/New_York' },
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
        exceptions: [{ originalStartTime: { dateTime: '2030-01-15T10:00:00', timeZone: 'America/New_York' }, summary: 'Weekly (moved)' }],
      },
    ]);
    const sa = before.registerServiceAccount({ clientEmail: 'sa@project.iam.gserviceaccount.com' });
    before.grantDomainWideDelegation({ domain: 'acme.test', serviceAccount: sa.clientEmail });

    const after = new GoogleEmulator();
    after.importState(throughJson(before.exportState()));
    expect(after.listMailboxes()).toEqual(before.listMailboxes());
    expect(after.listCalendars('ann@acme.test')).toEqual(before.listCalendars('ann@acme.test'));
    expect(after.readEvents('ann@acme.test')).toEqual(before.readEvents('ann@acme.test'));
    expect(after.readEvents('ann@acme.test').map((e) => e.summary)).toEqual(['Single', 'Weekly', 'Weekly (moved)']);
    // The sequence continues: a new write gets a later etag than anything before the restart.
    const lastEtag = Number(/"(\d+)"/.exec(before.readEvents('ann@acme.test').at(-1)!.etag!)![1]);
    const [fresh] = after.seedEvents('ann@acme.test', [{ summary: 'After', start: { date: '2030-02-01' }, end: { date: '2030-02-02' } }]);
    expect(Number(/"(\d+)"/.exec(fresh.etag!)![1])).toBeGreaterThan(lastEtag);
    expect(after.exportState().oauth.delegations).toEqual([{ domain: 'acme.test', clientId: sa.clientId }]);
  });

  it('Google: keeps user grants, drops service-account grants once their access token expired', async () => {
    // gtoken signs assertions with the real clock; the emulator's clock starts there and moves on.
    let now = Date.now();
    const server = await startGoogleEmulator({ clock: () => now, mailboxes: [{ email: 'ann@acme.test' }] });
    try {
      const sa = server.emulator.registerServiceAccount({ clientEmail: 'sa@project.iam.gserviceaccount.com' });
      server.emulator.grantDomainWideDelegation({ domain: 'acme.test', serviceAccount: sa.clientEmail });
      const user = server.emulator.issueTokens({ mailbox: 'ann@acme.test' });
      const jwt = new google.auth.JWT({
        email: sa.clientEmail,
        key: sa.privateKeyPem,
        scopes: ['https://www.googleapis.com/auth/calendar'],
        subject: 'ann@acme.test',
        transporterOptions: { fetchImplementation: googleOAuthFetch(server.base) },
      });
      await jwt.authorize();
      const kinds = () => server.emulator.exportState().oauth.grants.map((g) => g.kind).sort();
      expect(kinds()).toEqual(['service-account', 'user']);
      now += 3601_000;
      expect(kinds()).toEqual(['user']);
      expect(server.emulator.exportState().oauth.grants[0].refreshToken).toBe(user.refresh_token);
    } finally {
      await server.close();
    }
  });

  it('Microsoft: series exceptions, cancelled occurrences and transaction ids come back', () => {
    const before = new MicrosoftEmulator({ mailboxes: [{ email: 'carol@contoso.test', timeZone: 'Europe/London' }] });
    before.seedEvent('carol@contoso.test', {
      subject: 'Standup',
      transactionId: 'tx-1',
      start: { dateTime: '2030-01-07T09:00:00', timeZone: 'GMT Standard Time' },
      end: { dateTime: '2030-01-07T09:15:00', timeZone: 'GMT Standard Time' },
      recurrence: { pattern: { type: 'daily', interval: 1 }, range: { type: 'numbered', startDate: '2030-01-07', numberOfOccurrences: 5 } },
      exceptions: [{ originalStartDate: '2030-01-08', subject: 'Standup (long)' }],
      cancelledOccurrences: ['2030-01-09'],
    });
    const after = new MicrosoftEmulator();
    after.importState(throughJson(before.exportState()));
    expect(after.listMailboxes()).toEqual(before.listMailboxes());
    expect(after.listStoredEvents('carol@contoso.test')).toEqual(before.listStoredEvents('carol@contoso.test'));
    const [series] = after.listStoredEvents('carol@contoso.test') as { cancelledOccurrences: string[]; exceptionOccurrences: { subject: string }[] }[];
    expect(series.cancelledOccurrences).toHaveLength(1);
    expect(series.exceptionOccurrences.map((o) => o.subject)).toEqual(['Standup (long)']);
  });

  it('Microsoft: a delta link and an access token issued before the restart still work after it', async () => {
    const first = await startEmulator({ delta: { replays: false, phantomRemovals: false } });
    const second = await startEmulator({ delta: { replays: false, phantomRemovals: false } });
    try {
      const tenant = seedTenant(first);
      const window = 'startDateTime=2030-01-01T00:00:00Z&endDateTime=2030-02-01T00:00:00Z';
      first.emulator.seedEvent(tenant.alice.email, { subject: 'Seen', start: { dateTime: '2030-01-10T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2030-01-10T10:00:00', timeZone: 'UTC' } });
      const round = (await graphClient(first, tenant.aliceToken).api(`/me/calendarView/delta?${window}`).get()) as { value: { subject: string }[]; '@odata.deltaLink': string };
      expect(round.value.map((e) => e.subject)).toEqual(['Seen']);

      second.emulator.importState(throughJson(first.emulator.exportState()));
      second.emulator.seedEvent(tenant.alice.email, { subject: 'New', start: { dateTime: '2030-01-11T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2030-01-11T10:00:00', timeZone: 'UTC' } });
      const client = graphClient(second as EmulatorEnv, tenant.aliceToken);
      const next = (await client.api(linkPath(first, round['@odata.deltaLink'])).get()) as { value: { subject: string }[] };
      expect(next.value.map((e) => e.subject)).toEqual(['New']);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});

describe('EmulatorPersistence', () => {
  const warnings: string[] = [];
  const log = { info: () => undefined, warn: (m: string) => warnings.push(m) };
  beforeEach(() => {
    warnings.length = 0;
  });

  it('writes owner-only snapshots and restores them into a new emulator', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-state-'));
    const file = join(dir, 'sandbox', 'google-emulator.json');
    const emulator = new GoogleEmulator({ mailboxes: [{ email: 'ann@acme.test' }] });
    emulator.seedEvents('ann@acme.test', [{ summary: 'Kept', start: { date: '2030-01-01' }, end: { date: '2030-01-02' } }]);
    const saver = new EmulatorPersistence(log);
    saver.add('google', emulator, file);
    saver.markDirty('google');
    saver.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'sandbox'))).toEqual(['google-emulator.json']);

    const restored = new GoogleEmulator();
    const loader = new EmulatorPersistence(log);
    loader.add('google', restored, file);
    loader.restore();
    expect(restored.readEvents('ann@acme.test').map((e) => e.summary)).toEqual(['Kept']);
    expect(warnings).toEqual([]);
  });

  it('writes nothing unless something was marked changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-state-'));
    const persistence = new EmulatorPersistence(log);
    persistence.add('google', new GoogleEmulator(), join(dir, 'google-emulator.json'));
    persistence.close();
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    ['not JSON', '{"format":', 'not JSON'],
    ['another format', '{"hello":"world"}', 'not an emulator state file'],
    ['a future version', '{"format":"calendar-bridge-emulator-state","version":2,"state":{}}', 'unsupported version 2'],
    ['a state of the wrong shape', '{"format":"calendar-bridge-emulator-state","version":1,"state":{"store":{"seq":1,"mailboxes":{},"calendars":[]}}}', 'google.store.mailboxes must be an array'],
  ])('moves %s aside with a warning and keeps the seeded emulator', (_name, contents, reason) => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-state-'));
    const file = join(dir, 'google-emulator.json');
    writeFileSync(file, contents);
    const emulator = new GoogleEmulator({ mailboxes: [{ email: 'ann@acme.test' }] });
    const persistence = new EmulatorPersistence(log);
    persistence.add('google', emulator, file);
    persistence.restore();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`(${reason}`);
    const aside = readdirSync(dir).filter((f) => f.startsWith('google-emulator.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]), 'utf8')).toBe(contents);
    expect(emulator.listMailboxes().map((m) => m.email)).toEqual(['ann@acme.test']);
    // The next save puts a good file back in its place.
    persistence.close();
    expect(JSON.parse(readFileSync(file, 'utf8')).state.store.mailboxes.map((m: { email: string }) => m.email)).toEqual(['ann@acme.test']);
  });
});
