import { applyDecorators, Body, Controller, Get, HttpCode, Post, Query, Res, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiSurface, ApiSurfaceErrors } from '../common/http/api-surface-errors';
import { ApiKeyGuard, ApiKeyHeaders, ApiKeyQueryParameter } from '../tenancy/guards/api-key.guard';
import { CreateCalendarRequestDto, SEED_EXAMPLE } from './dto/create-calendar.dto';
import { icsErrorTableMarkdown } from './ics-error-codes';
import { ICS_FIELDS } from './ics-request';
import { IcsService } from './ics.service';

/** The GET link form may carry the key as this query parameter: a link cannot send headers. */
const LINK_KEY_PARAMETER = 'x-api-key';

const CALENDAR_EXAMPLE = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Calendar Bridge//ICS API V2//EN',
  'METHOD:PUBLISH',
  'BEGIN:VEVENT',
  'UID:0b7e6f0e-3c1a-4a53-9a39-1f3c9b8f2d11@calendar-bridge',
  'SEQUENCE:0',
  'DTSTAMP:20211210T141205Z',
  'DTSTART:20211217T163000Z',
  'DTEND:20211217T183000Z',
  'SUMMARY:Dunder Mifflin Christmas Party',
  'LOCATION:Fake Address',
  'DESCRIPTION:Ugly sweaters encouraged! Also bring a gift for Yankee Swap!',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

const RULES =
  'Times: any offset or zone in the date-time is ignored; the wall-clock time is read in `event-timezone` and written in UTC ' +
  '(11:30 in America/New_York → `DTSTART:20211217T163000Z`). A time inside a spring-forward gap is read with the offset before ' +
  'the gap (02:30 → 03:30 EDT, RFC 5545 §3.3.5); a time in a fall-back overlap is the earlier of the two. All-day events are ' +
  '`DTSTART;VALUE=DATE` with an exclusive `DTEND;VALUE=DATE` (the day after the end date). Failures answer ' +
  '`{"status":"failure","error-code":"E17xx","error-info":"…"}`; the first problem found is reported. See docs/ics.md.';

/**
 * Set only once the calendar exists: `@Header()` would apply to error answers too, and
 * Express keeps an existing Content-Type when the error filter sends JSON.
 */
function sendCalendar(response: Response, calendar: string): string {
  response.setHeader('Content-Type', 'text/calendar; charset=utf-8');
  response.setHeader('Content-Disposition', 'inline; filename=calendar.ics');
  // Every answer has a fresh UID and DTSTAMP: a cached copy would be a different event.
  response.setHeader('Cache-Control', 'no-store');
  return calendar;
}

/** Both forms answer with the calendar file, inline. */
const CalendarResponse = () =>
  applyDecorators(
    HttpCode(200),
    ApiProduces('text/calendar'),
    ApiOkResponse({
      description: 'The iCalendar file (one VEVENT). Headers: `Content-Type: text/calendar; charset=utf-8`, `Content-Disposition: inline; filename=calendar.ics`.',
      content: { 'text/calendar': { schema: { type: 'string' }, example: CALENDAR_EXAMPLE } },
    }),
    ApiSurfaceErrors('ics', {
      400: 'Malformed request (E1703–E1739, E1750–E1758, E1780–E1783, E1787, E1791, E1792).',
      401: 'Missing (E1701) or invalid (E1702) API key.',
      403: 'A user-scoped (`cal_`) key: this API takes an organisation key (E1788).',
      408: 'The request was not received within HTTP_REQUEST_TIMEOUT_MS (E1790).',
      413: 'Body over the size limit (E1782).',
      415: 'Unsupported content encoding or charset (E1784).',
      422: 'A value that cannot be used: unknown action or time zone, bad date, end before start, bad URL, e-mail, RRULE or alarm (E1717, E1740–E1743, E1751–E1760).',
      429: 'Too many requests (E1785).',
      500: 'Unexpected failure (E1700).',
      503: 'The key could not be checked (database unavailable): retry later (E1789).',
    }),
  );

const QUERY_PARAMETERS = applyDecorators(
  ApiQuery({ name: ICS_FIELDS.action, required: true, example: 'createcalendar' }),
  ApiQuery({ name: ICS_FIELDS.title, required: true, example: SEED_EXAMPLE['event-title'] }),
  ApiQuery({ name: ICS_FIELDS.description, required: true, example: SEED_EXAMPLE['event-description'] }),
  ApiQuery({ name: ICS_FIELDS.location, required: true, example: SEED_EXAMPLE['event-location'] }),
  ApiQuery({ name: ICS_FIELDS.start, required: true, example: SEED_EXAMPLE['event-start-datetime'] }),
  ApiQuery({ name: ICS_FIELDS.end, required: true, example: SEED_EXAMPLE['event-end-datetime'] }),
  ApiQuery({ name: ICS_FIELDS.timezone, required: true, example: SEED_EXAMPLE['event-timezone'] }),
  ApiQuery({ name: ICS_FIELDS.allDay, required: false, enum: ['true', 'false'] }),
  ApiQuery({ name: ICS_FIELDS.url, required: false }),
  ApiQuery({ name: ICS_FIELDS.organizer, required: false, description: 'e-mail or "Name <e-mail>"' }),
  ApiQuery({ name: ICS_FIELDS.alarmMinutes, required: false, type: 'integer' }),
  ApiQuery({ name: ICS_FIELDS.rrule, required: false, example: 'FREQ=WEEKLY;COUNT=5' }),
  ApiQuery({ name: ICS_FIELDS.attendees, required: false, description: 'Comma-separated e-mails (or repeat the parameter).' }),
);

@ApiTags('ICS — Create Calendar API V2')
@ApiSecurity('x-api-key')
@ApiSurface('ics')
@Controller('ics')
export class IcsController {
  constructor(private readonly ics: IcsService) {}

  @Post()
  @ApiKeyHeaders('x-api-key')
  @UseGuards(ApiKeyGuard)
  @CalendarResponse()
  @ApiOperation({
    summary: 'Create an iCalendar (.ics) file for one event',
    description: `${RULES}\n\n${icsErrorTableMarkdown()}`,
  })
  @ApiBody({ type: CreateCalendarRequestDto, examples: { seed: { summary: 'The seed example', value: SEED_EXAMPLE } } })
  // `unknown`, not the DTO: the global whitelist pipe skips it and IcsService gives each failure its own code.
  create(@Body() body: unknown, @Res({ passthrough: true }) response: Response): string {
    return sendCalendar(response, this.ics.createCalendar(body));
  }

  @Get()
  @ApiKeyHeaders('x-api-key')
  @ApiKeyQueryParameter(LINK_KEY_PARAMETER)
  @ApiSecurity('x-api-key-query')
  @UseGuards(ApiKeyGuard)
  @CalendarResponse()
  @ApiOperation({
    summary: '"Add to calendar" link: the same request as query parameters',
    description:
      'Same fields, rules and error codes as `POST /ics`; `all-day-event=true|false`, `event-attendees` comma-separated. ' +
      'The key may be sent as the `x-api-key` query parameter so that a plain link works — such a link carries the key, so ' +
      'share it only where the key may be seen (or use a dedicated, revocable key).\n\n' +
      '**URL size:** the request line and all headers together may be at most 16 KiB (Node\'s HTTP parser limit). A longer ' +
      'link is refused before it reaches this API with `431` and `{"statusCode":431,"error":"Request Header Fields Too Large",' +
      '"code":"HEADERS_TOO_LARGE","message":"…"}`; a malformed request line or header is `400` with `"code":"MALFORMED_REQUEST"`. ' +
      'Percent-encoding triples reserved and non-ASCII characters: send long descriptions with `POST /ics`.',
  })
  @QUERY_PARAMETERS
  createFromLink(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) response: Response): string {
    return sendCalendar(response, this.ics.createCalendarFromQuery(query));
  }
}
