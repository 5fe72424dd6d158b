import { DomainException } from '../common/errors/domain.exception';
import { ErrorCode, FieldError } from '../common/errors/error-codes';
import { isMailboxAddress } from './mailbox-address';
import { parsePolicy, POLICY_TOKENS } from '../sync/link-policy';
import { PROVIDER_KINDS } from '../database/entities/provider-kind';
import { isIanaTimeZone } from './link-time-zone';
import { LINK_ACTIONS, LINK_REQUEST_FIELDS, LinkRequest } from './links-request';
import { type Fail, stringField } from '../common/errors/field-readers';

const MAX_TAG_LENGTH = 200;

/**
 * Checks a `POST /links` body field by field and reports every problem at once, each naming
 * its field (422 in the Links shape). Hand-written rather than class-validator: which fields
 * are required depends on `action`, and the time-zone and policy rules need their own messages.
 */
export function validateLinkRequest(body: unknown): LinkRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw validationFailed([{ field: 'body', message: 'request body must be a JSON object' }]);
  }
  const input = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });

  for (const field of Object.keys(input)) {
    if (!(LINK_REQUEST_FIELDS as readonly string[]).includes(field)) fail(field, `property ${field} should not exist`);
  }

  const action = oneOf(input, 'action', LINK_ACTIONS, fail);
  const sourceEmail = email(input, 'sourceEmail', fail);
  const sourceType = oneOf(input, 'sourceType', PROVIDER_KINDS, fail);
  const destinationEmail = email(input, 'destinationEmail', fail);
  const destinationType = oneOf(input, 'destinationType', PROVIDER_KINDS, fail);
  // Time zones, policy and tag matter for `add` only; on `delete` they are checked when sent.
  const isAdd = action === 'add';
  const sourceTz = timeZone(input, 'sourceTz', isAdd, fail);
  const destinationTz = timeZone(input, 'destinationTz', isAdd, fail);
  const policy = policyString(input, isAdd, fail);
  const tag = tagString(input, fail);
  if (sourceEmail && destinationEmail && sourceEmail === destinationEmail) {
    fail('destinationEmail', 'destinationEmail must differ from sourceEmail');
  }

  if (errors.length > 0 || !action || !sourceEmail || !sourceType || !destinationEmail || !destinationType) {
    throw validationFailed(errors);
  }
  if (action === 'delete') return { action, sourceEmail, sourceType, destinationEmail, destinationType };
  return {
    action,
    sourceEmail,
    sourceType,
    sourceTz: sourceTz!,
    destinationEmail,
    destinationType,
    destinationTz: destinationTz!,
    policy: policy!,
    tag,
  };
}

export function validationFailed(errors: FieldError[]): DomainException {
  const fields = [...new Set(errors.map((error) => error.field))].join(', ');
  return new DomainException(ErrorCode.ValidationFailed, `Validation failed: ${fields}`, 422, errors);
}

function oneOf<T extends string>(input: Record<string, unknown>, field: string, allowed: readonly T[], fail: Fail): T | undefined {
  const value = stringField(input, field, true, fail);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    fail(field, `${field} must be one of: ${allowed.join(', ')}`);
    return undefined;
  }
  return value as T;
}

function email(input: Record<string, unknown>, field: string, fail: Fail): string | undefined {
  const value = stringField(input, field, true, fail);
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (!isMailboxAddress(trimmed)) {
    fail(field, `${field} must be an e-mail address`);
    return undefined;
  }
  return trimmed.toLowerCase();
}

function timeZone(input: Record<string, unknown>, field: string, required: boolean, fail: Fail): string | undefined {
  const value = stringField(input, field, required, fail);
  if (value === undefined) return undefined;
  if (!isIanaTimeZone(value)) {
    fail(field, `${field} must be an IANA time zone name such as America/Chicago`);
    return undefined;
  }
  return value;
}

function policyString(input: Record<string, unknown>, required: boolean, fail: Fail): string | undefined {
  const value = stringField(input, 'policy', required, fail);
  if (value === undefined) return undefined;
  const parsed = parsePolicy(value);
  if (!parsed.ok) {
    fail('policy', `unknown policy token(s): ${parsed.unknown.join(', ')}; valid tokens: ${POLICY_TOKENS.join(', ')}`);
    return undefined;
  }
  return parsed.normalized;
}

function tagString(input: Record<string, unknown>, fail: Fail): string | null {
  const value = stringField(input, 'tag', false, fail);
  if (value === undefined) return null;
  if (value.length > MAX_TAG_LENGTH || value.includes('\u0000')) {
    fail('tag', `tag must be at most ${MAX_TAG_LENGTH} characters of text`);
    return null;
  }
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed : null;
}

