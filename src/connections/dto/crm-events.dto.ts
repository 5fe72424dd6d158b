import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';

export const CRM_EVENT_EXAMPLE = {
  title: 'Weekly pipeline review',
  description: 'Q3 deals',
  location: 'Room 4',
  start: '2026-03-02T09:00:00',
  end: '2026-03-02T09:30:00',
  timeZone: 'Europe/Berlin',
  allDay: false,
  recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10', 'EXDATE;TZID=Europe/Berlin:20260309T090000'],
};

/** POST body (all of title, start, end required) and PATCH body (any subset). Checked by validateCrmEvent. */
export class CrmEventInputDto {
  @ApiProperty({ example: CRM_EVENT_EXAMPLE.title, maxLength: 1024, description: 'Required on POST; not blank.' })
  title: string;

  @ApiPropertyOptional({ example: CRM_EVENT_EXAMPLE.description, maxLength: 8192, nullable: true, type: String })
  description?: string | null;

  @ApiPropertyOptional({ example: CRM_EVENT_EXAMPLE.location, maxLength: 1024, nullable: true, type: String })
  location?: string | null;

  @ApiProperty({
    example: CRM_EVENT_EXAMPLE.start,
    maxLength: 64,
    description: 'ISO 8601. All-day: a date (`2026-03-02`). Timed: a date-time, read in `timeZone` when it has no offset; an offset (or Z) is honoured.',
  })
  start: string;

  @ApiProperty({ example: CRM_EVENT_EXAMPLE.end, maxLength: 64, description: 'After `start`. All-day: the exclusive end date (a one-day event on 2 March ends `2026-03-03`).' })
  end: string;

  @ApiPropertyOptional({ example: CRM_EVENT_EXAMPLE.timeZone, default: 'UTC', description: 'IANA time zone name.' })
  timeZone?: string;

  @ApiPropertyOptional({ example: false, default: false })
  allDay?: boolean;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 20,
    example: CRM_EVENT_EXAMPLE.recurrence,
    description: 'RFC 5545 lines: one `RRULE:` line (with FREQ), optional `EXDATE` lines (cancelled occurrences). Empty or absent: a single event.',
  })
  recurrence?: string[];

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'POST only: makes this event an exception of one of your recurring events (a moved or edited occurrence), replacing the occurrence that starts at `originalStart`. Not changeable afterwards; deleting an exception cancels that occurrence.',
  })
  recurringEventId?: string;

  @ApiPropertyOptional({
    example: '2026-03-09T09:00:00',
    maxLength: 64,
    description: 'With `recurringEventId`: the start of the replaced occurrence as the series has it, read in this event\'s `timeZone` (a date for an all-day series).',
  })
  originalStart?: string;
}

/** PATCH: the same fields, less the series link (fixed at creation). */
export class CrmEventPatchDto extends OmitType(CrmEventInputDto, ['recurringEventId', 'originalStart'] as const) {}

export class CrmEventView {
  @ApiProperty({ format: 'uuid', example: '3f1c1f7e-9a55-4a8e-9f0a-2b8f1b6f4d11' })
  id: string;

  @ApiProperty({ example: CRM_EVENT_EXAMPLE.title })
  title: string;

  @ApiProperty({ example: CRM_EVENT_EXAMPLE.description, nullable: true, type: String })
  description: string | null;

  @ApiProperty({ example: CRM_EVENT_EXAMPLE.location, nullable: true, type: String })
  location: string | null;

  @ApiProperty({ example: CRM_EVENT_EXAMPLE.start })
  start: string;

  @ApiProperty({ example: CRM_EVENT_EXAMPLE.end })
  end: string;

  @ApiProperty({ example: CRM_EVENT_EXAMPLE.timeZone })
  timeZone: string;

  @ApiProperty({ example: false })
  allDay: boolean;

  @ApiProperty({ type: [String], example: CRM_EVENT_EXAMPLE.recurrence })
  recurrence: string[];

  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: null, description: 'An exception (a moved or edited occurrence): the id of its series. Null for single events and series.' })
  recurringEventId: string | null;

  @ApiProperty({ nullable: true, type: String, example: null, description: "An exception: the replaced occurrence's original start, as `start` is written (this event's zone)." })
  originalStart: string | null;

  @ApiProperty({ enum: ['crm', 'provider'], example: 'crm', description: '`crm`: made in the CRM; `provider`: imported from a connected calendar.' })
  origin: 'crm' | 'provider';

  @ApiProperty({ enum: ['GOOGLE', 'OUTLOOK', 'APPLE'], nullable: true, example: 'GOOGLE', description: 'The connected calendar the event is synced with (null: not yet pushed, or written through a delegated destination calendar).' })
  provider: 'GOOGLE' | 'OUTLOOK' | 'APPLE' | null;

  @ApiProperty({ format: 'date-time', example: '2026-02-20T10:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', example: '2026-02-20T10:00:00.000Z', description: 'Last modification (in the CRM, or at the provider for imported changes).' })
  updatedAt: string;
}

export class CrmEventPageView {
  @ApiProperty({ type: [CrmEventView] })
  events: CrmEventView[];

  @ApiProperty({ nullable: true, type: String, example: 'eyJzIjoiMjAyNi0wMy0wMlQwODowMDowMC4wMDBaIiwiaSI6IjNmMWMifQ', description: 'Pass as `cursor` for the next page; null on the last page.' })
  nextCursor: string | null;
}

export class ConnectionSyncResultView {
  @ApiProperty({ enum: ['GOOGLE', 'OUTLOOK', 'APPLE'], example: 'GOOGLE' })
  provider: 'GOOGLE' | 'OUTLOOK' | 'APPLE';

  @ApiProperty({ example: true })
  success: boolean;

  @ApiProperty({ nullable: true, type: String, example: null, description: 'Readable reason when `success` is false (also stored as the connection\'s lastSyncError).' })
  error: string | null;

  @ApiProperty({ example: 3, description: 'Provider events imported into the CRM store.' })
  eventsCreated: number;

  @ApiProperty({ example: 1, description: 'CRM events updated from provider changes.' })
  eventsUpdated: number;

  @ApiProperty({ example: 0, description: 'CRM events deleted because they were deleted at the provider.' })
  eventsDeleted: number;

  @ApiProperty({ example: 2, description: 'CRM creates, edits and deletions written to the provider.' })
  eventsPushed: number;
}
