import { NormalizedError } from '../common/errors/error-codes';
import { httpReason } from '../common/errors/http-reason';
import { RenderedError, SurfaceErrorFormatter } from '../common/errors/surface-error-formatter';

/** The CRM document's `{detail, time, title}` body for every error. */
export class CrmErrorFormatter implements SurfaceErrorFormatter {
  format(error: NormalizedError): RenderedError {
    const fieldText = error.details?.map((d) => `${d.field}: ${d.message}`).join('; ');
    return {
      status: error.status,
      body: {
        detail: fieldText ? `${error.message}: ${fieldText}` : error.message,
        time: new Date().toISOString(),
        title: httpReason(error.status),
      },
    };
  }
}
