import { createHash } from 'node:crypto';
import { SANDBOX_GOOGLE_OAUTH_CLIENT } from '../../src/common/config/sandbox-clients';
import type { ConnectionSecret } from '../../src/database/entities/connection.entity';
import { sql } from '../links/sql';
import { type ConnectionsApp, consentAs, createUsers, crm, expectCrmError, hookCalls, startConnectionsApp } from './connections-harness';

const sha256hex = (text: string) => createHash('sha256').update(text).digest('hex');
const challengeOf = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/**
 * Connections over real HTTP as the CRM SPA drives them: authorize → the browser at the
 * emulated provider's consent page → the redirect to the SPA route → callback with the bearer.
 */
describe('Connections: OAuth connect, status, disconnect (seed 001)', () => {
  let t: ConnectionsApp;
  let tenantId: string;
  let tokens: Record<string, string>;

  beforeAll(async () => {
    t = await startConnectionsApp();
    ({ tenantId, tokens } = await createUsers(t, 'CRM', ['ann', 'bob', 'carl']));
  });
  afterAll(() => t?.close());

  const userIdOf = async (sub: string) => (await sql<{ id: number }>(t.database.url, 'SELECT id FROM users WHERE tenant_id = $1 AND external_id = $2', [tenantId, sub]))[0].id;

  /** authorize → consent → the redirect's code and state. */
  async function consent(sub: string, pathProvider: string, account: string): Promise<{ code: string; state: string; url: URL }> {
    const authorized = await crm(t, tokens[sub], 'GET', `/${pathProvider}/authorize`);
    expect(authorized.status).toBe(200);
    const back = await consentAs(authorized.body.url, account);
    return { code: back.searchParams.get('code') as string, state: back.searchParams.get('state') as string, url: new URL(authorized.body.url) };
  }

  const callback = (sub: string, pathProvider: string, code: string, state: string) =>
    crm(t, tokens[sub], 'GET', `/${pathProvider}/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`);

  const unsealed = (row: { secret_sealed: string }) => t.secretBox.decryptJson<ConnectionSecret>(row.secret_sealed);

  /** The Google emulator's token endpoint, as the product's client: does the grant still work? */
  const googleRefresh = (refreshToken: string) =>
    fetch(`${t.base}/sandbox/google/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, ...{ client_id: SANDBOX_GOOGLE_OAUTH_CLIENT.clientId, client_secret: SANDBOX_GOOGLE_OAUTH_CLIENT.clientSecret } }).toString(),
    });

  it('GET /status before anything: one entry per provider, none connected', async () => {
    const status = await crm(t, tokens.ann, 'GET', '/status');
    expect(status.status).toBe(200);
    expect(status.body).toEqual(
      ['GOOGLE', 'OUTLOOK', 'APPLE'].map((provider) => ({ provider, connected: false, calendarId: null, lastSyncAt: null, lastSyncError: null, lastSyncStatus: null })),
    );
  });

  it('Google: authorize (state hashed, PKCE S256 verifier sealed) → consent → callback → connected with the primary calendar, tokens sealed', async () => {
    const annId = await userIdOf('ann');
    const authorized = await crm(t, tokens.ann, 'GET', '/GOOGLE/authorize');
    expect(authorized.status).toBe(200);
    expect(Object.keys(authorized.body)).toEqual(['url']);
    const url = new URL(authorized.body.url);
    expect(url.origin + url.pathname).toBe(`${t.base}/sandbox/google/o/oauth2/v2/auth`);
    const state = url.searchParams.get('state') as string;
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('redirect_uri')).toBe(`${t.base}/connections/google/callback`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('client_id')).toBe(SANDBOX_GOOGLE_OAUTH_CLIENT.clientId);

    const [pending] = await sql<any>(t.database.url, 'SELECT * FROM oauth_states WHERE tenant_id = $1', [tenantId]);
    expect(pending).toMatchObject({ state_hash: sha256hex(state), user_id: annId, provider: 'google', redirect_uri: `${t.base}/connections/google/callback` });
    const lifetime = new Date(pending.expires_at).getTime() - new Date(pending.created_at).getTime();
    expect(lifetime).toBeGreaterThan(599_000);
    expect(lifetime).toBeLessThanOrEqual(601_000);
    const verifier = t.secretBox.decrypt(pending.code_verifier_sealed);
    expect(pending.code_verifier_sealed).not.toContain(verifier);
    expect(challengeOf(verifier)).toBe(url.searchParams.get('code_challenge'));

    const back = await consentAs(authorized.body.url, 'ann@acme.test');
    expect(back.origin + back.pathname).toBe(`${t.base}/connections/google/callback`);
    expect(back.searchParams.get('state')).toBe(state);

    hookCalls.length = 0;
    const done = await callback('ann', 'google', back.searchParams.get('code') as string, state);
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ provider: 'GOOGLE', connected: true, calendarId: 'ann@acme.test', lastSyncAt: null, lastSyncError: null, lastSyncStatus: 'PENDING' });

    const rows = await sql<any>(t.database.url, 'SELECT * FROM connections WHERE tenant_id = $1', [tenantId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ user_id: annId, provider: 'google', account_email: 'ann@acme.test', calendar_id: 'ann@acme.test', last_sync_status: 'PENDING', last_sync_error: null });
    const secret = unsealed(rows[0]);
    if (secret.kind !== 'oauth') throw new Error('expected an OAuth secret');
    expect(secret.refreshToken.length).toBeGreaterThan(20);
    // Nothing of the grant is readable in the row.
    expect(JSON.stringify(rows[0])).not.toContain(secret.refreshToken);
    expect(JSON.stringify(rows[0])).not.toContain(secret.accessToken as string);
    expect((await googleRefresh(secret.refreshToken)).status).toBe(200);
    expect(await sql(t.database.url, 'SELECT * FROM oauth_states WHERE tenant_id = $1', [tenantId])).toEqual([]);
    expect(hookCalls).toEqual([{ hook: 'queueSync', tenantId, userId: annId, connectionId: rows[0].id }]);

    const status = await crm(t, tokens.ann, 'GET', '/status');
    expect(status.body[0]).toEqual(done.body);
    expect(status.body.slice(1).map((entry: { connected: boolean }) => entry.connected)).toEqual([false, false]);
    // Another user of the same tenant sees none of it.
    expect((await crm(t, tokens.bob, 'GET', '/status')).body[0]).toMatchObject({ provider: 'GOOGLE', connected: false });
  });

  it('Outlook: consent as the directory user → connected with the Graph default calendar', async () => {
    const { code, state, url } = await consent('carl', 'Outlook', 'carol@contoso.test');
    expect(url.origin).toBe(t.base);
    expect(url.pathname).toMatch(/^\/sandbox\/microsoft\/login\/[^/]+\/oauth2\/v2\.0\/authorize$/);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('redirect_uri')).toBe(`${t.base}/connections/outlook/callback`);
    const done = await callback('carl', 'outlook', code, state);
    expect(done.status).toBe(200);
    const [row] = await sql<any>(t.database.url, "SELECT * FROM connections WHERE tenant_id = $1 AND provider = 'microsoft'", [tenantId]);
    const secret = unsealed(row);
    if (secret.kind !== 'oauth') throw new Error('expected an OAuth secret');
    expect(JSON.stringify(row)).not.toContain(secret.refreshToken);
    // The account's default calendar, as Graph tells its owner.
    const me = await fetch(`${t.base}/sandbox/microsoft/graph/v1.0/me/calendar`, { headers: { authorization: `Bearer ${secret.accessToken}` } });
    const defaultCalendar = (await me.json()) as { id: string };
    expect(done.body).toEqual({ provider: 'OUTLOOK', connected: true, calendarId: defaultCalendar.id, lastSyncAt: null, lastSyncError: null, lastSyncStatus: 'PENDING' });
    expect(row).toMatchObject({ account_email: 'carol@contoso.test', calendar_id: defaultCalendar.id });
    expect((await crm(t, tokens.carl, 'GET', '/status')).body[1]).toEqual(done.body);
  });

  describe('a callback that must be refused → 400 {detail, time, title}', () => {
    it('a reused state (the code and state of a completed connect, replayed)', async () => {
      const { code, state } = await consent('bob', 'google', 'bob@acme.test');
      expect((await callback('bob', 'google', code, state)).status).toBe(200);
      expectCrmError(await callback('bob', 'google', code, state), 400, 'Bad Request', 'Unknown or already used OAuth state: start again with authorize');
    });

    it('the same state in two concurrent callbacks: exactly one connects', async () => {
      const { code, state } = await consent('bob', 'google', 'bob@acme.test');
      const answers = await Promise.all([callback('bob', 'google', code, state), callback('bob', 'google', code, state)]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
      expect(answers.find((answer) => answer.status === 400)?.body.detail).toBe('Unknown or already used OAuth state: start again with authorize');
    });

    it('an expired state (consent took longer than 10 minutes)', async () => {
      const { code, state } = await consent('bob', 'google', 'bob@acme.test');
      await sql(t.database.url, "UPDATE oauth_states SET expires_at = now() - interval '1 second' WHERE state_hash = $1", [sha256hex(state)]);
      expectCrmError(await callback('bob', 'google', code, state), 400, 'Bad Request', 'The OAuth state expired (consent must finish within 10 minutes): start again with authorize');
    });

    it("another user's state, which is burned by the attempt", async () => {
      const { code, state } = await consent('ann', 'google', 'ann@acme.test');
      expectCrmError(await callback('bob', 'google', code, state), 400, 'Bad Request', 'This OAuth state was issued to another user');
      expectCrmError(await callback('ann', 'google', code, state), 400, 'Bad Request', 'Unknown or already used OAuth state: start again with authorize');
    });

    it("the other provider's state", async () => {
      const { code, state } = await consent('bob', 'google', 'bob@acme.test');
      expectCrmError(await callback('bob', 'outlook', code, state), 400, 'Bad Request', 'This OAuth state was issued for google, not outlook');
    });

    it('a failed PKCE check: the state kept another consent’s verifier, so the emulator refuses the code', async () => {
      const first = await consent('bob', 'google', 'bob@acme.test');
      const second = await crm(t, tokens.bob, 'GET', '/google/authorize');
      const otherState = new URL(second.body.url).searchParams.get('state') as string;
      await sql(
        t.database.url,
        'UPDATE oauth_states SET code_verifier_sealed = (SELECT code_verifier_sealed FROM oauth_states WHERE state_hash = $2) WHERE state_hash = $1',
        [sha256hex(first.state), sha256hex(otherState)],
      );
      expectCrmError(
        await callback('bob', 'google', first.code, first.state),
        400,
        'Bad Request',
        'The provider refused the authorization code (invalid, expired, already used, or the PKCE check failed): start again with authorize',
      );
    });

    it('a code that is not one, with a live state', async () => {
      const authorized = await crm(t, tokens.bob, 'GET', '/outlook/authorize');
      const state = new URL(authorized.body.url).searchParams.get('state') as string;
      expectCrmError(
        await callback('bob', 'outlook', 'not-a-code', state),
        400,
        'Bad Request',
        'The provider refused the authorization code (invalid, expired, already used, or the PKCE check failed): start again with authorize',
      );
    });

    it.each([
      ['no code', '?state=abc', 'Validation failed: code: is required'],
      ['no state', '?code=abc', 'Validation failed: state: is required'],
      ['neither', '', 'Validation failed: code: is required; state: is required'],
      ['code twice', '?code=a&code=b&state=s', 'Validation failed: code: must be given once'],
      ['an oversized state', `?code=a&state=${'s'.repeat(257)}`, 'Validation failed: state: must be at most 256 characters'],
    ])('%s', async (_label, query, detail) => {
      expectCrmError(await crm(t, tokens.bob, 'GET', `/google/callback${query}`), 400, 'Bad Request', detail);
    });
  });

  describe('paths and credentials', () => {
    it.each([
      ['yahoo', "Unknown OAuth provider 'yahoo': use google or outlook"],
      ['apple', "Unknown OAuth provider 'apple': Apple has no OAuth, connect it with POST /api/v1/crm/calendar/connections/apple/credentials"],
    ])('authorize for %s → 404', async (provider, detail) => {
      expectCrmError(await crm(t, tokens.ann, 'GET', `/${provider}/authorize`), 404, 'Not Found', detail);
    });

    it('no bearer → 401 in the CRM shape', async () => {
      expectCrmError(await crm(t, undefined, 'GET', '/google/authorize'), 401, 'Unauthorized', 'Missing bearer token');
      expectCrmError(await crm(t, undefined, 'GET', '/status'), 401, 'Unauthorized', 'Missing bearer token');
    });

    it('disconnect of an unknown provider, or of one not connected → 404', async () => {
      expectCrmError(await crm(t, tokens.bob, 'DELETE', '/yahoo/disconnect'), 404, 'Not Found', "Unknown calendar provider 'yahoo': use GOOGLE, OUTLOOK, APPLE");
      expectCrmError(await crm(t, tokens.bob, 'DELETE', '/apple/disconnect'), 404, 'Not Found', 'No APPLE calendar is connected');
    });
  });

  describe('disconnect', () => {
    it('Google: revoked at the provider (the refresh token no longer works), hook told first, tokens gone from the database', async () => {
      const annId = await userIdOf('ann');
      const [row] = await sql<any>(t.database.url, "SELECT * FROM connections WHERE tenant_id = $1 AND user_id = $2 AND provider = 'google'", [tenantId, annId]);
      const secret = unsealed(row);
      if (secret.kind !== 'oauth') throw new Error('expected an OAuth secret');
      hookCalls.length = 0;
      const gone = await crm(t, tokens.ann, 'DELETE', '/google/disconnect');
      expect({ status: gone.status, text: gone.text }).toEqual({ status: 200, text: '' });
      expect(hookCalls).toEqual([{ hook: 'forgetConnection', tenantId, userId: annId, connectionId: row.id, rowExisted: true }]);
      expect(await sql(t.database.url, 'SELECT id FROM connections WHERE id = $1', [row.id])).toEqual([]);
      const refused = await googleRefresh(secret.refreshToken);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: 'invalid_grant' });
      expect((await crm(t, tokens.ann, 'GET', '/status')).body[0]).toEqual({ provider: 'GOOGLE', connected: false, calendarId: null, lastSyncAt: null, lastSyncError: null, lastSyncStatus: null });
      expectCrmError(await crm(t, tokens.ann, 'DELETE', '/GOOGLE/disconnect'), 404, 'Not Found', 'No GOOGLE calendar is connected');
    });

    it('Google during a provider outage (revoke answers 503): still disconnected, tokens deleted', async () => {
      const bobId = await userIdOf('bob');
      const control = { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' };
      const injected = await fetch(`${t.base}/sandbox/google/_control/faults`, { method: 'POST', headers: control, body: JSON.stringify({ status: 503, count: 1000, match: { pathIncludes: '/revoke' } }) });
      expect(injected.ok).toBe(true);
      try {
        const [row] = await sql<any>(t.database.url, "SELECT * FROM connections WHERE tenant_id = $1 AND user_id = $2 AND provider = 'google'", [tenantId, bobId]);
        const secret = unsealed(row);
        if (secret.kind !== 'oauth') throw new Error('expected an OAuth secret');
        const gone = await crm(t, tokens.bob, 'DELETE', '/Google/disconnect');
        expect({ status: gone.status, text: gone.text }).toEqual({ status: 200, text: '' });
        expect(await sql(t.database.url, 'SELECT id FROM connections WHERE id = $1', [row.id])).toEqual([]);
        // The outage was real: the revocation never reached the grant.
        expect((await googleRefresh(secret.refreshToken)).status).toBe(200);
      } finally {
        await fetch(`${t.base}/sandbox/google/_control/faults`, { method: 'DELETE', headers: control });
      }
    });

    it('Outlook: tokens deleted (Microsoft has no per-token revocation: documented)', async () => {
      const gone = await crm(t, tokens.carl, 'DELETE', '/OUTLOOK/disconnect');
      expect(gone.status).toBe(200);
      expect(await sql(t.database.url, "SELECT id FROM connections WHERE tenant_id = $1 AND provider = 'microsoft'", [tenantId])).toEqual([]);
    });

    it('reconnect after a disconnect works; reconnecting a FAILED connection clears the error and keeps its id', async () => {
      const first = await consent('ann', 'google', 'ann@acme.test');
      expect((await callback('ann', 'google', first.code, first.state)).body).toMatchObject({ provider: 'GOOGLE', connected: true, calendarId: 'ann@acme.test' });
      const [before] = await sql<any>(t.database.url, "SELECT * FROM connections WHERE tenant_id = $1 AND provider = 'google' AND user_id = $2", [tenantId, await userIdOf('ann')]);
      await sql(t.database.url, "UPDATE connections SET last_sync_status = 'FAILED', last_sync_error = 'Access was revoked' WHERE id = $1", [before.id]);
      expect((await crm(t, tokens.ann, 'GET', '/status')).body[0]).toMatchObject({ lastSyncStatus: 'FAILED', lastSyncError: 'Access was revoked' });

      const again = await consent('ann', 'google', 'ann@acme.test');
      const done = await callback('ann', 'google', again.code, again.state);
      expect(done.body).toEqual({ provider: 'GOOGLE', connected: true, calendarId: 'ann@acme.test', lastSyncAt: null, lastSyncError: null, lastSyncStatus: 'PENDING' });
      const [after] = await sql<any>(t.database.url, 'SELECT * FROM connections WHERE id = $1', [before.id]);
      expect(after.secret_sealed).not.toBe(before.secret_sealed);
    });
  });
});
