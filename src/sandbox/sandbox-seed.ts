import { AppConfig } from '../common/config/app-config';
import { GoogleEmulatorOptions } from './google/google-emulator';

/**
 * What a fresh sandbox holds: the product's own OAuth client registered with the emulated
 * provider (redirecting to our callback routes), and a few demo mailboxes to try things with.
 * These credentials only ever reach the in-process emulator.
 */
export const SANDBOX_GOOGLE_CLIENT = {
  clientId: 'calendar-bridge-sandbox.apps.googleusercontent.com',
  clientSecret: 'sandbox-google-client-secret',
};

export const SANDBOX_GOOGLE_MAILBOXES = [
  { email: 'ann@acme.test', displayName: 'Ann Example', timeZone: 'America/New_York' },
  { email: 'bob@acme.test', displayName: 'Bob Example', timeZone: 'Europe/Berlin' },
];

export function googleSandboxOptions(config: AppConfig): GoogleEmulatorOptions {
  return {
    // The control API can read and rewrite every mailbox: it takes the admin token.
    controlToken: config.adminToken,
    clients: [
      {
        ...SANDBOX_GOOGLE_CLIENT,
        name: 'Calendar Bridge (sandbox)',
        redirectUris: [`${config.publicBaseUrl}/api/v1/crm/calendar/connections/google/callback`],
      },
    ],
    mailboxes: SANDBOX_GOOGLE_MAILBOXES,
  };
}
