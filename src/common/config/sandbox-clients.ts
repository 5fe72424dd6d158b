/**
 * The product's OAuth client as the built-in Google emulator registers it in sandbox mode
 * (src/sandbox/sandbox-seed.ts registers these very values). Without
 * real GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET the sandbox uses this one; it only ever reaches
 * the in-process emulator.
 */
export const SANDBOX_GOOGLE_OAUTH_CLIENT = {
  clientId: 'calendar-bridge-sandbox.apps.googleusercontent.com',
  clientSecret: 'sandbox-google-client-secret',
} as const;

/** The product's app registration as the built-in Microsoft emulator registers it (src/sandbox/sandbox-seed.ts). */
export const SANDBOX_MICROSOFT_OAUTH_CLIENT = {
  clientId: '6f1c6f7e-0000-4000-8000-ca1e0da7b71d',
  clientSecret: 'sandbox-microsoft-client-secret',
  tenant: 'contoso.test',
} as const;
