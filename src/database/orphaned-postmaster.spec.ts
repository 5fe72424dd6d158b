import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { stopOrphanedPostmaster } from './orphaned-postmaster';

const silent = pino({ level: 'silent' });

function lockFile(dataDir: string, pid: number, namedDir: string): void {
  writeFileSync(join(dataDir, 'postmaster.pid'), `${pid}\n${namedDir}\n1700000000\n54329\n`);
}

describe('stopOrphanedPostmaster never stops a process that is not our postmaster', () => {
  it('leaves alone a live process that is not postgres, even when the lock file names our folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cb-lock-'));
    const bystander = spawn('sleep', ['30'], { cwd: dataDir });
    try {
      lockFile(dataDir, bystander.pid!, dataDir);
      expect(await stopOrphanedPostmaster(dataDir, silent)).toBe(false);
      expect(bystander.exitCode).toBeNull();
      expect(bystander.signalCode).toBeNull();
    } finally {
      bystander.kill('SIGKILL');
    }
  });

  it('ignores a lock file that names another data folder, and one whose process is gone', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cb-lock-'));
    const bystander = spawn('sleep', ['30'], { cwd: dataDir });
    try {
      lockFile(dataDir, bystander.pid!, '/var/lib/postgresql/15/main');
      expect(await stopOrphanedPostmaster(dataDir, silent)).toBe(false);
      expect(bystander.exitCode).toBeNull();
    } finally {
      bystander.kill('SIGKILL');
    }
    await new Promise((resolve) => bystander.once('exit', resolve));
    lockFile(dataDir, bystander.pid!, dataDir);
    expect(await stopOrphanedPostmaster(dataDir, silent)).toBe(false);
  });

  it('leaves alone a process called postgres that works in another folder (another cluster)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cb-lock-'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'cb-other-cluster-'));
    // A stand-in named `postgres` (comm), so that no real server is ever at risk in this test.
    const fakePostgres = join(elsewhere, 'postgres');
    copyFileSync('/bin/sleep', fakePostgres);
    chmodSync(fakePostgres, 0o755);
    const other = spawn(fakePostgres, ['30'], { cwd: elsewhere });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(readFileSync(`/proc/${other.pid}/comm`, 'utf8').trim()).toBe('postgres');
      lockFile(dataDir, other.pid!, dataDir);
      expect(await stopOrphanedPostmaster(dataDir, silent)).toBe(false);
      expect(other.exitCode).toBeNull();
      expect(other.signalCode).toBeNull();
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('does nothing without a lock file', async () => {
    expect(await stopOrphanedPostmaster(mkdtempSync(join(tmpdir(), 'cb-lock-')), silent)).toBe(false);
  });
});
