import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestApp, TestApp } from '../support/app';
import { http } from '../support/http';
import { seedTimeZones } from '../ics/ics-helpers';
import { createLinksTenant, LinksTenant, SEED_ADD, SEED_DELETE } from './links-fixtures';
import { jobs, sql } from './sql';

const run = promisify(execFile);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const VALID_TOKENS = 'subject, description, location, contact, conference, private, busyonly';

/**
 * POST /links and the link views over real HTTP against real Postgres. This app only enqueues
 * (LINKS_QUEUE_CONCURRENCY=0), so links stay `queued` and the jobs can be read in graphile_worker.
 */
describe('Links API (seed 000)', () => {
  let t: TestApp;
  let org: LinksTenant;
  let other: LinksTenant;

  const post = (json: unknown, key = org.apiKey) => http(t.baseUrl, 'POST', '/links', { headers: { cb_key: key }, json });

  beforeAll(async () => {
    t = await startTestApp({ LINKS_QUEUE_CONCURRENCY: '0', LINKS_CRON_ENABLED: 'false' });
    org = await createLinksTenant(t.baseUrl, t.adminToken, 'MLS');
    other = await createLinksTenant(t.baseUrl, t.adminToken, 'Other', { google: ['other.test'], ms: ['other-ms.test'], caldav: [] });
  });
  afterAll(() => t.close());

  describe('the seed requests', () => {
    it("the seed's add curl, as written (header line fixed to `cb_key: …`), queues the link: 200 with the message and the link id", async () => {
      const { stdout } = await run('curl', [
        '-s', '-w', '\n%{http_code}', '--request', 'POST', '--url', `${t.baseUrl}/links`,
        '--header', `cb_key: ${org.apiKey}`,
        '--data', JSON.stringify(SEED_ADD),
      ]);
      const [body, status] = stdout.split('\n');
      expect(status).toBe('200');
      const parsed = JSON.parse(body);
      expect(parsed).toEqual({ message: 'added to queue', linkId: expect.stringMatching(UUID) });

      const [row] = await sql(t.database.url, 'SELECT * FROM links WHERE id = $1', [parsed.linkId]);
      expect(row).toMatchObject({
        tenant_id: org.tenantId,
        source_email: 'tester@managelegalspend.com',
        source_type: 'google',
        source_tz: 'America/Chicago',
        destination_email: 'pradeepg@tzv1w.onmicrosoft.com',
        destination_type: 'ms',
        destination_tz: 'America/Chicago',
        policy: 'subject|description|location|contact',
        tag: '(from mls)',
        status: 'queued',
      });
      expect(await jobs(t.database.url)).toEqual([
        { task_identifier: 'links.sync', queue_name: `tenant:${org.tenantId}`, key: `links:sync:${parsed.linkId}`, payload: { tenantId: org.tenantId, linkId: parsed.linkId } },
      ]);
    });

    it('the same tenant, source and destination again → 400 "Sync already exists" while the first is still queued', async () => {
      const again = await post({ ...SEED_ADD, policy: 'subject' });
      expect(again.status).toBe(400);
      expect(again.body).toEqual({ message: 'Sync already exists' });
      expect(await sql(t.database.url, 'SELECT count(*)::int AS n FROM links')).toEqual([{ n: 1 }]);
    });

    it('e-mails differing only in case are the same mailboxes → still a duplicate', async () => {
      const again = await post({ ...SEED_ADD, sourceEmail: 'Tester@ManageLegalSpend.com' });
      expect(again.status).toBe(400);
      expect(again.body).toEqual({ message: 'Sync already exists' });
    });

    it('a body with no Content-Type at all is read as JSON', async () => {
      const response = await fetch(`${t.baseUrl}/links`, {
        method: 'POST',
        headers: { cb_key: org.apiKey },
        body: JSON.stringify({ ...SEED_ADD, destinationEmail: 'no-content-type@tzv1w.onmicrosoft.com' }),
      });
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(response.status).toBe(200);
      expect(((await response.json()) as { message: string }).message).toBe('added to queue');
    });

    it("the seed's delete → 200 \"added to queue\", the link is `deleting` and a delete job is queued after the sync", async () => {
      const [link] = await sql<{ id: string }>(t.database.url, "SELECT id FROM links WHERE destination_email = 'pradeepg@tzv1w.onmicrosoft.com'");
      const { stdout } = await run('curl', ['-s', '-w', '\n%{http_code}', '--request', 'POST', '--url', `${t.baseUrl}/links`, '--header', `cb_key: ${org.apiKey}`, '--data', JSON.stringify(SEED_DELETE)]);
      const [body, status] = stdout.split('\n');
      expect(status).toBe('200');
      expect(JSON.parse(body)).toEqual({ message: 'added to queue', linkId: link.id });
      expect(await sql(t.database.url, 'SELECT status FROM links WHERE id = $1', [link.id])).toEqual([{ status: 'deleting' }]);
      const forLink = (await jobs(t.database.url)).filter((job) => job.payload.linkId === link.id);
      expect(forLink.map((job) => [job.task_identifier, job.queue_name])).toEqual([
        ['links.sync', `tenant:${org.tenantId}`],
        ['links.delete', `tenant:${org.tenantId}`],
      ]);
      // Asking again while the deletion waits queues nothing more.
      expect((await post(SEED_DELETE)).status).toBe(200);
      expect(await sql(t.database.url, "SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'links.delete'")).toEqual([{ n: 1 }]);
      // Still there until the job ran: adding it again is a duplicate.
      expect((await post(SEED_ADD)).body).toEqual({ message: 'Sync already exists' });
    });

    it('deleting a sync that does not exist → 404 "Sync not found"', async () => {
      const response = await post({ ...SEED_DELETE, destinationEmail: 'nobody@tzv1w.onmicrosoft.com' });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ message: 'Sync not found' });
    });

    it('deleting with the wrong types for an existing pair → 404 "Sync not found"', async () => {
      const response = await post({ ...SEED_DELETE, destinationEmail: 'no-content-type@tzv1w.onmicrosoft.com', destinationType: 'google' });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ message: 'Sync not found' });
    });

    it('another organisation cannot delete this one\'s sync (404)', async () => {
      const response = await post({ ...SEED_DELETE, destinationEmail: 'no-content-type@tzv1w.onmicrosoft.com' }, other.apiKey);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ message: 'Sync not found' });
    });
  });

  describe('authorization', () => {
    it('a source domain the organisation has not authorized → 403 in the Links shape', async () => {
      const response = await post({ ...SEED_ADD, sourceEmail: 'someone@unknown.test' });
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ message: 'The domain unknown.test is not authorized for this organisation' });
    });

    it('a destination domain of another organisation → 403', async () => {
      const response = await post({ ...SEED_ADD, destinationEmail: 'x@other-ms.test' });
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ message: 'The domain other-ms.test is not authorized for this organisation' });
    });

    it('an authorized domain named with the wrong provider type → 422 on that field', async () => {
      const response = await post({ ...SEED_ADD, destinationEmail: 'y@tzv1w.onmicrosoft.com', destinationType: 'google' });
      expect(response.status).toBe(422);
      expect(response.body).toEqual({
        message: 'Validation failed: destinationType',
        errors: [{ field: 'destinationType', message: 'tzv1w.onmicrosoft.com is authorized as a ms domain, not google' }],
      });
    });

    it('a user-scoped cal_ key → 403 in the Links shape', async () => {
      const admin = { 'x-admin-token': t.adminToken };
      const user = await http(t.baseUrl, 'POST', `/admin/tenants/${org.tenantId}/users`, { headers: admin, json: { externalId: 'links-user' } });
      const key = await http(t.baseUrl, 'POST', `/admin/tenants/${org.tenantId}/api-keys`, { headers: admin, json: { name: 'cal', userId: user.body.id } });
      expect(key.body.key).toMatch(/^cal_/);
      for (const [method, path] of [['POST', '/links'], ['GET', '/links']] as const) {
        const response = await http(t.baseUrl, method, path, { headers: { cb_key: key.body.key }, json: method === 'POST' ? SEED_ADD : undefined });
        expect(response.status).toBe(403);
        expect(response.body).toEqual({ message: 'This route takes an organisation API key; user-scoped (cal_) keys are for the bearer APIs only' });
      }
    });

    it('no key → 401, a wrong key → 401, both in the Links shape', async () => {
      const none = await http(t.baseUrl, 'POST', '/links', { json: SEED_ADD });
      expect(none.status).toBe(401);
      expect(none.body).toEqual({ message: 'Missing API key: send it in the cb_key header' });
      const wrong = await post(SEED_ADD, 'cb_nope');
      expect(wrong.status).toBe(401);
      expect(wrong.body).toEqual({ message: 'Invalid or revoked API key' });
    });
  });

  describe('validation: 422 naming each field', () => {
    const base = { ...SEED_ADD, destinationEmail: 'validation@tzv1w.onmicrosoft.com' };
    const without = (field: string) => Object.fromEntries(Object.entries(base).filter(([name]) => name !== field));

    it.each(['action', 'sourceEmail', 'sourceType', 'sourceTz', 'destinationEmail', 'destinationType', 'destinationTz', 'policy'])(
      'add without %s → 422 "%s is required"',
      async (field) => {
        const response = await post(without(field));
        expect(response.status).toBe(422);
        expect(response.body).toEqual({ message: `Validation failed: ${field}`, errors: [{ field, message: `${field} is required` }] });
      },
    );

    it.each(['action', 'sourceEmail', 'sourceType', 'destinationEmail', 'destinationType'])('delete without %s → 422', async (field) => {
      const body = Object.fromEntries(Object.entries(SEED_DELETE).filter(([name]) => name !== field));
      const response = await post(body);
      expect(response.status).toBe(422);
      expect(response.body).toEqual({ message: `Validation failed: ${field}`, errors: [{ field, message: `${field} is required` }] });
    });

    it('delete needs no time zones or policy', async () => {
      const response = await post({ ...SEED_DELETE, destinationEmail: 'validation@tzv1w.onmicrosoft.com' });
      expect(response.status).toBe(404);
    });

    const wrong: Array<[string, unknown, string]> = [
      ['action', 'create', 'action must be one of: add, delete'],
      ['action', 1, 'action must be a string'],
      ['sourceEmail', 'not-an-email', 'sourceEmail must be an e-mail address'],
      ['sourceEmail', ['tester@managelegalspend.com'], 'sourceEmail must be a string'],
      ['destinationEmail', 'a@b@c.com', 'destinationEmail must be an e-mail address'],
      ['sourceType', 'outlook', 'sourceType must be one of: google, ms, caldav'],
      ['destinationType', 'MS', 'destinationType must be one of: google, ms, caldav'],
      ['sourceTz', 'Mars/Olympus', 'sourceTz must be an IANA time zone name such as America/Chicago'],
      ['destinationTz', '+01:00', 'destinationTz must be an IANA time zone name such as America/Chicago'],
      ['destinationTz', 42, 'destinationTz must be a string'],
      ['policy', 'subject|colour', `unknown policy token(s): colour; valid tokens: ${VALID_TOKENS}`],
      ['policy', true, 'policy must be a string'],
      ['tag', 7, 'tag must be a string'],
      ['tag', 'x'.repeat(201), 'tag must be at most 200 characters of text'],
      ['extra', 'value', 'property extra should not exist'],
    ];
    it.each(wrong)('%s = %j → 422 naming it', async (field, value, message) => {
      const response = await post({ ...base, [field]: value });
      expect(response.status).toBe(422);
      expect(response.body).toEqual({ message: `Validation failed: ${field}`, errors: [{ field, message }] });
    });

    it('several problems are reported together, each with its field', async () => {
      const response = await post({ action: 'add', sourceEmail: 'bad', sourceType: 'google', destinationEmail: 'pradeepg@tzv1w.onmicrosoft.com', destinationType: 'ms', sourceTz: 'Nowhere', policy: 'nope' });
      expect(response.status).toBe(422);
      expect(response.body).toEqual({
        message: 'Validation failed: sourceEmail, sourceTz, destinationTz, policy',
        errors: [
          { field: 'sourceEmail', message: 'sourceEmail must be an e-mail address' },
          { field: 'sourceTz', message: 'sourceTz must be an IANA time zone name such as America/Chicago' },
          { field: 'destinationTz', message: 'destinationTz is required' },
          { field: 'policy', message: `unknown policy token(s): nope; valid tokens: ${VALID_TOKENS}` },
        ],
      });
    });

    it('source and destination the same mailbox → 422', async () => {
      const response = await post({ ...base, destinationEmail: 'tester@managelegalspend.com', destinationType: 'google' });
      expect(response.status).toBe(422);
      expect(response.body).toEqual({ message: 'Validation failed: destinationEmail', errors: [{ field: 'destinationEmail', message: 'destinationEmail must differ from sourceEmail' }] });
    });

    it('a body that is a JSON array → 422 on body', async () => {
      const response = await http(t.baseUrl, 'POST', '/links', { headers: { cb_key: org.apiKey, 'content-type': 'application/json' }, body: '[]' });
      expect(response.status).toBe(422);
      expect(response.body).toEqual({ message: 'Validation failed: body', errors: [{ field: 'body', message: 'request body must be a JSON object' }] });
    });

    it('a body that is not JSON → 400 in the Links shape', async () => {
      const response = await http(t.baseUrl, 'POST', '/links', { headers: { cb_key: org.apiKey }, body: '{"action": "add",' });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ message: 'Request body is not valid JSON' });
    });

    it.each(['"add"', 'null', '123'])('valid JSON that is not an object (%s) → 400 in the Links shape', async (raw) => {
      const response = await http(t.baseUrl, 'POST', '/links', { headers: { cb_key: org.apiKey }, body: raw });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ message: 'Request body must be a JSON object' });
    });

    it('policy tokens are case-insensitive, flags included, and stored normalised', async () => {
      const response = await post({ ...base, destinationEmail: 'policy@tzv1w.onmicrosoft.com', policy: 'Location| SUBJECT ||busyonly|Private|conference' });
      expect(response.status).toBe(200);
      expect(await sql(t.database.url, 'SELECT policy FROM links WHERE id = $1', [response.body.linkId])).toEqual([
        { policy: 'subject|location|conference|private|busyonly' },
      ]);
    });
  });

  describe('time zones', () => {
    it('every time zone of the seed list is accepted, for both sides (including names Intl.supportedValuesOf omits)', async () => {
      const zones = seedTimeZones();
      expect(zones).toHaveLength(228);
      const omitted = zones.filter((zone) => !Intl.supportedValuesOf('timeZone').includes(zone));
      expect(omitted).toEqual(expect.arrayContaining(['Asia/Kolkata', 'Etc/GMT', 'America/Thunder_Bay', 'Pacific/Chuuk']));
      const refused: string[] = [];
      for (const [index, zone] of zones.entries()) {
        const response = await post({ ...SEED_ADD, destinationEmail: `tz${index}@tzv1w.onmicrosoft.com`, sourceTz: zone, destinationTz: zone });
        if (response.status !== 200) refused.push(`${zone}: ${response.status} ${response.text}`);
      }
      expect(refused).toEqual([]);
      const stored = await sql<{ source_tz: string }>(t.database.url, "SELECT source_tz FROM links WHERE destination_email LIKE 'tz%' ORDER BY source_tz");
      expect(stored.map((row) => row.source_tz).sort()).toEqual([...zones].sort());
    });

    it.each(['UTC', 'Etc/GMT+5', 'US/Pacific', 'Africa/Abidjan', 'America/Argentina/Buenos_Aires', 'Asia/Calcutta'])('another IANA name, %s, is accepted', async (zone) => {
      const response = await post({ ...SEED_ADD, destinationEmail: `other-${zone.replace(/\W/g, '')}@tzv1w.onmicrosoft.com`, sourceTz: zone });
      expect(response.status).toBe(200);
    });
  });

  describe('GET /links, GET /links/{id}, resync', () => {
    it("lists the organisation's links only, with status, last sync, counts and last error", async () => {
      const mine = await http(t.baseUrl, 'GET', '/links', { headers: { cb_key: org.apiKey } });
      expect(mine.status).toBe(200);
      const count = await sql<{ n: number }>(t.database.url, 'SELECT count(*)::int AS n FROM links WHERE tenant_id = $1', [org.tenantId]);
      expect(mine.body).toHaveLength(count[0].n);
      const seedLink = mine.body.find((link: { destinationEmail: string }) => link.destinationEmail === 'no-content-type@tzv1w.onmicrosoft.com');
      expect(seedLink).toEqual({
        id: expect.stringMatching(UUID),
        sourceEmail: 'tester@managelegalspend.com',
        sourceType: 'google',
        sourceTz: 'America/Chicago',
        destinationEmail: 'no-content-type@tzv1w.onmicrosoft.com',
        destinationType: 'ms',
        destinationTz: 'America/Chicago',
        policy: 'subject|description|location|contact',
        tag: '(from mls)',
        status: 'queued',
        lastSyncAt: null,
        lastError: null,
        nextAttemptAt: null,
        eventsCreated: 0,
        eventsUpdated: 0,
        eventsDeleted: 0,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      const theirs = await http(t.baseUrl, 'GET', '/links', { headers: { cb_key: other.apiKey } });
      expect(theirs.status).toBe(200);
      expect(theirs.body).toEqual([]);
    });

    it('GET /links/{id}: the link; another organisation\'s link or an unknown id → 404', async () => {
      const added = await post({ ...SEED_ADD, destinationEmail: 'get-one@tzv1w.onmicrosoft.com' });
      const one = await http(t.baseUrl, 'GET', `/links/${added.body.linkId}`, { headers: { cb_key: org.apiKey } });
      expect(one.status).toBe(200);
      expect(one.body.id).toBe(added.body.linkId);
      expect(one.body.destinationEmail).toBe('get-one@tzv1w.onmicrosoft.com');
      for (const [key, id] of [[other.apiKey, added.body.linkId], [org.apiKey, '00000000-0000-4000-8000-000000000000'], [org.apiKey, 'not-a-uuid']]) {
        const response = await http(t.baseUrl, 'GET', `/links/${id}`, { headers: { cb_key: key } });
        expect(response.status).toBe(404);
        expect(response.body).toEqual({ message: 'Sync not found' });
      }
    });

    it('POST /links/{id}/resync forgets the cursor and queues a sync (joining a waiting one); another organisation gets 404', async () => {
      const added = await post({ ...SEED_ADD, destinationEmail: 'resync@tzv1w.onmicrosoft.com' });
      const linkId = added.body.linkId;
      await sql(t.database.url, "UPDATE links SET status = 'active', sync_cursor = 'cursor-1' WHERE id = $1", [linkId]);
      await sql(t.database.url, 'DELETE FROM graphile_worker._private_jobs WHERE key = $1', [`links:sync:${linkId}`]);
      const response = await http(t.baseUrl, 'POST', `/links/${linkId}/resync`, { headers: { cb_key: org.apiKey } });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ message: 'added to queue', linkId });
      expect(await sql(t.database.url, 'SELECT sync_cursor FROM links WHERE id = $1', [linkId])).toEqual([{ sync_cursor: null }]);
      expect((await http(t.baseUrl, 'POST', `/links/${linkId}/resync`, { headers: { cb_key: org.apiKey } })).status).toBe(200);
      expect((await jobs(t.database.url)).filter((job) => job.key === `links:sync:${linkId}`).map((job) => job.queue_name)).toEqual([`tenant:${org.tenantId}`]);
      const foreign = await http(t.baseUrl, 'POST', `/links/${linkId}/resync`, { headers: { cb_key: other.apiKey } });
      expect(foreign.status).toBe(404);
      expect(foreign.body).toEqual({ message: 'Sync not found' });
    });

    it('caldav mailboxes are accepted through the CalDAV delegation credential', async () => {
      const response = await post({ ...SEED_ADD, sourceEmail: 'ann@dav.test', sourceType: 'caldav' });
      expect(response.status).toBe(200);
    });
  });
});
