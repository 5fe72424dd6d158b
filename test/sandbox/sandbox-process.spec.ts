import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, spawnApp } from '../support/app-process';
import { createEmptyDatabase, TestDatabase } from '../support/database';
import { http } from '../support/http';

jest.setTimeout(120_000);

/**
 * `npm start` as a newcomer runs it: no secrets in the environment, sandbox by default. The
 * demo organisation's key appears in the secrets file, and what the emulators hold survives
 * SIGTERM + a new start (written at shutdown even when the change is a moment old).
 */
describe('sandbox as started by src/main.ts', () => {
  let db: TestDatabase;
  let running: AppProcess | undefined;
  beforeAll(async () => {
    db = await createEmptyDatabase();
  });
  afterAll(async () => {
    await running?.stop();
    await db.drop();
  });

  it('keeps demoApiKey beside the generated secrets and the emulator state across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cb-sandbox-process-'));
    const env = { DATABASE_URL: db.url, DATA_DIR: dataDir };
    running = await spawnApp(env);
    const secretsPath = join(dataDir, 'sandbox-secrets.json');
    const secrets = JSON.parse(readFileSync(secretsPath, 'utf8')) as Record<string, string>;
    expect(Object.keys(secrets).sort()).toEqual(['adminToken', 'demoApiKey', 'encryptionKey', 'jwtSecret']);
    expect(statSync(secretsPath).mode & 0o777).toBe(0o600);
    const before = await http(running.baseUrl, 'GET', '/tenant', { headers: { cb_key: secrets.demoApiKey } });
    expect(before.status).toBe(200);

    const control = { authorization: `Bearer ${secrets.adminToken}` };
    const seeded = await http(running.baseUrl, 'POST', '/sandbox/microsoft/_control/mailboxes/pradeepg@tzv1w.onmicrosoft.com/events', {
      headers: control,
      json: { subject: 'Kept through SIGTERM', start: { dateTime: '2030-05-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2030-05-01T11:00:00', timeZone: 'UTC' } },
    });
    expect(seeded.status).toBe(201);
    // A clean stop: main.ts alone handles SIGTERM (saves emulator state, closes, exits 0).
    expect(await running.stop()).toBe(0);
    running = undefined;
    expect(statSync(join(dataDir, 'sandbox', 'microsoft-emulator.json')).mode & 0o777).toBe(0o600);

    running = await spawnApp(env);
    expect(JSON.parse(readFileSync(secretsPath, 'utf8'))).toEqual(secrets);
    const after = await http(running.baseUrl, 'GET', '/tenant', { headers: { cb_key: secrets.demoApiKey } });
    expect(after.body).toEqual(before.body);
    const events = await http<{ value: { subject: string }[] }>(running.baseUrl, 'GET', '/sandbox/microsoft/_control/mailboxes/pradeepg@tzv1w.onmicrosoft.com/events', { headers: control });
    expect(events.body.value.map((e) => e.subject)).toEqual(['Kept through SIGTERM']);
    expect(running.logs.join('')).toContain('restored the microsoft emulator state');
  });
});
