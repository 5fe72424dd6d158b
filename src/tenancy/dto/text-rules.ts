import { applyDecorators } from '@nestjs/common';
import { IsInt, IsPositive, Max, NotContains } from 'class-validator';

/**
 * Postgres text cannot hold NUL: left to the database it is a 500 (and a log line with the
 * statement). Every free-text field of the tenancy DTOs carries this.
 */
export const NoNul = () => NotContains('\u0000', { message: '$property must not contain NUL characters' });

/** Largest value of a Postgres `integer` (users.id). */
export const INT4_MAX = 2_147_483_647;

/** A row id of an int4 column: a positive whole number the column can hold (so 1e308 is a 400). */
export const IsInt4Id = () => applyDecorators(IsInt(), IsPositive(), Max(INT4_MAX));

/** RFC 5321 caps a path at 256 octets; 320 is the column size and the common ceiling. */
export const MAX_EMAIL_LENGTH = 320;
export const MAX_URL_LENGTH = 2000;
