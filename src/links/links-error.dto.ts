import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FieldErrorDto } from '../common/errors/error-bodies.dto';

/** Links (CalendarBridge Manage API) failures, as LinksErrorFormatter renders them. */
export class LinksErrorDto {
  @ApiProperty({ example: 'Sync already exists' })
  message: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Present on validation failures (422)' })
  errors?: FieldErrorDto[];
}
