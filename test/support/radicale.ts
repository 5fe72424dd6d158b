import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAVCalendar, DAVCalendarObject, DAVClient } from 'tsdav';
import { freePort } from './free-port';
import { interopToolPresent } from './interop';

export interface RunningRadicale {
  /** Server root, e.g. `http://127.0.0.1:5232/` (with the trailing slash tsdav expects). */
  url: string;
  username: string;
  password: string;
  stop(): Promise<void>;
  /** Only with `{ rights: 'file' }`: the user may still read this collection (URL or path) but no longer write to it. */
  makeReadOnly(collection: string): void;
}

export interface RadicaleOptions {
  /**
   * `owner_only` (default): the user reads and writes everything in their home. `file`: the same
   * through a rights file Radicale re-reads on every request, so makeReadOnly takes effect at once.
   */
  rights?: 'owner_only' | 'file';
}

const PYTHON = process.env.RADICALE_PYTHON ?? '/usr/bin/python3';
const START_TIMEOUT_MS = 20_000;

let availability: boolean | undefined;

/**
 * True when `python3 -m radicale` can run here. Without it, tests skip visibly on a developer
 * machine; with CI=true this throws instead, so CI cannot pass by skipping them.
 */
export function isRadicaleAvailable(): boolean {
  availability ??= interopToolPresent(
    'Radicale',
    spawnSync(PYTHON, ['-c', 'import radicale'], { stdio: 'ignore' }).status === 0,
    `${PYTHON} -m radicale; apt-get install -y radicale`,
  );
  return availability;
}

/**
 * A real Radicale CalDAV server on a free loopback port, with its own storage folder and a
 * plain-text htpasswd user, so that tsdav authenticates with ordinary Basic auth exactly as
 * it would against a production server.
 */
export async function startRadicale(options: RadicaleOptions = {}): Promise<RunningRadicale> {
  if (!isRadicaleAvailable()) throw new Error(`Radicale is not installed (${PYTHON} -m radicale); apt-get install -y radicale`);
  const dir = mkdtempSync(join(tmpdir(), 'cb-radicale-'));
  const username = 'tester';
  const password = randomBytes(12).toString('hex');
  const port = await freePort();
  writeFileSync(join(dir, 'users'), `${username}:${password}\n`);
  const rightsFile = options.rights === 'file' ? join(dir, 'rights') : undefined;
  const readOnly: string[] = [];
  if (rightsFile) writeFileSync(rightsFile, rightsRules(readOnly));
  writeFileSync(join(dir, 'config'), radicaleConfig(dir, port, rightsFile));

  const child = spawn(PYTHON, ['-m', 'radicale', '--config', join(dir, 'config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitUntilAnswering(url, child, () => stderr);
  } catch (error) {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    username,
    password,
    stop: async () => {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
    makeReadOnly: (collection) => {
      if (!rightsFile) throw new Error("makeReadOnly needs startRadicale({ rights: 'file' })");
      readOnly.push(new URL(collection, url).pathname.replace(/^\/+|\/+$/g, ''));
      writeFileSync(rightsFile, rightsRules(readOnly));
    },
  };
}

/** owner_only as rules (Radicale's documented equivalent), with the read-only collections first. */
function rightsRules(readOnly: string[]): string {
  // Radicale formats the rule (braces would need doubling); collection names here are hex.
  const escape = (path: string) => path.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return [
    ...readOnly.flatMap((path, index) => [`[read-only-${index}]`, 'user: .+', `collection: ${escape(path)}`, 'permissions: r', '']),
    '[root]', 'user: .+', 'collection:', 'permissions: R', '',
    '[principal]', 'user: .+', 'collection: {user}', 'permissions: RW', '',
    '[calendars]', 'user: .+', 'collection: {user}/[^/]+', 'permissions: rw', '',
  ].join('\n');
}

function radicaleConfig(dir: string, port: number, rightsFile?: string): string {
  return [
    '[server]',
    `hosts = 127.0.0.1:${port}`,
    '[auth]',
    'type = htpasswd',
    `htpasswd_filename = ${join(dir, 'users')}`,
    'htpasswd_encryption = plain',
    // The default 1 s penalty after a failed login only slows down negative tests.
    'delay = 0',
    '[rights]',
    ...(rightsFile ? ['type = from_file', `file = ${rightsFile}`] : ['type = owner_only']),
    '[storage]',
    `filesystem_folder = ${join(dir, 'collections')}`,
    '[web]',
    'type = none',
    '[logging]',
    'level = warning',
    '',
  ].join('\n');
}

async function waitUntilAnswering(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Radicale exited with ${child.exitCode}: ${stderr()}`);
    try {
      // Any HTTP answer (401 without credentials) means the server is up.
      await fetch(url, { method: 'OPTIONS', signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`Radicale did not answer on ${url} within ${START_TIMEOUT_MS} ms: ${stderr()}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface RadicaleCalendar {
  client: DAVClient;
  calendar: DAVCalendar;
  /** PUTs one iCalendar object; returns the HTTP status Radicale answered. */
  put(filename: string, ics: string): Promise<number>;
  /** Every calendar object currently in the calendar, as Radicale serves it. */
  objects(): Promise<DAVCalendarObject[]>;
}

/**
 * Logs in with tsdav (discovery through /.well-known/caldav, Basic auth), creates a fresh
 * calendar collection in the user's calendar home, and returns it.
 */
export async function createRadicaleCalendar(radicale: RunningRadicale, displayName: string): Promise<RadicaleCalendar> {
  const client = new DAVClient({
    serverUrl: radicale.url,
    credentials: { username: radicale.username, password: radicale.password },
    authMethod: 'Basic',
    defaultAccountType: 'caldav',
  });
  await client.login();
  const home = client.account?.homeUrl;
  if (!home) throw new Error('tsdav found no calendar home on Radicale');
  const url = new URL(`${randomBytes(6).toString('hex')}/`, home).toString();
  await client.makeCalendar({ url, props: { displayname: displayName } });
  const calendar = (await client.fetchCalendars()).find((c) => c.url === url);
  if (!calendar) throw new Error(`calendar ${url} not listed after MKCALENDAR`);
  return {
    client,
    calendar,
    put: async (filename, ics) => (await client.createCalendarObject({ calendar, filename, iCalString: ics })).status,
    objects: () => client.fetchCalendarObjects({ calendar }),
  };
}
