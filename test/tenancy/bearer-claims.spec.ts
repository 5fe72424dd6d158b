import { randomBytes } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { startTestApp, TestApp } from '../support/app';
import { createTenantWithKey } from '../support/fixtures';
import { http, JsonResponse } from '../support/http';

const UNAUTHORIZED = { status: 401, body: { statusCode: 401, error: 'Unauthorized', code: 'UNAUTHORIZED', message: 'Invalid or expired token' } };

/** Which JWT claims make a principal, at the edges of what the users table can hold. */
describe('bearer JWT claims at their limits', () => {
  let t: TestApp;
  let secret: string;
  let tenantId: string;

  beforeAll(async () => {
    secret = randomBytes(32).toString('base64');
    t = await startTestApp({ JWT_SECRET: secret });
    tenantId = (await createTenantWithKey(t.baseUrl, t.adminToken, 'Claims Co')).tenantId;
  });
  afterAll(() => t?.close()); // t is unset when beforeAll failed: let its error be the one reported

  const me = (claims: Record<string, unknown>) =>
    http(t.baseUrl, 'GET', '/users/me', { headers: { authorization: `Bearer ${sign({ tenant_id: tenantId, ...claims }, secret, { expiresIn: 300 })}` } });
  const answer = (response: JsonResponse) => ({ status: response.status, body: response.body });

  it('takes a subject of exactly 255 characters (the column size) and an e-mail of exactly 320', async () => {
    const sub = 's'.repeat(255);
    const email = `${'e'.repeat(320 - '@x.example'.length)}@x.example`;
    const response = await me({ sub, email });
    expect({ status: response.status, externalId: response.body.externalId, email: response.body.email }).toEqual({ status: 200, externalId: sub, email });
  });

  it('refuses an empty subject and ignores an empty e-mail', async () => {
    expect(answer(await me({ sub: '' }))).toEqual(UNAUTHORIZED);
    const response = await me({ sub: 'no-mail', email: '' });
    expect({ status: response.status, email: response.body.email }).toEqual({ status: 200, email: null });
  });

  it('refuses a tenant claim that is missing, not a string, not a UUID, or an unknown tenant', async () => {
    expect(answer(await me({ sub: 'u', tenant_id: undefined }))).toEqual(UNAUTHORIZED);
    expect(answer(await me({ sub: 'u', tenant_id: 42 }))).toEqual(UNAUTHORIZED);
    expect(answer(await me({ sub: 'u', tenant_id: `x${tenantId}` }))).toEqual(UNAUTHORIZED);
    expect(answer(await me({ sub: 'u', tenant_id: `${tenantId}x` }))).toEqual(UNAUTHORIZED);
    expect(answer(await me({ sub: 'u', tenant_id: '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b' }))).toEqual(UNAUTHORIZED);
    const upper = await me({ sub: 'upper', tenant_id: tenantId.toUpperCase() });
    expect(upper.status).toBe(200);
  });

  it('reads the bearer scheme case-insensitively and refuses other schemes or extra words', async () => {
    const token = sign({ tenant_id: tenantId, sub: 'scheme-user' }, secret, { expiresIn: 300 });
    const withHeader = (authorization: string) => http(t.baseUrl, 'GET', '/users/me', { headers: { authorization } });
    expect((await withHeader(`bearer ${token}`)).status).toBe(200);
    const missing = { status: 401, body: { statusCode: 401, error: 'Unauthorized', code: 'UNAUTHORIZED', message: 'Missing bearer token' } };
    expect(answer(await withHeader(`Basic ${token}`))).toEqual(missing);
    expect(answer(await withHeader(`Bearer ${token} extra`))).toEqual(missing);
    expect(answer(await withHeader(`xBearer ${token}`))).toEqual(missing);
    expect(answer(await withHeader('Bearer '))).toEqual(missing);
  });
});
