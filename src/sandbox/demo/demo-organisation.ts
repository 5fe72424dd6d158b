import { CALENDAR_SCOPES } from '../google/google-types';

/**
 * The organisation sandbox mode keeps so that the seed 000 (Links) example works right
 * after `npm start`: its mailboxes are tester@managelegalspend.com (Google) and
 * pradeepg@tzv1w.onmicrosoft.com (Microsoft). Fixed identifiers make it recognisable;
 * the secrets (service account key, client secret, API key) are generated once per install.
 */
export const DEMO_ORGANISATION = {
  name: 'Demo organisation (sandbox)',
  apiKeyName: 'sandbox demo key',
  google: {
    domains: ['acme.test', 'managelegalspend.com'],
    credentialName: 'Demo Google Workspace (domain-wide delegation)',
    serviceAccountEmail: 'calendar-bridge-demo@calendar-bridge-sandbox.iam.gserviceaccount.com',
    /** What a Workspace admin would enter for the service account in Admin console → API controls. */
    delegatedScopes: Object.values(CALENDAR_SCOPES),
  },
  /**
   * CRM users who try Connections (seed 001): mint a JWT for one (`sub`) with the admin API and
   * connect their own calendar; the emulators hold ann@acme.test (Google) and carol@contoso.test (Microsoft).
   */
  users: [
    { externalId: 'ann', email: 'ann@acme.test' },
    { externalId: 'carol', email: 'carol@contoso.test' },
  ],
  microsoft: {
    domains: ['contoso.test', 'tzv1w.onmicrosoft.com'],
    credentialName: 'Demo Microsoft 365 (app-only)',
    /** The emulated Entra ID directory (tenant id) holding both domains. */
    directoryId: '7d6c1a2e-5b4f-4c3a-9e8d-0f1e2d3c4b5a',
    clientId: '3c9a2f4e-8b1d-4e6a-a7c5-d2e0f1b3c4a5',
    appDisplayName: 'Calendar Bridge demo (app-only)',
    /** Application permissions an admin consented to: calendars, and /users/{upn} lookups. */
    appRoles: ['Calendars.ReadWrite', 'User.Read.All', 'MailboxSettings.Read'],
  },
} as const;

export const DEMO_DOMAINS: { domain: string; provider: 'google' | 'ms' }[] = [
  ...DEMO_ORGANISATION.google.domains.map((domain) => ({ domain, provider: 'google' as const })),
  ...DEMO_ORGANISATION.microsoft.domains.map((domain) => ({ domain, provider: 'ms' as const })),
];
