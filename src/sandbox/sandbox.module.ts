import { DynamicModule, Module } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig } from '../common/config/app-config';
import { GoogleEmulator } from './google/google-emulator';
import { googleSandboxOptions } from './sandbox-seed';

export const SANDBOX_MOUNTS = { google: '/sandbox/google' } as const;

/**
 * In sandbox mode the provider emulators live in this process; the module owns their
 * instances so that other modules (the provider adapters) can reach them by injection.
 */
@Module({})
export class SandboxModule {
  static forConfig(config: AppConfig): DynamicModule {
    if (!config.sandbox) return { module: SandboxModule };
    return {
      module: SandboxModule,
      global: true,
      providers: [{ provide: GoogleEmulator, useFactory: () => new GoogleEmulator(googleSandboxOptions(config)) }],
      exports: [GoogleEmulator],
    };
  }
}

/**
 * Mounts the emulators' routers. Called before Nest registers its own middleware, so the
 * routers see raw requests and parse bodies the way the real services do.
 */
export function mountSandbox(app: NestExpressApplication): void {
  app.use(SANDBOX_MOUNTS.google, app.get(GoogleEmulator).router());
}
