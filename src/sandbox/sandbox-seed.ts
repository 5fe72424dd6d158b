import { AppConfig } from '../common/config/app-config';
import { connectionRedirectUri } from '../common/config/connection-redirect';
// The product's own clients: the drivers use the same values to reach the emulators (common/config).
import { SANDBOX_GOOGLE_OAUTH_CLIENT, SANDBOX_MICROSOFT_OAUTH_CLIENT } from '../common/config/sandbox-clients';
import { GoogleEmulatorOptions } from './google/google-emulator';
import { MicrosoftEmulatorOptions } from './microsoft/microsoft-emulator';
import { DEMO_ORGANISATION } from './demo/demo-organisation';

/**
 * What a fresh sandbox holds: the product's own OAuth client registered with the emulated
 * provider (redirecting to our callback routes), and a few demo mailboxes to try things with
 * (among them the seed 000 example's). These credentials only ever reach the in-process
 * emulator. The demo organisation's delegation credentials are added at boot
 * (SandboxDemoService), since their secrets live sealed in the database.
 */
export const SANDBOX_GOOGLE_CLIENT = { ...SANDBOX_GOOGLE_OAUTH_CLIENT };

export const SANDBOX_GOOGLE_MAILBOXES = [
  { email: 'ann@acme.test', displayName: 'Ann Example', timeZone: 'America/New_York' },
  { email: 'bob@acme.test', displayName: 'Bob Example', timeZone: 'Europe/Berlin' },
  // The source mailbox of the seed 000 (Links) example requests.
  { email: 'tester@managelegalspend.com', displayName: 'Tester', timeZone: 'America/Chicago' },
];

export const SANDBOX_MICROSOFT_APP = {
  clientId: SANDBOX_MICROSOFT_OAUTH_CLIENT.clientId,
  clientSecret: SANDBOX_MICROSOFT_OAUTH_CLIENT.clientSecret,
  tenantId: SANDBOX_MICROSOFT_OAUTH_CLIENT.tenant,
};

/** One emulated Entra ID directory holds both demo Microsoft domains. */
export const SANDBOX_MICROSOFT_DIRECTORY = {
  tenantId: DEMO_ORGANISATION.microsoft.directoryId,
  displayName: 'Contoso (sandbox demo)',
  domains: [...DEMO_ORGANISATION.microsoft.domains],
};

export const SANDBOX_MICROSOFT_MAILBOXES = [
  { email: 'carol@contoso.test', displayName: 'Carol Example', timeZone: 'America/Chicago', tenantId: SANDBOX_MICROSOFT_DIRECTORY.tenantId },
  { email: 'dave@contoso.test', displayName: 'Dave Example', timeZone: 'Europe/London', tenantId: SANDBOX_MICROSOFT_DIRECTORY.tenantId },
  // The destination mailbox of the seed 000 (Links) example requests.
  { email: 'pradeepg@tzv1w.onmicrosoft.com', displayName: 'Pradeep G', timeZone: 'America/Chicago', tenantId: SANDBOX_MICROSOFT_DIRECTORY.tenantId },
];

export function googleSandboxOptions(config: Pick<AppConfig, 'connections'>): GoogleEmulatorOptions {
  return {
    clients: [
      {
        ...SANDBOX_GOOGLE_CLIENT,
        name: 'Calendar Bridge (sandbox)',
        // The SPA route the browser comes back to (CONNECTIONS_REDIRECT_URI), as a real client registers it.
        redirectUris: [connectionRedirectUri(config, 'google')],
      },
    ],
    mailboxes: SANDBOX_GOOGLE_MAILBOXES,
  };
}

export function microsoftSandboxOptions(config: Pick<AppConfig, 'connections'>): MicrosoftEmulatorOptions {
  return {
    directories: [SANDBOX_MICROSOFT_DIRECTORY],
    apps: [
      {
        ...SANDBOX_MICROSOFT_APP,
        displayName: 'Calendar Bridge (sandbox)',
        redirectUris: [connectionRedirectUri(config, 'outlook')],
        // The emulator enforces Graph's permissions: what the product's Outlook driver uses.
        delegatedPermissions: ['User.Read', 'Calendars.ReadWrite', 'MailboxSettings.Read'],
        appRoles: ['Calendars.ReadWrite', 'User.Read.All', 'MailboxSettings.Read'],
      },
    ],
    mailboxes: SANDBOX_MICROSOFT_MAILBOXES,
  };
}
