import { NormalizedError } from '../common/errors/error-codes';
import { RenderedError, SurfaceErrorFormatter } from '../common/errors/surface-error-formatter';
import { ICS_ERRORS, icsErrorByCode, IcsErrorDefinition, SHARED_TO_ICS } from './ics-error-codes';

/**
 * Create Calendar API V2 failures: `{"status":"failure","error-code":"E17xx","error-info":"…"}`.
 * Errors raised before the ICS code runs (key guard, body parser, router, rate limiter) carry
 * shared codes; they are translated here so that every answer under /ics has an E17xx code.
 */
export class IcsErrorFormatter implements SurfaceErrorFormatter {
  format(error: NormalizedError): RenderedError {
    const own = icsErrorByCode(error.code);
    if (own) return render(error.status, own.code, error.message);
    const mapped = SHARED_TO_ICS[error.code];
    if (mapped) return render(ICS_ERRORS[mapped].status, ICS_ERRORS[mapped].code, sharedMessage(ICS_ERRORS[mapped], error));
    if (error.status >= 500) return render(500, ICS_ERRORS.internal.code, ICS_ERRORS.internal.message);
    return render(error.status, ICS_ERRORS.requestFailed.code, error.message || ICS_ERRORS.requestFailed.message);
  }
}

function render(status: number, code: string, info: string): RenderedError {
  return { status, body: { status: 'failure', 'error-code': code, 'error-info': info } };
}

/** Keeps the details a generic validation error carries (which field) in the one message. */
function sharedMessage(definition: IcsErrorDefinition, error: NormalizedError): string {
  if (definition === ICS_ERRORS.invalidRequest && error.details?.length) {
    return `${definition.message} ${error.details.map((d) => `${d.field}: ${d.message}`).join('; ')}`;
  }
  return definition.message;
}
