import { startTestApp, TestApp } from '../support/app';
import { createTenantWithKey, TenantFixture } from '../support/fixtures';
import { http } from '../support/http';

/**
 * Nest's 404 for an unknown route said `Cannot GET <url>` with the query string — so
 * `GET /links?x-api-key=cbk_…` sent the organisation key back in the body. Found by the fuzz
 * suite. The message now names the path only.
 */
describe('a 404 for an unknown route does not echo the query string', () => {
  let t: TestApp;
  let tenant: TenantFixture;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTenantWithKey(t.baseUrl, t.adminToken, 'Echo');
  });
  afterAll(() => t.close());

  it('under /links (Links shape)', async () => {
    const response = await http(t.baseUrl, 'GET', `/links/nothing/else?x-api-key=${tenant.apiKey}&code=oauth-code`);
    expect({ status: response.status, body: response.body }).toEqual({ status: 404, body: { message: 'Cannot GET /links/nothing/else' } });
  });

  it('under /v2 (cal.com shape) and /api/v1/crm (CRM shape)', async () => {
    const calcom = await http(t.baseUrl, 'PUT', `/v2/nothing?apiKey=${tenant.apiKey}`);
    const { timestamp, ...rest } = calcom.body;
    expect({ status: calcom.status, body: rest }).toEqual({ status: 404, body: { status: 'error', error: { code: 'NotFoundException', message: 'Cannot PUT /v2/nothing' } } });
    expect(Number.isNaN(Date.parse(timestamp))).toBe(false);
    const crm = await http(t.baseUrl, 'GET', `/api/v1/crm/nothing?x-api-key=${tenant.apiKey}`);
    expect(crm.status).toBe(404);
    expect(crm.body.detail).toBe('Cannot GET /api/v1/crm/nothing');
  });

  it('in the default shape', async () => {
    const response = await http(t.baseUrl, 'GET', `/nowhere?token=${tenant.apiKey}`);
    expect({ status: response.status, body: response.body }).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: 'Cannot GET /nowhere' },
    });
  });
});
