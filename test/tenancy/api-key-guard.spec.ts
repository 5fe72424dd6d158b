import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { listenOnLoopback, testEnv } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createTenantWithKey } from '../support/fixtures';
import { http, JsonResponse } from '../support/http';
import { ApiKeyGuard, ApiKeyHeaders, ApiKeyQueryParameter } from '../../src/tenancy/guards/api-key.guard';
import { CurrentPrincipal, Principal } from '../../src/tenancy/principal';

/** Probe routes in the default error shape, so the guard's own messages reach the client unchanged. */
@Controller('guard-probe')
@UseGuards(ApiKeyGuard)
class GuardProbeController {
  @Get('two-headers')
  @ApiKeyHeaders('first-key', 'second-key')
  twoHeaders(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Get('with-query')
  @ApiKeyHeaders('first-key')
  @ApiKeyQueryParameter('key')
  withQuery(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Get('misconfigured')
  misconfigured(): string {
    return 'never';
  }
}

@Module({ controllers: [GuardProbeController] })
class GuardProbeModule {}

describe('ApiKeyGuard: where a key may come from, and what a missing one is told', () => {
  let app: NestExpressApplication;
  let baseUrl: string;
  let database: TestDatabase;
  let key: string;
  let expected: Principal;

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = testEnv(database.url);
    ({ app, baseUrl } = await listenOnLoopback(env, database.url, [GuardProbeModule]));
    const tenant = await createTenantWithKey(baseUrl, env.ADMIN_TOKEN as string, 'Guard Co');
    key = tenant.apiKey;
    expected = { tenantId: tenant.tenantId, apiKeyId: tenant.apiKeyId, via: 'api-key' };
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  const answer = (response: JsonResponse) => ({ status: response.status, body: response.body });
  const missing = (message: string) => ({ status: 401, body: { statusCode: 401, error: 'Unauthorized', code: 'API_KEY_MISSING', message } });

  it('takes the key from any of the route headers, skipping an empty one', async () => {
    expect(answer(await http(baseUrl, 'GET', '/guard-probe/two-headers', { headers: { 'first-key': key } }))).toEqual({ status: 200, body: expected });
    expect(answer(await http(baseUrl, 'GET', '/guard-probe/two-headers', { headers: { 'second-key': key } }))).toEqual({ status: 200, body: expected });
    expect(answer(await http(baseUrl, 'GET', '/guard-probe/two-headers', { headers: { 'first-key': '', 'second-key': key } }))).toEqual({ status: 200, body: expected });
  });

  it('names every place a key could have been sent when none was', async () => {
    expect(answer(await http(baseUrl, 'GET', '/guard-probe/two-headers'))).toEqual(missing('Missing API key: send it in the first-key or second-key header'));
    expect(answer(await http(baseUrl, 'GET', '/guard-probe/with-query'))).toEqual(missing('Missing API key: send it in the first-key header or the key query parameter'));
  });

  it('takes the key from the query parameter, trimmed, and treats a blank or repeated parameter as missing', async () => {
    const query = (value: string) => http(baseUrl, 'GET', `/guard-probe/with-query?${value}`);
    expect(answer(await query(`key=${encodeURIComponent(key)}`))).toEqual({ status: 200, body: expected });
    expect(answer(await query(`key=${encodeURIComponent(`  ${key}  `)}`))).toEqual({ status: 200, body: expected });
    const none = missing('Missing API key: send it in the first-key header or the key query parameter');
    expect(answer(await query('key=%20%20'))).toEqual(none);
    expect(answer(await query(`key=${encodeURIComponent(key)}&key=${encodeURIComponent(key)}`))).toEqual(none);
    expect(answer(await http(baseUrl, 'GET', `/guard-probe/two-headers?key=${encodeURIComponent(key)}`))).toEqual(
      missing('Missing API key: send it in the first-key or second-key header'),
    );
  });

  it('fails loudly (500, no key accepted) on a route that forgot @ApiKeyHeaders', async () => {
    const response = await http(baseUrl, 'GET', '/guard-probe/misconfigured', { headers: { 'x-api-key': key, cb_key: key } });
    expect(response.status).toBe(500);
    expect(response.text).not.toContain('never');
  });
});
