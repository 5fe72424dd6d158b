import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FieldErrorDto } from '../common/errors/error-bodies.dto';

export class CalcomErrorDetailDto {
  @ApiProperty({ example: 'NotFoundException', description: "Named after Nest's exception classes, as cal.com does" })
  code: string;

  @ApiProperty({ example: 'Destination calendar not found' })
  message: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Present on validation failures' })
  details?: FieldErrorDto[];
}

/** cal.com v2 failures, as CalcomErrorFormatter renders them. */
export class CalcomErrorDto {
  @ApiProperty({ enum: ['error'], example: 'error' })
  status: string;

  @ApiProperty({ format: 'date-time', example: '2024-05-01T09:30:00.000Z' })
  timestamp: string;

  @ApiProperty({ type: CalcomErrorDetailDto })
  error: CalcomErrorDetailDto;
}
