import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LIMITS } from '../ics-request';

/**
 * The Create Calendar API V2 body, for the OpenAPI document only: the controller takes
 * the raw JSON and IcsService validates it, because every failure needs its own E17xx
 * code (the global whitelist pipe would answer them all with one generic error).
 */
export class CreateCalendarRequestDto {
  @ApiProperty({ name: 'action', description: 'What to do. Case-insensitive.', enum: ['createcalendar'], example: 'createcalendar' })
  action: string;

  @ApiProperty({ name: 'event-title', maxLength: LIMITS.title, example: 'Dunder Mifflin Christmas Party' })
  eventTitle: string;

  @ApiProperty({ name: 'event-description', maxLength: LIMITS.description, example: 'Ugly sweaters encouraged! Also bring a gift for Yankee Swap!' })
  eventDescription: string;

  @ApiProperty({ name: 'event-location', maxLength: LIMITS.location, example: 'Fake Address' })
  eventLocation: string;

  @ApiProperty({
    name: 'event-start-datetime',
    description: 'ISO 8601 date-time (or date for all-day events). Any offset or zone in it is ignored: the wall-clock time is read in event-timezone.',
    example: '2021-12-17T11:30:00Z',
  })
  eventStartDatetime: string;

  @ApiProperty({ name: 'event-end-datetime', description: 'As event-start-datetime; must be after it.', example: '2021-12-17T13:30:00Z' })
  eventEndDatetime: string;

  @ApiProperty({ name: 'event-timezone', description: 'tz database time zone name.', example: 'America/New_York' })
  eventTimezone: string;

  @ApiPropertyOptional({
    name: 'all-day-event',
    description: 'All-day event: written as DTSTART;VALUE=DATE with an exclusive DTEND (the day after the end date).',
    default: false,
    example: false,
  })
  allDayEvent?: boolean;

  @ApiPropertyOptional({ name: 'event-url', description: 'Absolute http(s) URL of the event page.', maxLength: LIMITS.url, example: 'https://example.com/party' })
  eventUrl?: string;

  @ApiPropertyOptional({
    name: 'event-organizer',
    description: 'Organizer: an e-mail, "Name <e-mail>", or an object {"name", "email"}.',
    oneOf: [
      { type: 'string', example: 'Michael Scott <michael@dundermifflin.example>' },
      { type: 'object', properties: { name: { type: 'string' }, email: { type: 'string', format: 'email' } }, required: ['email'] },
    ],
  })
  eventOrganizer?: string | { name?: string; email: string };

  @ApiPropertyOptional({
    name: 'event-alarm-minutes',
    description: 'Adds a display alarm this many minutes before the start.',
    type: 'integer',
    minimum: 0,
    maximum: LIMITS.alarmMinutes,
    example: 30,
  })
  eventAlarmMinutes?: number;

  @ApiPropertyOptional({
    name: 'event-rrule',
    description: 'RFC 5545 recurrence rule (RRULE value). UNTIL without Z is read in event-timezone.',
    example: 'FREQ=WEEKLY;COUNT=5',
  })
  eventRrule?: string;

  @ApiPropertyOptional({
    name: 'event-attendees',
    description: `Attendee e-mails (or "Name <e-mail>"), at most ${LIMITS.attendees}.`,
    type: [String],
    example: ['pam@dundermifflin.example', 'Jim Halpert <jim@dundermifflin.example>'],
  })
  eventAttendees?: string[];
}

export class IcsFailureDto {
  @ApiProperty({ enum: ['failure'], example: 'failure' })
  status: string;

  @ApiProperty({ name: 'error-code', example: 'E1703' })
  errorCode: string;

  @ApiProperty({ name: 'error-info', example: 'Title cannot be empty for iCalendar.' })
  errorInfo: string;
}

/** The seed's request example. */
export const SEED_EXAMPLE = {
  action: 'createcalendar',
  'event-title': 'Dunder Mifflin Christmas Party',
  'event-description': 'Ugly sweaters encouraged! Also bring a gift for Yankee Swap!',
  'event-location': 'Fake Address',
  'event-start-datetime': '2021-12-17T11:30:00Z',
  'event-end-datetime': '2021-12-17T13:30:00Z',
  'event-timezone': 'America/New_York',
  'all-day-event': false,
} as const;
