import { Writable } from 'node:stream';
import pino from 'pino';
import { QueryFailedError } from 'typeorm';
import { createLogger, REDACTED_PATHS } from './logger';

describe('log redaction', () => {
  it('never writes credentials from headers or bodies', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    logger.info({
      req: { headers: { authorization: 'Bearer eyJsecret', cb_key: 'cbk_live', 'x-api-key': 'k1', 'x-admin-token': 'adm' } },
      credential: { clientSecret: 'cs', password: 'pw', refresh_token: 'rt' },
    });
    const line = lines.join('');
    for (const secret of ['eyJsecret', 'cbk_live', '"k1"', '"adm"', '"cs"', '"pw"', '"rt"']) expect(line).not.toContain(secret);
    expect(line).toContain('[redacted]');
  });
});

describe('database errors in logs', () => {
  it('keep the SQL text and code but not the parameters or the row values in detail', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const driverError = Object.assign(new Error('new row violates check constraint "c"'), {
      code: '23514',
      detail: 'Failing row contains (v1:sealed-secret-value).',
    });
    const error = new QueryFailedError('INSERT INTO "delegation_credentials" VALUES ($1, $2)', ['v1:sealed-secret-value', 'f'.repeat(64)], driverError);
    createLogger({ logLevel: 'info' }, sink).error({ err: error }, 'failed');
    const line = lines.join('');
    expect(line).not.toContain('sealed-secret-value');
    expect(line).not.toContain('f'.repeat(64));
    const logged = JSON.parse(line);
    expect(logged.err).toMatchObject({ type: 'QueryFailedError', code: '23514', parameters: '[redacted]', detail: '[redacted]' });
    expect(logged.err.query).toBe('INSERT INTO "delegation_credentials" VALUES ($1, $2)');
    expect(logged.err.driverError).toMatchObject({ code: '23514', detail: '[redacted]' });
  });
});
