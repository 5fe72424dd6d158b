import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainException } from '../errors/domain.exception';
import { ErrorCode, FieldError } from '../errors/error-codes';

/** A JSON array or scalar where a DTO is expected is refused before class-validator sees it. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && this.toValidate(metadata)) {
      if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new DomainException(ErrorCode.ValidationFailed, 'Validation failed', 400, [
          { field: 'body', message: 'request body must be a JSON object' },
        ]);
      }
    }
    return super.transform(value, metadata);
  }
}

/** Unknown fields are refused (not silently dropped), wrong types are not coerced. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new DomainException(ErrorCode.ValidationFailed, 'Validation failed', 400, flattenErrors(errors)),
  });
}

export function flattenErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property || 'body';
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message,
    }));
    return [...own, ...flattenErrors(error.children ?? [], field)];
  });
}
