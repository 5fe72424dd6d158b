import type { Response } from 'express';
import { SEED_EXAMPLE } from './dto/create-calendar.dto';
import { icsErrorTableMarkdown, ICS_ERRORS } from './ics-error-codes';
import { IcsController } from './ics.controller';
import { IcsService } from './ics.service';

/** The lines of a calendar with its per-request UID and DTSTAMP replaced by placeholders. */
function stable(calendar: string): string[] {
  return calendar
    .split('\r\n')
    .map((line) => line.replace(/^UID:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}@calendar-bridge$/, 'UID:<uuid>@calendar-bridge'))
    .map((line) => line.replace(/^DTSTAMP:\d{8}T\d{6}Z$/, 'DTSTAMP:<now>'));
}

describe('IcsService', () => {
  const service = new IcsService();

  it('turns the seed request into the seed calendar, with a fresh UID and stamp each time', () => {
    const calendar = service.createCalendar({ ...SEED_EXAMPLE });
    expect(stable(calendar)).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Calendar Bridge//ICS API V2//EN',
      'METHOD:PUBLISH',
      'BEGIN:VEVENT',
      'UID:<uuid>@calendar-bridge',
      'SEQUENCE:0',
      'DTSTAMP:<now>',
      'DTSTART:20211217T163000Z',
      'DTEND:20211217T183000Z',
      'SUMMARY:Dunder Mifflin Christmas Party',
      'LOCATION:Fake Address',
      'DESCRIPTION:Ugly sweaters encouraged! Also bring a gift for Yankee Swap!',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ]);
    const stamp = /DTSTAMP:(\d{8}T\d{6}Z)/.exec(calendar)?.[1];
    expect(Math.abs(Date.parse(stamp!.replace(/(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/, '$1-$2-$3T$4:$5:$6Z')) - Date.now())).toBeLessThan(5_000);
    expect(/UID:(.*)/.exec(service.createCalendar({ ...SEED_EXAMPLE }))?.[1]).not.toBe(/UID:(.*)/.exec(calendar)?.[1]);
  });

  it('passes every optional field through: url, organizer, alarm, recurrence with UNTIL in UTC, attendees', () => {
    const lines = stable(
      service.createCalendar({
        ...SEED_EXAMPLE,
        'event-url': 'https://example.com/party',
        'event-organizer': 'Michael <michael@example.com>',
        'event-alarm-minutes': 15,
        'event-rrule': 'FREQ=WEEKLY;UNTIL=20211231T113000',
        'event-attendees': ['pam@example.com'],
      }),
    );
    // With attendees the calendar is a plain event list: no METHOD:PUBLISH.
    expect(lines).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Calendar Bridge//ICS API V2//EN',
      'BEGIN:VEVENT',
      'UID:<uuid>@calendar-bridge',
      'SEQUENCE:0',
      'DTSTAMP:<now>',
      'DTSTART:20211217T163000Z',
      'DTEND:20211217T183000Z',
      'RRULE:FREQ=WEEKLY;UNTIL=20211231T163000Z',
      'SUMMARY:Dunder Mifflin Christmas Party',
      'LOCATION:Fake Address',
      'DESCRIPTION:Ugly sweaters encouraged! Also bring a gift for Yankee Swap!',
      'ORGANIZER;CN="Michael":mailto:michael@example.com',
      'ATTENDEE;ROLE=REQ-PARTICIPANT:MAILTO:pam@example.com',
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      'TRIGGER:-PT15M',
      'DESCRIPTION:Dunder Mifflin Christmas Party',
      'END:VALARM',
      'URL;VALUE=URI:https://example.com/party',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ]);
  });

  it('reads the GET form the same way', () => {
    const query = { ...SEED_EXAMPLE, 'all-day-event': 'true', 'event-start-datetime': '2021-12-17', 'event-end-datetime': '2021-12-17', 'x-api-key': 'k' };
    const lines = stable(service.createCalendarFromQuery(query));
    expect(lines).toEqual(expect.arrayContaining(['DTSTART;VALUE=DATE:20211217', 'DTEND;VALUE=DATE:20211218']));
  });
});

describe('IcsController', () => {
  it('answers both forms inline as text/calendar, never cached', () => {
    const controller = new IcsController(new IcsService());
    for (const send of [
      (response: Response) => controller.create({ ...SEED_EXAMPLE }, response),
      (response: Response) => controller.createFromLink({ ...SEED_EXAMPLE, 'all-day-event': 'false' }, response),
    ]) {
      const headers: Record<string, string> = {};
      const response = { setHeader: (name: string, value: string) => void (headers[name] = value) } as unknown as Response;
      expect(send(response)).toContain('SUMMARY:Dunder Mifflin Christmas Party\r\n');
      expect(headers).toEqual({ 'Content-Type': 'text/calendar; charset=utf-8', 'Content-Disposition': 'inline; filename=calendar.ics', 'Cache-Control': 'no-store' });
    }
  });
});

describe('icsErrorTableMarkdown', () => {
  it('has a header, a rule and one row per code', () => {
    const lines = icsErrorTableMarkdown().split('\n');
    expect(lines.slice(0, 2)).toEqual(['| error-code | HTTP status | error-info |', '|---|---|---|']);
    expect(lines).toHaveLength(2 + Object.keys(ICS_ERRORS).length);
    expect(lines).toContain('| E1703 | 400 | Title cannot be empty for iCalendar. |');
  });
});
