import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, TestApp } from '../support/app';
import { http } from '../support/http';

const SNAPSHOT = join(__dirname, '..', '..', 'openapi.json');

/**
 * openapi.json is committed so API changes show up in review. This fails when the code
 * and the file disagree; `npm run openapi:write` regenerates the file.
 */
describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_BASE_URL: 'http://localhost:18080' });
  });
  afterAll(() => t.close());

  it('is served at /docs-json and matches the committed openapi.json', async () => {
    const served = await http(t.baseUrl, 'GET', '/docs-json');
    expect(served.status).toBe(200);
    const generated = `${JSON.stringify(served.body, null, 2)}\n`;
    if (process.env.UPDATE_OPENAPI === '1') writeFileSync(SNAPSHOT, generated);
    expect(JSON.parse(generated)).toEqual(JSON.parse(readFileSync(SNAPSHOT, 'utf8')));
  });

  it('declares the auth schemes: four headers, the query key of the ICS link, and the metrics token', async () => {
    const doc = (await http(t.baseUrl, 'GET', '/docs-json')).body;
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['admin-token', 'bearer', 'cb_key', 'metrics-token', 'x-api-key', 'x-api-key-query']);
  });

  it('serves Swagger UI at /docs', async () => {
    const page = await http(t.baseUrl, 'GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui');
  });
});
