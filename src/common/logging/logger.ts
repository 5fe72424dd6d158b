import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { AppConfig } from '../config/app-config';

/** Anything that can carry a credential, wherever it appears in a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["cb_key"]',
  'req.headers["x-api-key"]',
  'req.headers["x-admin-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.clientSecret',
  '*.privateKey',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.token',
  '*.key',
  '*.secret',
];

/**
 * Database errors carry the statement's values: TypeORM's QueryFailedError has `parameters`
 * (key hashes, sealed secrets, e-mails) and Postgres puts row values in `detail` ("Key
 * (key_hash)=(…) already exists", "Failing row contains (…)"). The SQL text itself only has
 * placeholders, so it stays: it is what one needs to find the failing statement.
 */
const SQL_VALUE_FIELDS = ['parameters', 'detail'];
const NESTED_ERRORS = ['driverError', 'cause', 'originalError'];

/** pino's error serializer, minus every field that can hold a query's values. */
export function safeErrorSerializer(error: unknown): unknown {
  const serialized = error instanceof Error ? pino.stdSerializers.err(error) : error;
  return withoutSqlValues(serialized, 0);
}

function withoutSqlValues(value: unknown, depth: number): unknown {
  if (!value || typeof value !== 'object' || depth > 4) return value;
  const record = value as Record<string, unknown>;
  for (const field of SQL_VALUE_FIELDS) if (record[field] !== undefined) record[field] = '[redacted]';
  for (const nested of NESTED_ERRORS) {
    if (record[nested] instanceof Error) record[nested] = safeErrorSerializer(record[nested]);
    else withoutSqlValues(record[nested], depth + 1);
  }
  return value;
}

export const LOG_SERIALIZERS = { err: safeErrorSerializer };

/** `destination` defaults to stdout; tests pass a stream to read what was logged. */
export function createLogger(config: Pick<AppConfig, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: LOG_SERIALIZERS,
    base: { service: 'calendar-bridge' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Lets Nest's own messages go through the same structured, redacted logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.write('error', message, context, trace);
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, context?: string, trace?: string): void {
    if (message !== null && typeof message === 'object') {
      this.logger[level]({ context, ...(trace ? { trace } : {}), ...(message as object) });
    } else {
      this.logger[level]({ context, ...(trace ? { trace } : {}) }, String(message));
    }
  }
}
