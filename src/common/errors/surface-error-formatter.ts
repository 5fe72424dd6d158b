import { NormalizedError } from './error-codes';

export interface RenderedError {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** One per API surface: renders a normalized error in that surface's wire shape. */
export interface SurfaceErrorFormatter {
  format(error: NormalizedError): RenderedError;
}
