import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, parse, resolve } from 'node:path';

interface SystemUser {
  uid: number;
  groups: number[];
}

/**
 * Postgres refuses to run as root, so as root the embedded server runs as the `postgres`
 * system user, which must be able to enter every folder above its data folder. Returns a
 * plain explanation when it cannot (e.g. DATA_DIR under /root, mode 700), else undefined.
 * Also undefined when the `postgres` user does not exist yet (it is created on first boot).
 */
export function postgresUserCannotReach(dataDir: string): string | undefined {
  const user = systemUser('postgres');
  if (!user) return undefined;
  for (const folder of ancestors(resolve(dataDir))) {
    if (!existsSync(folder)) break;
    const stat = statSync(folder);
    if (!canTraverse(stat, user)) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      return (
        `the embedded Postgres runs as the "postgres" user (Postgres refuses to run as root), and that user cannot enter ${folder} (mode ${mode}), ` +
        `which is above its data folder ${dataDir}. Set DATA_DIR (or EMBEDDED_PG_DIR) to a folder outside it, e.g. /var/lib/calendar-bridge, ` +
        `allow it in with "chmod o+x ${folder}", or set DATABASE_URL to use your own Postgres.`
      );
    }
  }
  return undefined;
}

/** Every folder from the root down to the parent of `path`. */
function ancestors(path: string): string[] {
  const chain: string[] = [];
  for (let folder = dirname(path); ; folder = dirname(folder)) {
    chain.unshift(folder);
    if (folder === parse(folder).root) return chain;
  }
}

function canTraverse(stat: { uid: number; gid: number; mode: number }, user: SystemUser): boolean {
  if (stat.uid === user.uid) return (stat.mode & 0o100) !== 0;
  if (user.groups.includes(stat.gid)) return (stat.mode & 0o010) !== 0;
  return (stat.mode & 0o001) !== 0;
}

function systemUser(name: string): SystemUser | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const groups = execFileSync('id', ['-G', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split(/\s+/).map(Number);
    return Number.isInteger(uid) ? { uid, groups } : undefined;
  } catch {
    return undefined;
  }
}
