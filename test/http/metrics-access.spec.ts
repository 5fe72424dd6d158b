import { networkInterfaces } from 'node:os';
import { NestExpressApplication } from '@nestjs/platform-express';
import { createApp, listeningPort } from '../../src/app.factory';
import { loadConfig } from '../../src/common/config/load-config';
import { createLogger } from '../../src/common/logging/logger';
import { testEnv } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { http } from '../support/http';

/** This machine's first address that is not loopback: a request to it has a non-loopback peer. */
const externalAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

describe('who may read /metrics', () => {
  let db: TestDatabase;
  const apps: NestExpressApplication[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await db.drop();
  });

  /** The app listening on every interface, so it can be reached from loopback and from outside. */
  async function startOnAllInterfaces(overrides: Record<string, string> = {}): Promise<number> {
    const config = loadConfig(testEnv(db.url, overrides));
    const app = await createApp(config, db.url, createLogger(config));
    await app.listen(0, '0.0.0.0');
    apps.push(app);
    return listeningPort(app);
  }

  describe('without METRICS_TOKEN (the default): this machine only', () => {
    let port: number;
    beforeAll(async () => {
      port = await startOnAllInterfaces();
    });

    it('answers a scraper on loopback', async () => {
      const metrics = await http(`http://127.0.0.1:${port}`, 'GET', '/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.text).toContain('process_cpu_seconds_total');
    });

    (externalAddress ? it : it.skip)('refuses a peer that is not loopback, with 403 in the default error shape', async () => {
      const refused = await http(`http://${externalAddress}:${port}`, 'GET', '/metrics');
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
      expect(refused.text).not.toContain('process_cpu_seconds_total');
    });

    it('refuses what a local reverse proxy forwarded (loopback peer with forwarding headers)', async () => {
      const refused = await http(`http://127.0.0.1:${port}`, 'GET', '/metrics', { headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect(refused.status).toBe(403);
    });
  });

  describe('with METRICS_TOKEN: the Bearer token, from anywhere', () => {
    const token = 'metrics-scrape-token-0123456789';
    let port: number;
    beforeAll(async () => {
      port = await startOnAllInterfaces({ METRICS_TOKEN: token });
    });

    it('asks even loopback for the token', async () => {
      const missing = await http(`http://127.0.0.1:${port}`, 'GET', '/metrics');
      expect(missing.status).toBe(401);
      expect(missing.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
      const wrong = await http(`http://127.0.0.1:${port}`, 'GET', '/metrics', { headers: { authorization: `Bearer ${token}x` } });
      expect(wrong.status).toBe(401);
    });

    (externalAddress ? it : it.skip)('answers the right token from a non-loopback peer', async () => {
      const metrics = await http(`http://${externalAddress}:${port}`, 'GET', '/metrics', { headers: { authorization: `Bearer ${token}` } });
      expect(metrics.status).toBe(200);
      expect(metrics.text).toContain('process_cpu_seconds_total');
    });
  });

  it('refuses a METRICS_TOKEN too short to be a secret', () => {
    expect(() => loadConfig(testEnv(db.url, { METRICS_TOKEN: 'short' }))).toThrow('METRICS_TOKEN must be at least 16 characters');
  });
});
