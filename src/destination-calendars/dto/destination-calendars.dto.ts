import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DESTINATION_INTEGRATIONS } from '../../database/entities/destination-calendar.entity';

/** The seed's example request (seed 003), without its `"<string>"` placeholder for the optional credential. */
export const SEED_EXAMPLE = {
  integration: 'apple_calendar',
  externalId: 'https://caldav.icloud.com/26962146906/calendars/1644422A-1945-4438-BBC0-4F0Q23A57R7S/',
} as const;

export const DELEGATION_EXAMPLE = {
  integration: 'google_calendar',
  externalId: 'tester@managelegalspend.com',
  delegationCredentialId: '6f1c2b7e-0a8d-4f5e-9b3c-2d1e0f9a8b7c',
} as const;

/** `PUT /v2/destination-calendars` body (documentation; validateDestinationRequest checks it). */
export class DestinationCalendarsInputDto {
  @ApiProperty({
    enum: DESTINATION_INTEGRATIONS,
    example: SEED_EXAMPLE.integration,
    description: 'The calendar service you want to integrate, as returned by the /calendars endpoint',
  })
  integration: string;

  @ApiProperty({
    example: SEED_EXAMPLE.externalId,
    maxLength: 2048,
    description:
      'Unique identifier used to represent the specific calendar, as returned by the /calendars endpoint (CalDAV: the collection URL; a missing trailing slash is tolerated)',
  })
  externalId: string;

  @ApiPropertyOptional({
    example: DELEGATION_EXAMPLE.delegationCredentialId,
    maxLength: 128,
    description: "The organisation's delegation credential the calendar is reached through, as returned by the /calendars endpoint; omit for the user's own connections",
  })
  delegationCredentialId?: string;
}

export class DestinationCalendarsOutputDataDto {
  @ApiProperty({ example: 123 })
  userId: number;

  @ApiProperty({ enum: DESTINATION_INTEGRATIONS, example: SEED_EXAMPLE.integration })
  integration: string;

  @ApiProperty({ example: SEED_EXAMPLE.externalId })
  externalId: string;

  @ApiProperty({ type: Number, nullable: true, example: 123, description: "The user's connection (cal.com credential) the calendar belongs to; null when reached through a delegation credential" })
  credentialId: number | null;
}

export class DestinationCalendarsOutputDto {
  @ApiProperty({ enum: ['success'], example: 'success' })
  status: 'success';

  @ApiProperty({ type: DestinationCalendarsOutputDataDto })
  data: DestinationCalendarsOutputDataDto;
}

export class CurrentDestinationDataDto extends DestinationCalendarsOutputDataDto {
  @ApiProperty({ type: String, nullable: true, format: 'uuid', example: null })
  delegationCredentialId: string | null;
}

export class CurrentDestinationOutputDto {
  @ApiProperty({ enum: ['success'], example: 'success' })
  status: 'success';

  @ApiProperty({ type: CurrentDestinationDataDto, nullable: true, description: 'null while the user has chosen none' })
  data: CurrentDestinationDataDto | null;
}

// ─── GET /v2/calendars ─────────────────────────────────────────────────────────────────────

export class CalendarIntegrationDto {
  @ApiProperty({ enum: DESTINATION_INTEGRATIONS, example: 'google_calendar' })
  type: string;

  @ApiProperty({ example: 'google-calendar' })
  slug: string;

  @ApiProperty({ example: 'Google Calendar' })
  title: string;
}

export class CalendarDto {
  @ApiProperty({ example: 'tester@managelegalspend.com', description: 'What PUT /v2/destination-calendars takes as externalId' })
  externalId: string;

  @ApiProperty({ enum: DESTINATION_INTEGRATIONS, example: 'google_calendar' })
  integration: string;

  @ApiProperty({ example: 'tester@managelegalspend.com' })
  name: string;

  @ApiProperty({ example: true })
  primary: boolean;

  @ApiProperty({ example: false, description: 'Read-only calendars cannot be the destination' })
  readOnly: boolean;

  @ApiProperty({ example: 'tester@managelegalspend.com', description: 'The account (mailbox) the calendar belongs to' })
  email: string;

  @ApiProperty({ type: Number, nullable: true, example: 12 })
  credentialId: number | null;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', example: null })
  delegationCredentialId: string | null;
}

export class ConnectedCalendarErrorDto {
  @ApiProperty({ example: 'AUTH_REVOKED' })
  code: string;

  @ApiProperty({ example: 'The calendar account no longer grants access: reconnect it' })
  message: string;
}

export class ConnectedCalendarDto {
  @ApiProperty({ type: CalendarIntegrationDto })
  integration: CalendarIntegrationDto;

  @ApiProperty({ type: Number, nullable: true, example: 12, description: "The user's connection id (cal.com credentialId); null for a delegation credential" })
  credentialId: number | null;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', example: null })
  delegationCredentialId: string | null;

  @ApiPropertyOptional({ type: CalendarDto, description: "The account's primary calendar, when listed" })
  primary?: CalendarDto;

  @ApiProperty({ type: [CalendarDto], description: 'Empty when the provider could not list them (see error)' })
  calendars: CalendarDto[];

  @ApiPropertyOptional({
    type: ConnectedCalendarErrorDto,
    description: 'Present when this account could not be listed (also when it did not answer within CALENDAR_LISTING_TIMEOUT_MS: code TEMPORARY); the other accounts are still listed',
  })
  error?: ConnectedCalendarErrorDto;
}

export class DestinationCalendarViewDto {
  @ApiProperty({ enum: DESTINATION_INTEGRATIONS })
  integration: string;

  @ApiProperty()
  externalId: string;

  @ApiProperty({ type: String, nullable: true, description: 'The mailbox the calendar belongs to' })
  primaryEmail: string | null;

  @ApiProperty()
  userId: number;

  @ApiProperty({ type: Number, nullable: true })
  credentialId: number | null;

  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  delegationCredentialId: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'From the listing; null when the calendar is no longer listed' })
  name: string | null;
}

export class ConnectedCalendarsDataDto {
  @ApiProperty({ type: [ConnectedCalendarDto] })
  connectedCalendars: ConnectedCalendarDto[];

  @ApiProperty({ type: DestinationCalendarViewDto, nullable: true })
  destinationCalendar: DestinationCalendarViewDto | null;
}

export class ConnectedCalendarsOutputDto {
  @ApiProperty({ enum: ['success'], example: 'success' })
  status: 'success';

  @ApiProperty({ type: ConnectedCalendarsDataDto })
  data: ConnectedCalendarsDataDto;
}
