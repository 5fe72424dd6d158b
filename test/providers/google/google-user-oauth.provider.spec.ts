import { createHash, randomBytes } from 'node:crypto';
import { isProviderError } from '../../../src/providers/provider-errors';
import { GoogleUserOAuthProvider } from '../../../src/providers/google/google-user-oauth.provider';
import { CAL_SCOPE, type DriverHarness, FAST_RETRY, READONLY_SCOPE, startDriverHarness, virtualClock } from './google-driver-harness';

const ALICE = 'alice@example.com';
const CLIENT = { clientId: 'bridge.apps.googleusercontent.com', clientSecret: 'bridge-secret' };
const REDIRECT = 'http://127.0.0.1:1/api/v1/crm/calendar/connections/google/callback';

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function kindOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isProviderError(error)) return error.kind;
    throw error;
  }
  throw new Error('expected a ProviderError');
}

describe('GoogleUserOAuthProvider against the emulator OAuth server', () => {
  let harness: DriverHarness;
  let oauth: GoogleUserOAuthProvider;

  beforeAll(async () => {
    harness = await startDriverHarness();
  });
  afterAll(() => harness.close());

  beforeEach(() => {
    harness.emulator.reset();
    harness.emulator.createMailbox({ email: ALICE });
    harness.emulator.registerClient({ ...CLIENT, redirectUris: [REDIRECT] });
    harness.emulator.setAutoConsent(true);
    oauth = new GoogleUserOAuthProvider({ endpoints: harness.endpoints, client: CLIENT, retry: FAST_RETRY, clock: virtualClock() });
  });

  /** The browser leg: open the consent URL, follow the redirect back, return its query. */
  async function consent(url: string): Promise<URLSearchParams> {
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') as string);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    return location.searchParams;
  }

  it('builds the consent URL with state, PKCE S256, offline access, forced consent and the calendar scope', () => {
    const url = new URL(oauth.authorizationUrl({ state: 'st-1', codeChallenge: 'challenge-1', redirectUri: REDIRECT }));
    expect(url.origin + url.pathname).toBe(`${harness.base}/o/oauth2/v2/auth`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      access_type: 'offline',
      prompt: 'consent',
      scope: CAL_SCOPE,
      state: 'st-1',
      include_granted_scopes: 'true',
      code_challenge: 'challenge-1',
      code_challenge_method: 'S256',
      response_type: 'code',
      client_id: CLIENT.clientId,
      redirect_uri: REDIRECT,
    });
  });

  it('runs the code flow: consent, exchange with the verifier → tokens and the account e-mail', async () => {
    const { verifier, challenge } = pkce();
    const query = await consent(oauth.authorizationUrl({ state: 'st-2', codeChallenge: challenge, redirectUri: REDIRECT }));
    expect(query.get('state')).toBe('st-2');
    const before = Date.now();
    const tokens = await oauth.exchangeCode({ code: query.get('code') as string, codeVerifier: verifier, redirectUri: REDIRECT });
    expect(tokens.email).toBe(ALICE);
    expect(tokens.accessToken).toMatch(/^ya29\./);
    expect(tokens.refreshToken).toMatch(/\S{20,}/);
    expect(tokens.scopes).toEqual([CAL_SCOPE]);
    expect(tokens.expiresAt).toBeGreaterThanOrEqual(before + 3_599_000);
    expect(tokens.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });

  it('refuses a wrong PKCE verifier', async () => {
    const { challenge } = pkce();
    const query = await consent(oauth.authorizationUrl({ state: 's', codeChallenge: challenge, redirectUri: REDIRECT }));
    const error = await oauth.exchangeCode({ code: query.get('code') as string, codeVerifier: pkce().verifier, redirectUri: REDIRECT }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'INVALID_REQUEST', status: 400, providerCode: 'invalid_grant' });
  });

  it('refuses a consent without the calendar scope', async () => {
    const narrow = new GoogleUserOAuthProvider({ endpoints: harness.endpoints, client: CLIENT, scopes: [CAL_SCOPE], retry: FAST_RETRY, clock: virtualClock() });
    const { verifier, challenge } = pkce();
    const url = new URL(narrow.authorizationUrl({ state: 's', codeChallenge: challenge, redirectUri: REDIRECT }));
    url.searchParams.set('scope', READONLY_SCOPE); // the user granted less than asked
    const query = await consent(url.toString());
    expect(await kindOf(narrow.exchangeCode({ code: query.get('code') as string, codeVerifier: verifier, redirectUri: REDIRECT }))).toBe('PERMISSION_DENIED');
  });

  it('refreshes (Google keeps the refresh token: none returned) and revokes; a revoked grant → AUTH_REVOKED', async () => {
    const { verifier, challenge } = pkce();
    const query = await consent(oauth.authorizationUrl({ state: 's', codeChallenge: challenge, redirectUri: REDIRECT }));
    const tokens = await oauth.exchangeCode({ code: query.get('code') as string, codeVerifier: verifier, redirectUri: REDIRECT });
    const refreshed = await oauth.refresh(tokens.refreshToken as string);
    expect(refreshed.accessToken).toMatch(/^ya29\./);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).toBeUndefined();
    expect(refreshed.scopes).toEqual([CAL_SCOPE]);
    await oauth.revoke(tokens.refreshToken as string);
    expect(await kindOf(oauth.refresh(tokens.refreshToken as string))).toBe('AUTH_REVOKED');
    // Revoking again is fine: the grant is gone either way.
    await expect(oauth.revoke(tokens.refreshToken as string)).resolves.toBeUndefined();
  });
});
