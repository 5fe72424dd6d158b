import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { resolveEventTimes, resolveRecurrence } from './event-times';
import { buildCalendar } from './ics-calendar.builder';
import { queryToRequestBody, validateIcsRequest } from './ics-request.validator';

/** Create Calendar API V2: a validated request in, one RFC 5545 calendar out. */
@Injectable()
export class IcsService {
  /** The POST form: the parsed JSON body, whatever it is. */
  createCalendar(body: unknown): string {
    const request = validateIcsRequest(body);
    const times = resolveEventTimes(request.start, request.end, request.timezone, request.allDay);
    return buildCalendar({
      uid: `${randomUUID()}@calendar-bridge`,
      stamp: new Date(),
      times,
      title: request.title,
      description: request.description,
      location: request.location,
      url: request.url,
      organizer: request.organizer,
      alarmMinutes: request.alarmMinutes,
      rrule: request.rrule ? resolveRecurrence(request.rrule, request.timezone, request.allDay) : undefined,
      attendees: request.attendees,
    });
  }

  /** The GET "add to calendar" link form: the same fields as query parameters. */
  createCalendarFromQuery(query: Record<string, unknown>): string {
    return this.createCalendar(queryToRequestBody(query));
  }
}
