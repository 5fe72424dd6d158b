import { FieldError } from './error-codes';

/**
 * The only exception type services throw on purpose. It carries a stable code and the
 * HTTP status; the surface filters decide how it looks on the wire.
 */
export class DomainException extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: FieldError[],
  ) {
    super(message);
    this.name = 'DomainException';
  }
}
