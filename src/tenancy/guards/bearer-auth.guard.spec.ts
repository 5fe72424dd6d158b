import { Logger } from '@nestjs/common';
import { sign } from 'jsonwebtoken';
import { DomainException } from '../../common/errors/domain.exception';
import { fakeRequest, FakeRequest, httpContext, tenancyConfig } from '../../../test/support/tenancy-fakes';
import type { Principal } from '../principal';
import type { JwtClaims, TenancyService } from '../tenancy.service';
import { BearerAuthGuard } from './bearer-auth.guard';
import { JwtStrategy } from './jwt.strategy';

const SECRET = 'unit-secret-0123456789abcdef';
const userPrincipal: Principal = { tenantId: 't1', userId: 9, via: 'jwt' };

describe('BearerAuthGuard (with the HS256 JwtStrategy)', () => {
  let keyLookups: string[];
  let claimsSeen: JwtClaims[];
  let keyAnswer: () => Promise<Principal | null>;
  let jwtAnswer: () => Promise<Principal | null>;
  const tenancy = {
    authenticateApiKey: (key: string) => {
      keyLookups.push(key);
      return keyAnswer();
    },
    principalFromJwt: (claims: JwtClaims) => {
      claimsSeen.push(claims);
      return jwtAnswer();
    },
  } as unknown as TenancyService;
  const guard = new BearerAuthGuard(tenancy);

  beforeEach(() => {
    // Registers the 'jwt' passport strategy the guard uses (per test, so each test covers its options).
    new JwtStrategy(tenancyConfig({ jwt: { secret: SECRET, tenantClaim: 'org', issuer: 'https://idp.test', audience: 'calendar-bridge' } }), tenancy);
    keyLookups = [];
    claimsSeen = [];
    keyAnswer = () => Promise.resolve({ tenantId: 't1', userId: 4, apiKeyId: 'k4', via: 'api-key' });
    jwtAnswer = () => Promise.resolve(userPrincipal);
  });
  afterEach(() => jest.restoreAllMocks());

  const run = async (request: FakeRequest) => {
    try {
      return await guard.canActivate(httpContext(request));
    } catch (error) {
      const e = error as DomainException;
      return { code: e.code, status: e.status, message: e.message };
    }
  };
  const token = (claims: object = { sub: 'u-1', org: 't1' }, options: object = {}) =>
    sign(claims, SECRET, { algorithm: 'HS256', expiresIn: 600, issuer: 'https://idp.test', audience: 'calendar-bridge', ...options });

  it('answers 401 without a well-formed bearer token', async () => {
    const missing = { code: 'UNAUTHORIZED', status: 401, message: 'Missing bearer token' };
    await expect(run(fakeRequest({}))).resolves.toEqual(missing);
    await expect(run(fakeRequest({ authorization: 'Basic dXNlcjpwYXNz' }))).resolves.toEqual(missing);
    await expect(run(fakeRequest({ authorization: 'Bearer ' }))).resolves.toEqual(missing);
    await expect(run(fakeRequest({ authorization: 'Bearer cal_a cal_b' }))).resolves.toEqual(missing);
    await expect(run(fakeRequest({ authorization: 'xBearer cal_a' }))).resolves.toEqual(missing);
    expect(keyLookups).toEqual([]);
  });

  it('looks a cal_ key up (scheme case-insensitive) and sets the user principal', async () => {
    const request = fakeRequest({ authorization: 'bearer   cal_userkey' });
    await expect(run(request)).resolves.toBe(true);
    expect(keyLookups).toEqual(['cal_userkey']);
    expect(request.principal).toEqual({ tenantId: 't1', userId: 4, apiKeyId: 'k4', via: 'api-key' });
    expect(claimsSeen).toEqual([]);
  });

  it('answers 401 for an unknown key and 403 for an organisation key', async () => {
    keyAnswer = () => Promise.resolve(null);
    await expect(run(fakeRequest({ authorization: 'Bearer cal_gone' }))).resolves.toEqual({
      code: 'UNAUTHORIZED',
      status: 401,
      message: 'Invalid or revoked API key',
    });
    keyAnswer = () => Promise.resolve({ tenantId: 't1', apiKeyId: 'k1', via: 'api-key' });
    const request = fakeRequest({ authorization: 'Bearer cbk_orgkey' });
    await expect(run(request)).resolves.toMatchObject({ code: 'CREDENTIAL_NOT_ALLOWED', status: 403 });
    expect(request.principal).toBeUndefined();
    expect(keyLookups).toEqual(['cal_gone', 'cbk_orgkey']);
  });

  it('answers 503 when a key cannot be checked', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    keyAnswer = () => Promise.reject(new Error('db down'));
    await expect(run(fakeRequest({ authorization: 'Bearer cal_x' }))).resolves.toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
  });

  it('verifies a JWT and sets the principal the claims resolve to', async () => {
    const request = fakeRequest({ authorization: `Bearer ${token()}` });
    await expect(run(request)).resolves.toBe(true);
    expect(request.principal).toBe(userPrincipal);
    expect(claimsSeen).toHaveLength(1);
    expect(claimsSeen[0]).toMatchObject({ sub: 'u-1', org: 't1', iss: 'https://idp.test', aud: 'calendar-bridge' });
    expect(keyLookups).toEqual([]);
  });

  it('answers 401 for a bad signature, an expired token, a wrong issuer or audience, or unknown claims', async () => {
    const invalid = { code: 'UNAUTHORIZED', status: 401, message: 'Invalid or expired token' };
    await expect(run(fakeRequest({ authorization: `Bearer ${sign({ sub: 'u' }, 'another-secret-0123456789', { expiresIn: 600 })}` }))).resolves.toEqual(invalid);
    await expect(run(fakeRequest({ authorization: `Bearer ${sign({ sub: 'u', org: 't1', exp: Math.floor(Date.now() / 1000) - 120 }, SECRET, { issuer: 'https://idp.test', audience: 'calendar-bridge' })}` }))).resolves.toEqual(invalid);
    await expect(run(fakeRequest({ authorization: `Bearer ${token(undefined, { issuer: 'https://evil.test' })}` }))).resolves.toEqual(invalid);
    await expect(run(fakeRequest({ authorization: `Bearer ${token(undefined, { audience: 'someone-else' })}` }))).resolves.toEqual(invalid);
    expect(claimsSeen).toEqual([]);
    jwtAnswer = () => Promise.resolve(null);
    await expect(run(fakeRequest({ authorization: `Bearer ${token()}` }))).resolves.toEqual(invalid);
    expect(claimsSeen).toHaveLength(1);
  });

  it('answers 503 when resolving the token user fails, and 403 for an organisation principal', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jwtAnswer = () => Promise.reject(new Error('db down'));
    await expect(run(fakeRequest({ authorization: `Bearer ${token()}` }))).resolves.toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
    jwtAnswer = () => Promise.resolve({ tenantId: 't1', via: 'jwt' });
    await expect(run(fakeRequest({ authorization: `Bearer ${token()}` }))).resolves.toMatchObject({ code: 'CREDENTIAL_NOT_ALLOWED', status: 403 });
  });

  it('handleRequest: an error is 503 (or itself if a DomainException), no user is 401, a user passes', () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    expect(guard.handleRequest(null, userPrincipal)).toBe(userPrincipal);
    expect(() => guard.handleRequest(null, false)).toThrow('Invalid or expired token');
    expect(() => guard.handleRequest(new Error('x'), userPrincipal)).toThrow('Service unavailable: the credential could not be checked, retry later');
  });
});

describe('JwtStrategy', () => {
  it('resolves claims through TenancyService and answers false when they name nobody', async () => {
    const answers: Array<Principal | null> = [userPrincipal, null];
    const tenancy = { principalFromJwt: () => Promise.resolve(answers.shift() ?? null) } as unknown as TenancyService;
    const strategy = new JwtStrategy(tenancyConfig(), tenancy);
    await expect(strategy.validate({ sub: 'a' })).resolves.toBe(userPrincipal);
    await expect(strategy.validate({ sub: 'b' })).resolves.toBe(false);
  });
});
