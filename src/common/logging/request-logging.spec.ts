import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { REDACTED_PATHS } from './logger';
import { requestLogging } from './request-logging';

describe('request log headers', () => {
  let server: Server;
  let baseUrl: string;
  const lines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = requestLogging(pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink));
    server = createServer((req, res) => log(req, res, () => res.end('ok')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('never writes a credential sent under a misspelt header name, and keeps the allowed headers', async () => {
    const misspelt = ['cb-key', 'x_api_key', 'x-admin_token', 'apikey', 'authorization', 'cookie', 'x-api-key', 'cb_key', 'x-admin-token'];
    const headers: Record<string, string> = { 'user-agent': 'log-check/1.0', 'content-type': 'application/json', 'x-request-id': 'req-allowlist-1' };
    for (const [i, name] of misspelt.entries()) headers[name] = `s3cret-value-${i}`;
    const response = await fetch(`${baseUrl}/somewhere?token=query-s3cret`, { method: 'POST', headers, body: '{"a":1}' });
    expect(response.status).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));

    const line = lines.find((l) => l.includes('req-allowlist-1'));
    expect(line).toBeDefined();
    expect(line).not.toMatch(/s3cret/);
    const logged = JSON.parse(line!).req.headers;
    expect(logged).toEqual({
      'user-agent': 'log-check/1.0',
      'content-type': 'application/json',
      'content-length': '7',
      'x-request-id': 'req-allowlist-1',
      host: baseUrl.slice('http://'.length),
      accept: '*/*',
      'accept-encoding': 'gzip, deflate',
    });
  });
});
