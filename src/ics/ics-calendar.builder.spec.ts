import { buildCalendar, foldLine, IcsEventData } from './ics-calendar.builder';

const base: IcsEventData = {
  uid: 'fixed@calendar-bridge',
  stamp: new Date('2021-12-10T14:12:05Z'),
  times: { allDay: false, start: new Date('2021-12-17T16:30:00Z'), end: new Date('2021-12-17T18:30:00Z') },
  title: 'Dunder Mifflin Christmas Party',
  description: 'Ugly sweaters encouraged! Also bring a gift for Yankee Swap!',
  location: 'Fake Address',
  attendees: [],
};

describe('buildCalendar', () => {
  it('writes the seed event as RFC 5545 text with CRLF after every line', () => {
    expect(buildCalendar(base)).toBe(
      [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//Calendar Bridge//ICS API V2//EN',
        'METHOD:PUBLISH',
        'BEGIN:VEVENT',
        'UID:fixed@calendar-bridge',
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
      ].join('\r\n'),
    );
  });

  it('writes all-day events as dates', () => {
    const text = buildCalendar({ ...base, times: { allDay: true, start: new Date('2021-12-17T00:00:00Z'), end: new Date('2021-12-18T00:00:00Z') } });
    expect(text).toContain('\r\nDTSTART;VALUE=DATE:20211217\r\nDTEND;VALUE=DATE:20211218\r\n');
  });

  it('folds long lines at 75 octets, never inside a character', () => {
    const text = buildCalendar({ ...base, description: '🎉中é'.repeat(300) });
    const lines = text.slice(0, -2).split('\r\n');
    for (const line of lines) {
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
      expect(line).not.toMatch(/[\uD800-\uDBFF]$|^ ?[\uDC00-\uDFFF]/);
    }
    expect(text.replace(/\r\n /g, '')).toContain(`DESCRIPTION:${'🎉中é'.repeat(300)}\r\n`);
  });

  it('adds a display alarm, organizer, attendees and recurrence', () => {
    const text = buildCalendar({
      ...base,
      alarmMinutes: 10,
      organizer: { email: 'm@dm.example', name: 'Michael' },
      attendees: [{ email: 'p@dm.example' }],
      rrule: 'FREQ=DAILY;COUNT=2',
      url: 'https://dm.example/',
    });
    expect(text).toContain('ORGANIZER;CN="Michael":mailto:m@dm.example\r\n');
    expect(text).toContain('ATTENDEE;ROLE=REQ-PARTICIPANT:MAILTO:p@dm.example\r\n');
    expect(text).toContain('RRULE:FREQ=DAILY;COUNT=2\r\n');
    expect(text).toContain('BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT10M\r\n');
    expect(text).toContain('URL;VALUE=URI:https://dm.example/\r\n');
    expect(text).not.toContain('METHOD:');
  });
});

describe('folding and escaping helpers', () => {
  it('leaves lines of up to 75 octets alone and folds longer ones into ≤ 75-octet lines', () => {
    expect(foldLine('x'.repeat(75))).toBe('x'.repeat(75));
    expect(foldLine('x'.repeat(76))).toBe(`${'x'.repeat(75)}\r\n x`);
    expect(foldLine('x'.repeat(74) + 'é')).toBe(`${'x'.repeat(74)}\r\n é`);
    expect(foldLine('x'.repeat(73) + '🎉')).toBe(`${'x'.repeat(73)}\r\n 🎉`);
    expect(foldLine('x'.repeat(71) + '🎉')).toBe(`${'x'.repeat(71)}🎉`);
  });

  it('escapes TEXT values but writes URI values as they are', () => {
    const text = buildCalendar({ ...base, title: 'a\\b;c,d\r\ne\nf', url: 'https://dm.example/a,b?x=1,2' });
    expect(text).toContain('SUMMARY:a\\\\b\\;c\\,d\\ne\\nf\r\n');
    expect(text).toContain('URL;VALUE=URI:https://dm.example/a,b?x=1,2\r\n');
  });

  it.each([
    [0, 'TRIGGER:PT0S'],
    [5, 'TRIGGER:-PT5M'],
    [90, 'TRIGGER:-PT1H30M'],
    [1440, 'TRIGGER:-P1D'],
  ])('writes an alarm %i minutes before as %s', (minutes, trigger) => {
    expect(buildCalendar({ ...base, alarmMinutes: minutes })).toContain(`${trigger}\r\n`);
  });
});
