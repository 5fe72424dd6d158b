import { existsSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';

/** What Postgres writes in `postmaster.pid`: the server's pid, then its data folder. */
interface LockFile {
  pid: number;
  dataDir: string;
}

const FAST_SHUTDOWN_WAIT_MS = 20_000;
const IMMEDIATE_SHUTDOWN_WAIT_MS = 5_000;

/**
 * When the app is killed without a chance to stop it (`kill -9`, OOM killer), the embedded
 * Postgres keeps running and holds `postmaster.pid`, so the next start would fail with
 * "lock file already exists". This stops that server, but only when it is provably ours: the
 * lock file names this data folder, and the process is a `postgres` working in this folder.
 * Returns whether one was stopped.
 */
export async function stopOrphanedPostmaster(dataDir: string, logger: Logger): Promise<boolean> {
  const lock = readLockFile(dataDir);
  if (!lock || !isRunning(lock.pid)) return false;
  if (!isPostmasterOf(lock, dataDir)) {
    logger.warn({ pid: lock.pid, dataDir }, 'postmaster.pid names a running process that is not our embedded Postgres; leaving it alone');
    return false;
  }
  logger.warn({ pid: lock.pid, dataDir }, 'embedded Postgres from a previous run is still running (the app was killed); stopping it');
  // SIGINT is Postgres's "fast" shutdown: it rolls back open transactions and checkpoints.
  process.kill(lock.pid, 'SIGINT');
  if (!(await exited(lock.pid, FAST_SHUTDOWN_WAIT_MS))) {
    process.kill(lock.pid, 'SIGQUIT');
    if (!(await exited(lock.pid, IMMEDIATE_SHUTDOWN_WAIT_MS))) {
      throw new Error(`the embedded Postgres left running by a previous run (pid ${lock.pid}) did not stop; stop it and start again`);
    }
  }
  logger.info({ pid: lock.pid }, 'stopped the embedded Postgres left running by a previous run');
  return true;
}

function readLockFile(dataDir: string): LockFile | undefined {
  const file = join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const [pidLine, dirLine] = readFileSync(file, 'utf8').split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0 || !dirLine) return undefined;
  return { pid, dataDir: dirLine };
}

/** Alive and not a zombie: an exited child of a parent that is gone may linger unreaped. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = readProc(pid, 'stat');
  // Field 3 of /proc/<pid>/stat, after the parenthesised command name, is the state.
  const state = stat?.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

function isPostmasterOf(lock: LockFile, dataDir: string): boolean {
  const ours = canonical(dataDir);
  if (canonical(lock.dataDir) !== ours) return false;
  if (readProc(lock.pid, 'comm')?.trim() !== 'postgres') return false;
  // The postmaster works in its data folder; its command line names it with -D.
  return workingDirectory(lock.pid) === ours || dataDirArgument(lock.pid) === ours;
}

function workingDirectory(pid: number): string | undefined {
  try {
    return canonical(readlinkSync(`/proc/${pid}/cwd`));
  } catch {
    return undefined;
  }
}

function dataDirArgument(pid: number): string | undefined {
  const args = readProc(pid, 'cmdline')?.split('\0') ?? [];
  const index = args.indexOf('-D');
  return index >= 0 && args[index + 1] ? canonical(args[index + 1]) : undefined;
}

function readProc(pid: number, entry: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${entry}`, 'utf8');
  } catch {
    return undefined;
  }
}

function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

async function exited(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return true;
    await new Promise((done) => setTimeout(done, 100));
  }
  return !isRunning(pid);
}
