import { ApiProperty } from '@nestjs/swagger';

/** CRM calendar-connection failures, as CrmErrorFormatter renders them. */
export class CrmErrorDto {
  @ApiProperty({ example: 'Validation failed: provider: provider must be one of google, outlook' })
  detail: string;

  @ApiProperty({ format: 'date-time', example: '2024-05-01T09:30:00.000Z' })
  time: string;

  @ApiProperty({ example: 'Bad Request', description: 'The HTTP reason phrase' })
  title: string;
}
