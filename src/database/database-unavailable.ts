import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception';
import { ErrorCode } from '../common/errors/error-codes';

/** Failures that mean "Postgres is not answering (in time)", not "this request is wrong". */
const UNAVAILABLE_MESSAGES = ['timeout exceeded when trying to connect', 'Connection terminated due to connection timeout', 'Query read timeout', 'Connection terminated unexpectedly'];
/** query_canceled (statement_timeout), admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections. */
const UNAVAILABLE_SQLSTATES = new Set(['57014', '57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);

export const DATABASE_UNAVAILABLE = ErrorCode.DatabaseUnavailable;

/**
 * A 503 the client may retry, in place of the 500 an unknown error would give, when the
 * error (or the driver error TypeORM wraps) says the database did not answer in time.
 */
export function asDatabaseUnavailable(error: unknown): DomainException | undefined {
  for (const candidate of [error, (error as { driverError?: unknown })?.driverError]) {
    if (!candidate || typeof candidate !== 'object') continue;
    const { message, code } = candidate as { message?: unknown; code?: unknown };
    const unavailable =
      (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) ||
      (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code)));
    if (unavailable) return new DomainException(DATABASE_UNAVAILABLE, 'The database is not answering; retry shortly', 503);
  }
  return undefined;
}

/**
 * Put in front of the surface filter: a database that does not answer becomes a 503 in the
 * surface's own shape, wherever it was noticed (guards, services, /ready).
 */
@Catch()
export class DatabaseUnavailableFilter implements ExceptionFilter {
  private readonly logger = new Logger('Database');

  constructor(private readonly next: ExceptionFilter) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const unavailable = asDatabaseUnavailable(exception);
    if (unavailable) this.logger.warn({ reason: (exception as Error)?.message }, 'database not answering: 503');
    this.next.catch(unavailable ?? exception, host);
  }
}
