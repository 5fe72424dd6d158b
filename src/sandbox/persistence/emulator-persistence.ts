import { StateFile } from './state-file';

/** What an emulator offers to be kept across restarts. */
export interface PersistableEmulator {
  exportState(): unknown;
  importState(state: unknown): void;
}

export interface PersistenceLog {
  info(message: string): void;
  warn(message: string): void;
}

interface Target {
  name: string;
  emulator: PersistableEmulator;
  file: StateFile;
  dirty: boolean;
}

/**
 * Keeps each emulator's state in its file: restored once at boot, written a moment after
 * changes (many requests, one write) and once more at shutdown. A file that cannot be read
 * back is moved aside with a warning and the emulator starts from its seed — never a crash.
 */
export class EmulatorPersistence {
  private readonly targets = new Map<string, Target>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: PersistenceLog,
    private readonly debounceMs = 500,
  ) {}

  add(name: string, emulator: PersistableEmulator, path: string): void {
    this.targets.set(name, { name, emulator, file: new StateFile(path), dirty: false });
  }

  restore(): void {
    for (const target of this.targets.values()) this.restoreOne(target);
  }

  /** Something may have changed in this emulator: save it soon. */
  markDirty(name: string): void {
    const target = this.targets.get(name);
    if (!target) return;
    target.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.debounceMs);
    this.timer.unref();
  }

  /** Writes every emulator with unsaved changes now. */
  flush(): void {
    for (const target of this.targets.values()) {
      if (!target.dirty) continue;
      target.dirty = false;
      try {
        target.file.write(target.emulator.exportState());
      } catch (error) {
        target.dirty = true;
        this.log.warn(`could not save the ${target.name} emulator state to ${target.file.path}: ${(error as Error).message}`);
      }
    }
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flush();
  }

  private restoreOne(target: Target): void {
    const read = target.file.read();
    if (read.kind === 'missing') return;
    let problem = read.kind === 'corrupt' ? read.reason : undefined;
    if (read.kind === 'state') {
      try {
        target.emulator.importState(read.state);
        this.log.info(`restored the ${target.name} emulator state from ${target.file.path}`);
        return;
      } catch (error) {
        problem = (error as Error).message;
      }
    }
    let aside = '(could not move it)';
    try {
      aside = target.file.setAside();
    } catch {
      // Unmovable (e.g. read-only folder): the next save replaces it anyway.
    }
    target.dirty = true;
    this.log.warn(`the ${target.name} emulator state file ${target.file.path} is unreadable (${problem}); moved it to ${aside} and started from the seed`);
  }
}
