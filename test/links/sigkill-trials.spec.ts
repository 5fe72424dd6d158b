import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOX_MICROSOFT_DIRECTORY } from '../../src/sandbox/sandbox-seed';
import { AppProcess, spawnApp } from '../support/app-process';
import { createTestDatabase, TestDatabase } from '../support/database';
import { freePort } from '../support/free-port';
import { sql } from './sql';

/**
 * SIGKILL during an initial sync, then a restart: exactly one copy per source event (issue 12).
 * Process A runs the sandbox (the emulators, which must outlive the kill: a real provider does
 * not forget writes) and the API, and runs no jobs; process B is the worker, reaching A's
 * emulators by base URL. B is killed mid-sync and a new B finishes the job. `npm test` runs
 * LINK_TRIALS (default 2) trials of SOURCE_EVENTS; `npm run trials` runs 20.
 */
const TRIALS = Number(process.env.LINK_TRIALS ?? 2);
const SOURCE_EVENTS = Number(process.env.LINK_TRIAL_EVENTS ?? 2000);
const SOURCE = 'tester@managelegalspend.com';

describe(`SIGKILL during an initial sync of ${SOURCE_EVENTS} events, ${TRIALS} trials`, () => {
  let database: TestDatabase;
  let sandbox: AppProcess;
  let env: Record<string, string>;
  let demoKey: string;
  let adminToken: string;
  const workers: AppProcess[] = [];
  const tally: { trial: number; copiesAtKill: number; copies: number; mappings: number }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    env = {
      NODE_ENV: 'development',
      SANDBOX: 'true',
      DATABASE_URL: database.url,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ADMIN_TOKEN: `trial-admin-${randomBytes(8).toString('hex')}`,
      JWT_SECRET: randomBytes(32).toString('base64'),
      PUBLIC_BASE_URL: baseUrl,
      RATE_LIMIT_PER_MINUTE: '0',
      LINKS_CRON_ENABLED: 'false',
    };
    const dataDir = mkdtempSync(join(tmpdir(), 'cb-trial-a-'));
    sandbox = await spawnApp({ ...env, PORT: String(port), DATA_DIR: dataDir, LINKS_QUEUE_CONCURRENCY: '0' });
    demoKey = JSON.parse(readFileSync(join(dataDir, 'sandbox-secrets.json'), 'utf8')).demoApiKey;
    adminToken = env.ADMIN_TOKEN;
    await seedSourceEvents();
  }, 120_000);

  afterAll(async () => {
    for (const worker of workers.splice(0)) await worker.stop();
    await sandbox?.stop();
    await database?.drop();
    process.stdout.write(`SIGKILL trials: ${JSON.stringify(tally)}\n`);
  });

  async function control(provider: 'google' | 'microsoft', method: string, path: string, body?: unknown): Promise<any> {
    const response = await fetch(`${env.PUBLIC_BASE_URL}/sandbox/${provider}/_control${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  }

  async function seedSourceEvents(): Promise<void> {
    for (let first = 0; first < SOURCE_EVENTS; first += 250) {
      const events = Array.from({ length: Math.min(250, SOURCE_EVENTS - first) }, (_, offset) => {
        const index = first + offset;
        const day = String(1 + (index % 28)).padStart(2, '0');
        const hour = String(8 + (index % 9)).padStart(2, '0');
        return {
          summary: `Event ${index}`,
          start: { dateTime: `2026-12-${day}T${hour}:00:00`, timeZone: 'America/Chicago' },
          end: { dateTime: `2026-12-${day}T${hour}:30:00`, timeZone: 'America/Chicago' },
        };
      });
      await control('google', 'POST', `/calendars/${SOURCE}/events`, { events });
    }
  }

  async function startWorker(): Promise<AppProcess> {
    const worker = await spawnApp({ ...env, PORT: '0', DATA_DIR: mkdtempSync(join(tmpdir(), 'cb-trial-b-')), LINKS_QUEUE_CONCURRENCY: '2' });
    workers.push(worker);
    return worker;
  }

  async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, label: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${label} (last: ${JSON.stringify(value)})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const completedCopies = async (linkId: string): Promise<number> =>
    Number((await sql<{ n: string }>(database.url, 'SELECT count(*)::text AS n FROM link_event_mappings WHERE link_id = $1 AND copy_event_id IS NOT NULL', [linkId]))[0].n);

  for (let trial = 1; trial <= TRIALS; trial++) {
    it(`trial ${trial}: exactly ${SOURCE_EVENTS} copies after a SIGKILL mid-sync`, async () => {
      const destination = `trial${trial}-${randomBytes(3).toString('hex')}@tzv1w.onmicrosoft.com`;
      await control('microsoft', 'POST', '/mailboxes', { email: destination, displayName: `Trial ${trial}`, timeZone: 'America/Chicago', tenantId: SANDBOX_MICROSOFT_DIRECTORY.tenantId });
      const worker = await startWorker();
      const added = await fetch(`${env.PUBLIC_BASE_URL}/links`, {
        method: 'POST',
        headers: { cb_key: demoKey },
        body: JSON.stringify({ action: 'add', sourceEmail: SOURCE, sourceType: 'google', sourceTz: 'America/Chicago', destinationEmail: destination, destinationType: 'ms', destinationTz: 'America/Chicago', policy: 'subject' }),
      });
      expect(added.status).toBe(200);
      const { linkId } = (await added.json()) as { linkId: string };

      // Kill the worker at a different point of the sync in each trial.
      const killAt = Math.round((SOURCE_EVENTS * (0.15 + 0.7 * ((trial * 0.37) % 1))) / 20) * 20;
      const copiesAtKill = await waitFor(() => completedCopies(linkId), (n) => n >= killAt, 120_000, `${killAt} copies`);
      worker.child.kill('SIGKILL');
      await new Promise((resolve) => worker.child.once('exit', resolve));

      await startWorker();
      const link = await waitFor(
        async () => (await sql<{ status: string; last_error: string | null }>(database.url, 'SELECT status, last_error FROM links WHERE id = $1', [linkId]))[0],
        (row) => row.status === 'active' || row.status === 'failed',
        180_000,
        'the link to finish',
      );
      expect(link).toEqual({ status: 'active', last_error: null });
      const stored = (await control('microsoft', 'GET', `/mailboxes/${destination}/events`)) as { value: { subject: string }[] };
      const mappings = await completedCopies(linkId);
      tally.push({ trial, copiesAtKill, copies: stored.value.length, mappings });
      expect(stored.value.length).toBe(SOURCE_EVENTS);
      expect(new Set(stored.value.map((event) => event.subject)).size).toBe(SOURCE_EVENTS);
      expect(mappings).toBe(SOURCE_EVENTS);
      for (const running of workers.splice(0)) await running.stop();
    }, 400_000);
  }
});
