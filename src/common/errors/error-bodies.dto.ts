import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One problem with one field of the request, as the validation pipe reports it. */
export class FieldErrorDto {
  @ApiProperty({ example: 'name', description: 'Dotted path of the field, or `body` for the body as a whole' })
  field: string;

  @ApiProperty({ example: 'name must be a string' })
  message: string;
}

/** The admin API, health and everything outside the four public surfaces (DefaultErrorFormatter). */
export class DefaultErrorDto {
  @ApiProperty({ type: 'integer', example: 404, description: 'The HTTP status, repeated' })
  statusCode: number;

  @ApiProperty({ example: 'Not Found', description: 'The HTTP reason phrase' })
  error: string;

  @ApiProperty({ example: 'NOT_FOUND', description: 'Stable machine-readable code: branch on this, not on the message' })
  code: string;

  @ApiProperty({ example: 'Tenant 5f0c… not found' })
  message: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Present on validation failures' })
  details?: FieldErrorDto[];
}
