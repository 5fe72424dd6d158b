import { Writable } from 'node:stream';
import pino from 'pino';
import { REDACTED_PATHS } from './logger';

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
