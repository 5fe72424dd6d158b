import type { ConnectionSecret } from '../../src/database/entities/connection.entity';
import { connectAccount, createCrmUser, CrmUser, SandboxApp, startSandboxApp } from '../support/connections';
import { http } from '../support/http';
import { sql } from '../links/sql';

jest.setTimeout(60_000);

const CONNECTIONS = '/api/v1/crm/calendar/connections';

/**
 * Token refresh with rotation (issue 8): the emulated Microsoft identity platform hands out a new
 * refresh token on every refresh (https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens).
 * A sync whose access token has expired refreshes, and the rotated grant is sealed and stored, so the
 * next refresh works with the new token and never in clear.
 */
describe('Connections: token refresh with rotation (Outlook)', () => {
  let s: SandboxApp;
  let ann: CrmUser;
  let bearer: Record<string, string>;

  beforeAll(async () => {
    s = await startSandboxApp({ LINKS_QUEUE_CONCURRENCY: '0' });
    ann = await createCrmUser(s.baseUrl, s.adminToken, 'rotation');
    await connectAccount(s.app, ann, 'microsoft', 'rita@contoso.test');
    // A user token that outlives the clock moves below.
    const minted = await http(s.baseUrl, 'POST', `/admin/tenants/${ann.tenantId}/tokens`, { headers: { 'x-admin-token': s.adminToken }, json: { sub: 'crm-rotation', expiresInSeconds: 86_400 } });
    bearer = { authorization: `Bearer ${minted.body.accessToken}` };
  });
  afterAll(() => s.close());

  const stored = async (): Promise<{ sealed: string; secret: ConnectionSecret & { kind: 'oauth' } }> => {
    const [row] = await sql<{ secret_sealed: string }>(s.database.url, 'SELECT secret_sealed FROM connections WHERE tenant_id = $1', [ann.tenantId]);
    return { sealed: row.secret_sealed, secret: s.secretBox.decryptJson<ConnectionSecret & { kind: 'oauth' }>(row.secret_sealed) };
  };
  /**
   * Moves this process's clock (the app and the emulators run in it) two hours on: the access
   * token expires at the emulator and in every cache, as it would in production. Timers stay real.
   */
  const twoHoursLater = (): void => {
    const target = Date.now() + 2 * 60 * 60 * 1000;
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'] });
    jest.setSystemTime(target);
  };
  afterEach(() => jest.useRealTimers());
  const sync = () => http(s.baseUrl, 'POST', `${CONNECTIONS}/OUTLOOK/sync`, { headers: bearer });

  it('an expired access token is refreshed during the sync, and the rotated refresh token replaces the old one, sealed', async () => {
    const before = (await stored()).secret;
    twoHoursLater();
    const first = await sync();
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ provider: 'OUTLOOK', success: true, error: null });

    const after = await stored();
    expect(after.secret.kind).toBe('oauth');
    expect(after.secret.refreshToken).not.toBe(before.refreshToken);
    expect(after.secret.accessTokenExpiresAt).toBeGreaterThan(Date.now());
    expect(after.sealed).not.toContain(after.secret.refreshToken);

    // The rotated token is the one that works now: a second expiry refreshes again with it.
    twoHoursLater();
    const second = await sync();
    expect(second.body).toMatchObject({ provider: 'OUTLOOK', success: true, error: null });
    expect((await stored()).secret.refreshToken).not.toBe(after.secret.refreshToken);
  });
});
