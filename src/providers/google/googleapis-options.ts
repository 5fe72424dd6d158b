import type { ProviderEndpoints } from '../provider-endpoints';

/**
 * Options that point a `googleapis` service client at a base URL: Google's own host in
 * production, a mounted emulator in sandbox mode and tests. The product's Google driver and
 * the emulator tests share these helpers (the product never imports src/sandbox).
 *
 * googleapis keeps only the origin of a service-level `rootUrl`: it resolves each request
 * path ("/calendar/v3/...") against it with `new URL(path, rootUrl)`, so the mount prefix
 * (/sandbox/google) is dropped. The fetch wrapper puts the prefix back for requests to the
 * emulator's origin. Using Node's global fetch also spares gaxios its dynamic
 * `import('node-fetch')`, which Jest's CommonJS runtime cannot execute.
 *
 *   google.calendar({ version: 'v3', auth, ...googleapisOptions('http://127.0.0.1:18080/sandbox/google') })
 */
export function googleapisOptions(emulatorBase: string): { rootUrl: string; fetchImplementation: typeof fetch } {
  const base = new URL(emulatorBase.endsWith('/') ? emulatorBase : `${emulatorBase}/`);
  const prefix = base.pathname.replace(/\/$/, '');
  const fetchImplementation: typeof fetch = (input, init) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (prefix && url.origin === base.origin && !url.pathname.startsWith(`${prefix}/`)) {
      url.pathname = prefix + url.pathname;
    }
    return fetch(url, init);
  };
  return { rootUrl: base.toString(), fetchImplementation };
}

/** OAuth2Client `endpoints` for the configured Google hosts (consent page and token server differ in production). */
export function googleOAuthClientEndpoints(endpoints: ProviderEndpoints['google']): ReturnType<typeof googleOAuthEndpoints> {
  const oauth = endpoints.oauthBaseUrl.replace(/\/$/, '');
  return {
    oauth2AuthBaseUrl: `${endpoints.authBaseUrl.replace(/\/$/, '')}/o/oauth2/v2/auth`,
    oauth2TokenUrl: `${oauth}/token`,
    oauth2RevokeUrl: `${oauth}/revoke`,
    tokenInfoUrl: `${oauth}/tokeninfo`,
  };
}

/** Google's fixed OAuth endpoints, as client libraries hard-code them. */
const GOOGLE_OAUTH_URLS: Record<string, string> = {
  'https://oauth2.googleapis.com/token': '/token',
  'https://oauth2.googleapis.com/revoke': '/revoke',
  'https://oauth2.googleapis.com/tokeninfo': '/tokeninfo',
  'https://accounts.google.com/o/oauth2/token': '/token',
};

/** `endpoints` for google-auth-library's OAuth2Client, pointing at the emulator. */
export function googleOAuthEndpoints(emulatorBase: string): {
  oauth2AuthBaseUrl: string;
  oauth2TokenUrl: string;
  oauth2RevokeUrl: string;
  tokenInfoUrl: string;
} {
  const base = emulatorBase.replace(/\/$/, '');
  return {
    oauth2AuthBaseUrl: `${base}/o/oauth2/v2/auth`,
    oauth2TokenUrl: `${base}/token`,
    oauth2RevokeUrl: `${base}/revoke`,
    tokenInfoUrl: `${base}/tokeninfo`,
  };
}

/**
 * A fetch for auth clients' `transporterOptions` that sends requests for Google's fixed
 * OAuth URLs to the emulator. google.auth.JWT (via gtoken) posts to
 * https://oauth2.googleapis.com/token with no way to configure it; this reroutes it.
 */
export function googleOAuthFetch(emulatorBase: string): typeof fetch {
  const base = emulatorBase.replace(/\/$/, '');
  return (input, init) => {
    const raw = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    const url = new URL(raw);
    const target = GOOGLE_OAUTH_URLS[`${url.origin}${url.pathname}`];
    return fetch(target ? `${base}${target}${url.search}` : url, init);
  };
}
