import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const FORMAT = 'calendar-bridge-emulator-state';
const VERSION = 1;

interface Envelope {
  format: typeof FORMAT;
  version: number;
  savedAt: string;
  state: unknown;
}

export type ReadResult = { kind: 'missing' } | { kind: 'state'; state: unknown } | { kind: 'corrupt'; reason: string };

/**
 * One emulator's snapshot on disk. Writes go to a temp file that is then renamed over the
 * old one (rename is atomic on one filesystem), so a crash mid-write leaves the previous
 * snapshot intact rather than half a file.
 */
export class StateFile {
  constructor(readonly path: string) {}

  read(): ReadResult {
    if (!existsSync(this.path)) return { kind: 'missing' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (error) {
      return { kind: 'corrupt', reason: `not JSON (${(error as Error).message})` };
    }
    const envelope = parsed as Partial<Envelope> | null;
    if (typeof envelope !== 'object' || envelope === null || envelope.format !== FORMAT) return { kind: 'corrupt', reason: 'not an emulator state file' };
    if (envelope.version !== VERSION) return { kind: 'corrupt', reason: `unsupported version ${String(envelope.version)}` };
    return { kind: 'state', state: envelope.state };
  }

  write(state: unknown): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const envelope: Envelope = { format: FORMAT, version: VERSION, savedAt: new Date().toISOString(), state };
    const temp = `${this.path}.${process.pid}.tmp`;
    // Emulated mailboxes hold refresh tokens and events: owner-only, like the secrets file.
    writeFileSync(temp, JSON.stringify(envelope), { mode: 0o600 });
    renameSync(temp, this.path);
  }

  /** Moves an unreadable file aside (kept for inspection) and returns where it went. */
  setAside(): string {
    const aside = `${this.path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(this.path, aside);
    return aside;
  }
}
