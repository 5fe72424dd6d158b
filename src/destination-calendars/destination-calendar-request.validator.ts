import { DomainException } from '../common/errors/domain.exception';
import { ErrorCode, FieldError } from '../common/errors/error-codes';
import { DESTINATION_INTEGRATIONS, DestinationIntegration } from '../database/entities/destination-calendar.entity';

/** The fields `PUT /v2/destination-calendars` takes; anything else is refused (400). */
export const DESTINATION_REQUEST_FIELDS = ['integration', 'externalId', 'delegationCredentialId'] as const;

/** A CalDAV collection URL, a Google calendar id or a Graph calendar id fits easily. */
export const MAX_EXTERNAL_ID_LENGTH = 2048;
const MAX_CREDENTIAL_ID_LENGTH = 128;

export interface DestinationRequest {
  integration: DestinationIntegration;
  externalId: string;
  delegationCredentialId: string | null;
}

/**
 * Checks a `PUT /v2/destination-calendars` body and reports every problem at once, in cal.com's
 * words (class-validator's messages: "integration must be one of the following values: …"):
 * 400 BadRequestException, the first message as `message`, each in `details`.
 */
export function validateDestinationRequest(body: unknown): DestinationRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest([{ field: 'body', message: 'request body must be a JSON object' }]);
  }
  const input = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });

  for (const field of Object.keys(input)) {
    if (!(DESTINATION_REQUEST_FIELDS as readonly string[]).includes(field)) fail(field, `property ${field} should not exist`);
  }

  const integration = input.integration;
  if (integration === undefined || integration === null) fail('integration', 'integration should not be empty');
  if (typeof integration !== 'string' || !(DESTINATION_INTEGRATIONS as readonly string[]).includes(integration)) {
    fail('integration', `integration must be one of the following values: ${DESTINATION_INTEGRATIONS.join(', ')}`);
  }

  const externalId = input.externalId;
  if (typeof externalId !== 'string') fail('externalId', 'externalId must be a string');
  else if (externalId.trim().length === 0) fail('externalId', 'externalId should not be empty');
  else if (externalId.length > MAX_EXTERNAL_ID_LENGTH) fail('externalId', `externalId must be shorter than or equal to ${MAX_EXTERNAL_ID_LENGTH} characters`);

  const credential = input.delegationCredentialId;
  if (credential !== undefined && credential !== null) {
    if (typeof credential !== 'string') fail('delegationCredentialId', 'delegationCredentialId must be a string');
    else if (credential.length === 0) fail('delegationCredentialId', 'delegationCredentialId should not be empty');
    else if (credential.length > MAX_CREDENTIAL_ID_LENGTH) {
      fail('delegationCredentialId', `delegationCredentialId must be shorter than or equal to ${MAX_CREDENTIAL_ID_LENGTH} characters`);
    }
  }

  if (errors.length > 0) throw badRequest(errors);
  return {
    integration: integration as DestinationIntegration,
    externalId: externalId as string,
    delegationCredentialId: typeof credential === 'string' ? credential : null,
  };
}

function badRequest(errors: FieldError[]): DomainException {
  return new DomainException(ErrorCode.ValidationFailed, errors[0].message, 400, errors);
}
