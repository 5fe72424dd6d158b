import { randomBytes } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { Client } from 'pg';
import { startTestApp, TestApp } from '../support/app';
import { createTenantWithKey } from '../support/fixtures';
import { http } from '../support/http';

/** SPEC 3: users are looked up first, created once, and a claim a token omits erases nothing. */
describe('bearer users: looked up first, created once, never erased by a missing claim', () => {
  let t: TestApp;
  let secret: string;
  let tenantId: string;
  let db: Client;

  beforeAll(async () => {
    secret = randomBytes(32).toString('base64');
    t = await startTestApp({ JWT_SECRET: secret });
    tenantId = (await createTenantWithKey(t.baseUrl, t.adminToken, 'Users Co')).tenantId;
    db = new Client({ connectionString: t.database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  const token = (claims: Record<string, unknown>, options: { expiresIn?: number } = { expiresIn: 300 }) =>
    sign({ tenant_id: tenantId, ...claims }, secret, options);
  const me = (jwt: string) => http(t.baseUrl, 'GET', '/users/me', { headers: { authorization: `Bearer ${jwt}` } });
  const sequenceValue = async (): Promise<string | null> =>
    (await db.query(`SELECT last_value::text AS v FROM pg_sequences WHERE sequencename = 'users_id_seq'`)).rows[0].v;
  const storedEmail = async (sub: string): Promise<string | null> =>
    (await db.query('SELECT email FROM users WHERE tenant_id = $1 AND external_id = $2', [tenantId, sub])).rows[0].email;

  it('does not advance the users id sequence on requests of a known user', async () => {
    const jwt = token({ sub: 'repeat-user', email: 'repeat@users.example' });
    const first = await me(jwt);
    expect(first.status).toBe(200);
    const afterFirst = await sequenceValue();
    expect(afterFirst).toBe(String(first.body.id));
    for (let i = 0; i < 25; i++) expect((await me(jwt)).status).toBe(200);
    expect(await sequenceValue()).toBe(afterFirst);
  });

  it('creates exactly one row when the first requests of a new user arrive together', async () => {
    const jwt = token({ sub: 'racing-user', email: 'race@users.example' });
    const answers = await Promise.all(Array.from({ length: 20 }, () => me(jwt)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM users WHERE external_id = 'racing-user'`);
    expect(rows[0].n).toBe(1);
  });

  it('refuses a token without exp (it would be valid forever)', async () => {
    const response = await me(token({ sub: 'forever' }, {}));
    expect({ status: response.status, body: response.body }).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', code: 'UNAUTHORIZED', message: 'Invalid or expired token' },
    });
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM users WHERE external_id = 'forever'`);
    expect(rows[0].n).toBe(0);
  });

  it('keeps the stored e-mail when a token omits it, and updates it when a token carries a new one', async () => {
    expect((await me(token({ sub: 'mail-user', email: 'first@users.example' }))).body.email).toBe('first@users.example');
    const without = await me(token({ sub: 'mail-user' }));
    expect(without.status).toBe(200);
    expect(without.body.email).toBe('first@users.example');
    expect(await storedEmail('mail-user')).toBe('first@users.example');
    const changed = await me(token({ sub: 'mail-user', email: 'second@users.example' }));
    expect(changed.body.email).toBe('second@users.example');
    expect(await storedEmail('mail-user')).toBe('second@users.example');
  });

  it.each([
    ['a subject longer than the 255 characters a user id may have', { sub: 'x'.repeat(256) }],
    ['a subject with a NUL byte', { sub: 'nul\u0000user' }],
    ['a numeric subject', { sub: 12345 }],
  ])('answers 401, not 500 or 503, for %s', async (_label, claims) => {
    const response = await me(token(claims));
    expect({ status: response.status, code: response.body.code }).toEqual({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('ignores an e-mail claim that cannot be stored, keeping the stored one', async () => {
    await me(token({ sub: 'odd-mail', email: 'kept@users.example' }));
    for (const email of [`${'a'.repeat(320)}@users.example`, 'nul\u0000@users.example', 42]) {
      const response = await me(token({ sub: 'odd-mail', email }));
      expect({ status: response.status, email: response.body.email }).toEqual({ status: 200, email: 'kept@users.example' });
    }
  });
});
