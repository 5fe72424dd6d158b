import { QueryFailedError } from 'typeorm';
import { normalizeError } from './normalize-error';

function queryFailed(code: string): QueryFailedError {
  const driverError = Object.assign(new Error('duplicate key value violates unique constraint "IDX_x"'), {
    code,
    detail: 'Key (key_hash)=(0123abcd) already exists.',
  });
  return new QueryFailedError('INSERT INTO "api_keys" VALUES ($1)', ['0123abcd'], driverError);
}

describe('normalizeError for database errors', () => {
  it('maps a unique violation (23505) to 409 CONFLICT without naming the value', () => {
    expect(normalizeError(queryFailed('23505'))).toEqual({ status: 409, code: 'CONFLICT', message: 'Conflict: the resource already exists' });
  });

  it('keeps any other database error a 500 that says nothing of the statement', () => {
    expect(normalizeError(queryFailed('23514'))).toEqual({ status: 500, code: 'INTERNAL', message: 'Internal server error' });
  });
});
