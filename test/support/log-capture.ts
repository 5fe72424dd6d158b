import { Writable } from 'node:stream';
import { NestExpressApplication } from '@nestjs/platform-express';
import { createApp, listeningPort } from '../../src/app.factory';
import { loadConfig } from '../../src/common/config/load-config';
import { createLogger } from '../../src/common/logging/logger';
import { testEnv } from './app';
import { createTestDatabase, TestDatabase } from './database';

export interface LogCapturingApp {
  app: NestExpressApplication;
  baseUrl: string;
  database: TestDatabase;
  adminToken: string;
  jwtSecret: string;
  /** The env it booted with (its secrets: ADMIN_TOKEN, JWT_SECRET, ENCRYPTION_KEY). */
  env: Record<string, string | undefined>;
  /** Every JSON line the app logged so far, as written (after redaction and serializers). */
  lines: string[];
  close(): Promise<void>;
}

/** The real app on a fresh database, logging at `LOG_LEVEL` (info by default) into memory. */
export async function startAppCapturingLogs(overrides: Record<string, string | undefined> = {}): Promise<LogCapturingApp> {
  const database = await createTestDatabase();
  const env = testEnv(database.url, { LOG_LEVEL: 'info', ...overrides });
  const config = loadConfig(env);
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const app = await createApp(config, database.url, createLogger(config, sink));
  await app.listen(0, '127.0.0.1');
  return {
    app,
    baseUrl: `http://127.0.0.1:${listeningPort(app)}`,
    database,
    adminToken: config.adminToken,
    jwtSecret: env.JWT_SECRET as string,
    env,
    lines,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
