import { generateKeyPairSync } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sign } from 'jsonwebtoken';
import { DomainException } from '../../common/errors/domain.exception';
import { fakeRequest, httpContext, tenancyConfig } from '../../../test/support/tenancy-fakes';
import type { Principal } from '../principal';
import type { JwtClaims, TenancyService } from '../tenancy.service';
import { BearerAuthGuard } from './bearer-auth.guard';
import { JwtStrategy } from './jwt.strategy';

/** RS256 through an identity provider's JWKS (JWT_JWKS_URL), served by a local HTTP server. */
describe('JwtStrategy with JWT_JWKS_URL', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'key-1', use: 'sig', alg: 'RS256' };
  let server: Server;
  let fetches = 0;
  let guard: BearerAuthGuard;
  const user: Principal = { tenantId: 't1', userId: 2, via: 'jwt' };
  const seen: JwtClaims[] = [];

  let url: string;
  const tenancy = {
    principalFromJwt: (claims: JwtClaims) => {
      seen.push(claims);
      return Promise.resolve(user);
    },
  } as unknown as TenancyService;

  beforeAll(async () => {
    server = createServer((request, response) => {
      fetches += 1;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });
  // A fresh strategy (and JWKS client: its cache and rate limit) per test.
  beforeEach(() => {
    fetches = 0;
    seen.length = 0;
    new JwtStrategy(tenancyConfig({ jwt: { jwksUrl: url, secret: 'also-set-but-unused-0123456789', tenantClaim: 'org', issuer: 'https://idp' } }), tenancy);
    guard = new BearerAuthGuard(tenancy);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const run = async (token: string) => {
    const request = fakeRequest({ authorization: `Bearer ${token}` });
    try {
      await guard.canActivate(httpContext(request));
      return request.principal;
    } catch (error) {
      const e = error as DomainException;
      return { code: e.code, status: e.status, message: e.message };
    }
  };
  const rs256 = (claims: object = { sub: 'u', org: 't1' }) => sign(claims, privateKey, { algorithm: 'RS256', keyid: 'key-1', expiresIn: 600, issuer: 'https://idp' });

  it('accepts an RS256 token signed by a key of the JWKS, fetching the key set once (cached)', async () => {
    await expect(run(rs256())).resolves.toBe(user);
    await expect(run(rs256({ sub: 'v', org: 't1' }))).resolves.toBe(user);
    expect(seen.map((claims) => claims.sub)).toEqual(['u', 'v']);
    expect(fetches).toBe(1);
  });

  it('refuses HS256 (even signed with JWT_SECRET) and another issuer', async () => {
    const invalid = { code: 'UNAUTHORIZED', status: 401, message: 'Invalid or expired token' };
    await expect(run(sign({ sub: 'u', org: 't1' }, 'also-set-but-unused-0123456789', { algorithm: 'HS256', keyid: 'key-1', expiresIn: 600, issuer: 'https://idp' }))).resolves.toEqual(
      invalid,
    );
    await expect(run(sign({ sub: 'u' }, privateKey, { algorithm: 'RS256', keyid: 'key-1', expiresIn: 600, issuer: 'https://other' }))).resolves.toEqual(invalid);
    expect(seen).toEqual([]);
  });

  it('limits key set fetches for unknown key ids to 10 a minute', async () => {
    for (let i = 0; i < 12; i++) {
      const token = sign({ sub: 'u', org: 't1' }, privateKey, { algorithm: 'RS256', keyid: `unknown-${i}`, expiresIn: 600, issuer: 'https://idp' });
      await expect(run(token)).resolves.toEqual({ code: 'UNAUTHORIZED', status: 401, message: 'Invalid or expired token' });
    }
    // The last two unknown ids are refused without a fetch.
    expect(fetches).toBe(10);
  });
});
