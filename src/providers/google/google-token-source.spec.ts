import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CalendarAccess, OAuthTokens } from '../calendar-provider';
import type { RetryClock } from '../shared/provider-retry';
import { GoogleTokenSource, tokensFrom } from './google-token-source';

/** A token endpoint that rotates the refresh token on every refresh, the way Google may. */
async function rotatingTokenServer(): Promise<{ base: string; forms: URLSearchParams[]; close(): Promise<void> }> {
  const forms: URLSearchParams[] = [];
  let issued = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      forms.push(form);
      issued++;
      res.setHeader('content-type', 'application/json');
      if (form.get('refresh_token') === 'revoked') {
        res.statusCode = 400;
        res.end(JSON.stringify({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }));
        return;
      }
      res.end(JSON.stringify({ access_token: `at-${issued}`, expires_in: 3599, refresh_token: `rt-${issued}`, scope: 'https://www.googleapis.com/auth/calendar', token_type: 'Bearer' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, forms, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('GoogleTokenSource (user grants)', () => {
  let server: Awaited<ReturnType<typeof rotatingTokenServer>>;
  let now: number;
  const clock: RetryClock = { now: () => now, sleep: async () => undefined, random: () => 0 };
  const client = { clientId: 'cid', clientSecret: 'secret' };

  beforeAll(async () => {
    server = await rotatingTokenServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.forms.length = 0;
    now = 1_000_000;
  });

  const source = () => new GoogleTokenSource({ apiBaseUrl: server.base, oauthBaseUrl: server.base, authBaseUrl: server.base }, client, undefined, clock);

  it('refreshes once for concurrent callers, hands the rotated refresh token to the caller, reuses the token until a minute before expiry', async () => {
    const stored: OAuthTokens[] = [];
    const access: CalendarAccess = {
      mailbox: 'a@example.com',
      credentials: { kind: 'google-oauth', refreshToken: 'rt-0' },
      onTokensRefreshed: async (tokens) => {
        stored.push(tokens);
      },
    };
    const tokens = source();
    expect(await Promise.all([tokens.accessToken(access), tokens.accessToken(access), tokens.accessToken(access)])).toEqual(['at-1', 'at-1', 'at-1']);
    expect(server.forms.map((f) => Object.fromEntries(f))).toEqual([
      { grant_type: 'refresh_token', refresh_token: 'rt-0', client_id: 'cid', client_secret: 'secret' },
    ]);
    expect(stored).toEqual([{ accessToken: 'at-1', refreshToken: 'rt-1', expiresAt: 1_000_000 + 3_599_000, scopes: ['https://www.googleapis.com/auth/calendar'] }]);
    now += 3_599_000 - 60_001;
    expect(await tokens.accessToken(access)).toBe('at-1');
    now += 2;
    expect(await tokens.accessToken(access)).toBe('at-2');
    expect(server.forms).toHaveLength(2);
  });

  it('uses a still-valid access token the caller already holds, and drops it when invalidated', async () => {
    const access: CalendarAccess = {
      mailbox: 'a@example.com',
      credentials: { kind: 'google-oauth', refreshToken: 'rt-0', accessToken: 'held', accessTokenExpiresAt: now + 600_000 },
    };
    const tokens = source();
    expect(await tokens.accessToken(access)).toBe('held');
    expect(server.forms).toHaveLength(0);
    tokens.invalidate(access);
    expect(await tokens.accessToken(access)).toMatch(/^at-\d+$/);
    expect(server.forms).toHaveLength(1);
  });

  it('a revoked refresh token → AUTH_REVOKED', async () => {
    const access: CalendarAccess = { mailbox: 'a@example.com', credentials: { kind: 'google-oauth', refreshToken: 'revoked' } };
    await expect(source().accessToken(access)).rejects.toMatchObject({ kind: 'AUTH_REVOKED', status: 400, providerCode: 'invalid_grant' });
  });

  it('tokensFrom keeps a refresh token only when Google rotated it', () => {
    expect(tokensFrom({ access_token: 'a', expires_in: 10, refresh_token: 'same', scope: 'x y' }, 0, 'same')).toEqual({
      accessToken: 'a',
      refreshToken: undefined,
      expiresAt: 10_000,
      scopes: ['x', 'y'],
    });
    expect(tokensFrom({ access_token: 'a', expires_in: 10, refresh_token: 'new' }, 0, 'old').refreshToken).toBe('new');
  });
});
