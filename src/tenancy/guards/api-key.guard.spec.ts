import { Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainException } from '../../common/errors/domain.exception';
import { fakeRequest, FakeRequest, httpContext } from '../../../test/support/tenancy-fakes';
import type { Principal } from '../principal';
import type { TenancyService } from '../tenancy.service';
import { ApiKeyGuard, ApiKeyHeaders, ApiKeyQueryParameter } from './api-key.guard';

@ApiKeyHeaders('cb_key', 'x-api-key')
class OrganisationRoutes {
  plain(): void {}

  @ApiKeyHeaders('x-api-key')
  icsOnly(): void {}

  @ApiKeyQueryParameter('key')
  link(): void {}
}

class Undecorated {
  route(): void {}
}

const orgPrincipal: Principal = { tenantId: 't1', apiKeyId: 'k1', via: 'api-key' };

describe('ApiKeyGuard', () => {
  let lookups: string[];
  let answer: () => Promise<Principal | null>;
  const tenancy = {
    authenticateApiKey: (key: string) => {
      lookups.push(key);
      return answer();
    },
  } as unknown as TenancyService;
  const guard = new ApiKeyGuard(new Reflector(), tenancy);

  beforeEach(() => {
    lookups = [];
    answer = () => Promise.resolve(orgPrincipal);
  });
  afterEach(() => jest.restoreAllMocks());

  const run = async (request: FakeRequest, handler: () => void = OrganisationRoutes.prototype.plain, controller: object = OrganisationRoutes) => {
    try {
      return await guard.canActivate(httpContext(request, handler, controller));
    } catch (error) {
      const e = error as DomainException;
      return { code: e.code, status: e.status, message: e.message };
    }
  };

  it('takes the key from the first header that has one, trimmed, and sets the principal', async () => {
    const request = fakeRequest({ cb_key: '   ', 'x-api-key': '  cbk_abc  ' });
    await expect(run(request)).resolves.toBe(true);
    expect(lookups).toEqual(['cbk_abc']);
    expect(request.principal).toBe(orgPrincipal);
  });

  it('prefers the first header over the second', async () => {
    const request = fakeRequest({ cb_key: 'cbk_first', 'x-api-key': 'cbk_second' });
    await expect(run(request)).resolves.toBe(true);
    expect(lookups).toEqual(['cbk_first']);
  });

  it('a handler-level @ApiKeyHeaders overrides the controller', async () => {
    await expect(run(fakeRequest({ cb_key: 'cbk_a' }), OrganisationRoutes.prototype.icsOnly)).resolves.toEqual({
      code: 'API_KEY_MISSING',
      status: 401,
      message: 'Missing API key: send it in the x-api-key header',
    });
    expect(lookups).toEqual([]);
    await expect(run(fakeRequest({ 'x-api-key': 'cbk_a' }), OrganisationRoutes.prototype.icsOnly)).resolves.toBe(true);
  });

  it('says which headers to use when no key is sent (blank values count as none)', async () => {
    const missing = { code: 'API_KEY_MISSING', status: 401, message: 'Missing API key: send it in the cb_key or x-api-key header' };
    await expect(run(fakeRequest({}))).resolves.toEqual(missing);
    await expect(run(fakeRequest({ cb_key: ' ', 'x-api-key': '' }))).resolves.toEqual(missing);
    // The query parameter only counts on routes that declare it.
    await expect(run(fakeRequest({}, { key: 'cbk_q' }))).resolves.toEqual(missing);
    expect(lookups).toEqual([]);
  });

  it('accepts the key as the declared query parameter, and names it when missing', async () => {
    const link = OrganisationRoutes.prototype.link;
    const request = fakeRequest({}, { key: ' cbk_q ' });
    await expect(run(request, link)).resolves.toBe(true);
    expect(lookups).toEqual(['cbk_q']);
    const missing = {
      code: 'API_KEY_MISSING',
      status: 401,
      message: 'Missing API key: send it in the cb_key or x-api-key header or the key query parameter',
    };
    await expect(run(fakeRequest({}, { key: ['cbk_1', 'cbk_2'] }), link)).resolves.toEqual(missing);
    await expect(run(fakeRequest({}, {}), link)).resolves.toEqual(missing);
    // A header still wins over the query.
    await expect(run(fakeRequest({ cb_key: 'cbk_h' }, { key: 'cbk_q' }), link)).resolves.toBe(true);
    expect(lookups).toEqual(['cbk_q', 'cbk_h']);
  });

  it('answers 401 API_KEY_INVALID for an unknown or revoked key', async () => {
    answer = () => Promise.resolve(null);
    const request = fakeRequest({ cb_key: 'cbk_unknown' });
    await expect(run(request)).resolves.toEqual({ code: 'API_KEY_INVALID', status: 401, message: 'Invalid or revoked API key' });
    expect(request.principal).toBeUndefined();
  });

  it('refuses a user-scoped key with 403', async () => {
    answer = () => Promise.resolve({ tenantId: 't1', userId: 3, apiKeyId: 'k2', via: 'api-key' });
    const request = fakeRequest({ cb_key: 'cal_user' });
    await expect(run(request)).resolves.toMatchObject({ code: 'CREDENTIAL_NOT_ALLOWED', status: 403 });
    expect(request.principal).toBeUndefined();
  });

  it('answers 503 when the key cannot be checked', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    answer = () => Promise.reject(new Error('pool exhausted'));
    await expect(run(fakeRequest({ cb_key: 'cbk_a' }))).resolves.toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
  });

  it('fails loudly on a route that forgot @ApiKeyHeaders', async () => {
    await expect(guard.canActivate(httpContext(fakeRequest({ cb_key: 'cbk_a' }), Undecorated.prototype.route, Undecorated))).rejects.toThrow(
      'ApiKeyGuard needs @ApiKeyHeaders(...) on the route',
    );
    @ApiKeyHeaders()
    class Empty {
      route(): void {}
    }
    await expect(guard.canActivate(httpContext(fakeRequest({ cb_key: 'cbk_a' }), Empty.prototype.route, Empty))).rejects.toThrow(
      'ApiKeyGuard needs @ApiKeyHeaders(...) on the route',
    );
    expect(lookups).toEqual([]);
  });
});
