import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { join } from 'node:path';
import { APP_CONFIG, AppConfig } from '../../common/config/app-config';
import { GoogleEmulator } from '../google/google-emulator';
import { MicrosoftEmulator } from '../microsoft/microsoft-emulator';
import { EmulatorPersistence } from './emulator-persistence';

export type EmulatorName = 'google' | 'microsoft';

/** Where sandbox mode keeps each emulator's state, under DATA_DIR. */
export function emulatorStatePath(dataDir: string, name: EmulatorName): string {
  return join(dataDir, 'sandbox', `${name}-emulator.json`);
}

/**
 * Sandbox mode's emulators outlive a restart: their state is read back before anything
 * else runs (onModuleInit precedes every bootstrap hook) and written after changes and
 * at shutdown. Only the app's sandbox module creates this; emulators built directly (tests)
 * keep everything in memory.
 */
@Injectable()
export class SandboxStateService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('SandboxState');
  private readonly persistence = new EmulatorPersistence({
    info: (message) => this.logger.log(message),
    warn: (message) => this.logger.warn(message),
  });

  constructor(@Inject(APP_CONFIG) config: AppConfig, google: GoogleEmulator, microsoft: MicrosoftEmulator) {
    this.persistence.add('google', google, emulatorStatePath(config.dataDir, 'google'));
    this.persistence.add('microsoft', microsoft, emulatorStatePath(config.dataDir, 'microsoft'));
  }

  onModuleInit(): void {
    this.persistence.restore();
  }

  onApplicationShutdown(): void {
    this.persistence.close();
  }

  markDirty(name: EmulatorName): void {
    this.persistence.markDirty(name);
  }

  /**
   * Express middleware in front of an emulator's router: a request that may have changed
   * state schedules a save. Reads do not, except Graph delta rounds (they mint delta links).
   */
  tracker(name: EmulatorName) {
    return (req: Request, res: Response, next: NextFunction): void => {
      if ((req.method !== 'GET' && req.method !== 'HEAD') || /\/delta\b/i.test(req.path)) {
        res.once('close', () => this.markDirty(name));
      }
      next();
    };
  }
}
