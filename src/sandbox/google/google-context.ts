import type { Request } from 'express';
import type { FaultInjector } from '../shared/fault-injector';
import type { RequestCounter } from '../shared/request-counter';
import type { SlidingWindowLimiter } from '../shared/sliding-window-limiter';
import type { EventService } from './google-events';
import type { OAuthStore } from './google-oauth-store';
import type { PagingSettings } from './google-paging';
import type { PushChannels } from './google-push';
import type { GoogleStore } from './google-store';
import type { TokenGrants } from './google-token-grants';
import type { QuotaConfig } from './google-types';

export interface EmulatorSettings {
  autoConsent: boolean | string;
  createMailboxOnConsent: boolean;
  authCodeTtlSeconds: number;
  syncTokenTtlMs?: number;
  maxBodyBytes: number;
  channelTtlSeconds: number;
  quota: Required<QuotaConfig>;
  paging: PagingSettings;
  updatedMinMaxAgeMs: number;
}

/** Everything the route modules share; owned by GoogleEmulator. */
export interface GoogleEmulatorContext {
  clock: () => number;
  settings: EmulatorSettings;
  store: GoogleStore;
  oauth: OAuthStore;
  grants: TokenGrants;
  events: EventService;
  push: PushChannels;
  faults: FaultInjector;
  counter: RequestCounter;
  limiter: SlidingWindowLimiter;
}

/** Absolute URL of the emulator's mount point, derived from the request (never hard-coded). */
export function baseUrlOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
}
