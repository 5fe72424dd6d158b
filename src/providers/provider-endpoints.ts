/**
 * Where the drivers send their requests. In production these are Google's and Microsoft's
 * public hosts; in sandbox mode (and in tests) they are the emulators' base URLs on this
 * server. A driver sees nothing else of the sandbox: it talks HTTP to whatever is here.
 */
export interface ProviderEndpoints {
  google: {
    /** Calendar API root, e.g. https://www.googleapis.com (googleapis appends /calendar/v3/...). */
    apiBaseUrl: string;
    /** OAuth 2.0 base for /token, /revoke, /tokeninfo (https://oauth2.googleapis.com). */
    oauthBaseUrl: string;
    /** Consent page base (https://accounts.google.com), for /o/oauth2/v2/auth. */
    authBaseUrl: string;
  };
  microsoft: {
    /** Graph root including the version, e.g. https://graph.microsoft.com/v1.0. */
    graphBaseUrl: string;
    /** Identity platform root, e.g. https://login.microsoftonline.com (+ /{tenant}/oauth2/v2.0/...). */
    loginBaseUrl: string;
  };
}

export const PRODUCTION_ENDPOINTS: ProviderEndpoints = {
  google: {
    apiBaseUrl: 'https://www.googleapis.com',
    oauthBaseUrl: 'https://oauth2.googleapis.com',
    authBaseUrl: 'https://accounts.google.com',
  },
  microsoft: {
    graphBaseUrl: 'https://graph.microsoft.com/v1.0',
    loginBaseUrl: 'https://login.microsoftonline.com',
  },
};
