import { DynamicModule, Module } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { APP_CONFIG, AppConfig } from '../common/config/app-config';
import { constantTimeEquals } from '../common/crypto/constant-time';
import { GoogleEmulator } from './google/google-emulator';
import { MicrosoftEmulator } from './microsoft/microsoft-emulator';
import { SandboxDemoService } from './demo/sandbox-demo.service';
import { SandboxStateService } from './persistence/sandbox-state.service';
import { googleSandboxOptions, microsoftSandboxOptions } from './sandbox-seed';

export const SANDBOX_MOUNTS = { google: '/sandbox/google', microsoft: '/sandbox/microsoft' } as const;

/**
 * In sandbox mode the provider emulators live in this process; the module owns their
 * instances so that other modules (the provider adapters) can reach them by injection.
 * Their state is kept under DATA_DIR, and the demo organisation is kept at every boot.
 */
@Module({})
export class SandboxModule {
  static forConfig(config: AppConfig): DynamicModule {
    if (!config.sandbox) return { module: SandboxModule };
    return {
      module: SandboxModule,
      global: true,
      providers: [
        { provide: GoogleEmulator, useFactory: () => new GoogleEmulator(googleSandboxOptions(config)) },
        { provide: MicrosoftEmulator, useFactory: () => new MicrosoftEmulator(microsoftSandboxOptions(config)) },
        SandboxStateService,
        SandboxDemoService,
      ],
      exports: [GoogleEmulator, MicrosoftEmulator],
    };
  }
}

/**
 * Mounts the emulators' routers. Called before Nest registers its own middleware, so the
 * routers see raw requests and parse bodies the way the real services do. Their control
 * APIs can read and rewrite every mailbox, so they take the admin token.
 */
export function mountSandbox(app: NestExpressApplication): void {
  const guard = requireAdminBearer(app.get<AppConfig>(APP_CONFIG).adminToken);
  const state = app.get(SandboxStateService);
  app.use(SANDBOX_MOUNTS.google, state.tracker('google'));
  app.use(SANDBOX_MOUNTS.microsoft, state.tracker('microsoft'));
  const demo = app.get(SandboxDemoService);
  for (const mount of Object.values(SANDBOX_MOUNTS)) {
    app.use(`${mount}/_control`, guard);
    app.use(`${mount}/_control/reset`, afterSuccess(() => demo.reapplyEmulatorRegistrations()));
  }
  app.use(SANDBOX_MOUNTS.google, app.get(GoogleEmulator).router());
  app.use(SANDBOX_MOUNTS.microsoft, app.get(MicrosoftEmulator).router());
}

function afterSuccess(action: () => void) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    res.once('finish', () => {
      if (res.statusCode < 300) action();
    });
    next();
  };
}

function requireAdminBearer(adminToken: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (constantTimeEquals(req.header('authorization') ?? '', `Bearer ${adminToken}`)) return next();
    res.status(401).json({ error: { code: 'Unauthorized', message: 'The sandbox control API needs Authorization: Bearer <ADMIN_TOKEN>' } });
  };
}
