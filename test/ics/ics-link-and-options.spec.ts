import { startTestApp, TestApp } from '../support/app';
import { createTenantWithKey } from '../support/fixtures';
import { http } from '../support/http';
import { createRadicaleCalendar, isRadicaleAvailable, startRadicale } from '../support/radicale';
import { getIcs, isPythonIcalendarAvailable, parseWithIcalJs, parseWithPython, postIcs, propertyLine, seedBody } from './ics-helpers';

const itIfPython = isPythonIcalendarAvailable() ? it : it.skip;
const itIfRadicale = isRadicaleAvailable() ? it : it.skip;

const SEED_QUERY: Record<string, string> = Object.fromEntries(
  Object.entries(seedBody()).map(([name, value]) => [name, String(value)]),
);

const OPTIONS = {
  'event-url': 'https://dundermifflin.example/party?year=2021&x=a,b',
  'event-organizer': 'Michael Scott <michael@dundermifflin.example>',
  'event-alarm-minutes': 30,
  'event-rrule': 'FREQ=WEEKLY;COUNT=5;BYDAY=FR',
  'event-attendees': ['pam@dundermifflin.example', 'Jim Halpert <jim@dundermifflin.example>'],
};

describe('GET /ics — the "add to calendar" link form', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    key = (await createTenantWithKey(t.baseUrl, t.adminToken, 'ICS link')).apiKey;
  });
  afterAll(() => t.close());

  it('answers the seed request given as query parameters, with the key in the header', async () => {
    const response = await getIcs(t.baseUrl, SEED_QUERY, { 'x-api-key': key });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('inline; filename=calendar.ics');
    expect(parseWithIcalJs(response.text)).toMatchObject({ start: '20211217T163000Z', end: '20211217T183000Z', summary: 'Dunder Mifflin Christmas Party' });
  });

  it('works as a plain link with the key as the x-api-key query parameter', async () => {
    const response = await getIcs(t.baseUrl, { ...SEED_QUERY, 'x-api-key': key });
    expect(response.status).toBe(200);
    expect(propertyLine(response.text, 'DTSTART')).toBe('DTSTART:20211217T163000Z');
  });

  it('refuses a wrong key in the query with E1702', async () => {
    const response = await getIcs(t.baseUrl, { ...SEED_QUERY, 'x-api-key': 'cbk_wrong' });
    expect(response.status).toBe(401);
    expect(response.body['error-code']).toBe('E1702');
  });

  it('applies the same validation and codes', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ ...SEED_QUERY, 'event-title': '' }, 'E1703'],
      [{ ...SEED_QUERY, 'event-timezone': 'Mars/Base' }, 'E1743'],
      [{ ...SEED_QUERY, 'all-day-event': 'yes' }, 'E1727'],
      [{ ...SEED_QUERY, 'event-alarm-minutes': 'soon' }, 'E1754'],
      [{ ...SEED_QUERY, 'event-colour': 'red' }, 'E1783'],
      [{ ...SEED_QUERY, action: 'nothing' }, 'E1717'],
      [{ ...SEED_QUERY, 'event-attendees': 'pam@example.com,not-an-address' }, 'E1759'],
    ];
    for (const [params, code] of cases) {
      const response = await getIcs(t.baseUrl, params, { 'x-api-key': key });
      expect([code, response.body['error-code']]).toEqual([code, code]);
      expect(Object.keys(response.body).sort()).toEqual(['error-code', 'error-info', 'status']);
    }
  });

  it('refuses a repeated scalar parameter as a wrong type', async () => {
    const response = await http(t.baseUrl, 'GET', `/ics?${new URLSearchParams(SEED_QUERY)}&event-title=second`, { headers: { 'x-api-key': key } });
    expect(response.body['error-code']).toBe('E1721');
  });

  it('reads all-day-event=true|false (any case) and a comma-separated attendee list', async () => {
    const allDay = await getIcs(
      t.baseUrl,
      { ...SEED_QUERY, 'all-day-event': 'TRUE', 'event-attendees': 'pam@dundermifflin.example, jim@dundermifflin.example' },
      { 'x-api-key': key },
    );
    expect(allDay.status).toBe(200);
    expect(parseWithIcalJs(allDay.text)).toMatchObject({
      start: '20211217',
      end: '20211218',
      startIsDate: true,
      attendees: ['MAILTO:pam@dundermifflin.example', 'MAILTO:jim@dundermifflin.example'],
    });
    const timed = await getIcs(t.baseUrl, { ...SEED_QUERY, 'all-day-event': 'false' }, { 'x-api-key': key });
    expect(propertyLine(timed.text, 'DTSTART')).toBe('DTSTART:20211217T163000Z');
  });

  it('takes the optional fields, with empty ones meaning "not given"', async () => {
    const response = await getIcs(
      t.baseUrl,
      { ...SEED_QUERY, 'event-alarm-minutes': '15', 'event-rrule': 'FREQ=DAILY;COUNT=3', 'event-url': '', 'event-organizer': '' },
      { 'x-api-key': key },
    );
    expect(response.status).toBe(200);
    const event = parseWithIcalJs(response.text);
    expect(event).toMatchObject({ rrule: 'FREQ=DAILY;COUNT=3', alarmTrigger: '-PT15M' });
    expect(event.url).toBeUndefined();
    expect(event.organizer).toBeUndefined();
  });
});

describe('POST /ics — optional fields (URL, organizer, alarm, recurrence, attendees)', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    key = (await createTenantWithKey(t.baseUrl, t.adminToken, 'ICS options')).apiKey;
  });
  afterAll(() => t.close());

  async function calendar(fields: Record<string, unknown>): Promise<string> {
    const response = await postIcs(t.baseUrl, key, seedBody(fields));
    expect(response.status).toBe(200);
    return response.text;
  }

  it('writes URL, ORGANIZER, VALARM, RRULE and ATTENDEE properties that ical.js reads back', async () => {
    const ics = await calendar(OPTIONS);
    // A URI value is not TEXT: its commas are not backslash-escaped.
    expect(propertyLine(ics, 'URL')).toBe('URL;VALUE=URI:https://dundermifflin.example/party?year=2021&x=a,b');
    expect(propertyLine(ics, 'ORGANIZER')).toBe('ORGANIZER;CN="Michael Scott":mailto:michael@dundermifflin.example');
    expect(propertyLine(ics, 'RRULE')).toBe('RRULE:FREQ=WEEKLY;COUNT=5;BYDAY=FR');
    expect(ics).toContain('BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT30M\r\n');
    expect(parseWithIcalJs(ics)).toMatchObject({
      url: 'https://dundermifflin.example/party?year=2021&x=a,b',
      organizer: 'mailto:michael@dundermifflin.example',
      rrule: 'FREQ=WEEKLY;COUNT=5;BYDAY=FR',
      alarmTrigger: '-PT30M',
      attendees: ['MAILTO:pam@dundermifflin.example', 'MAILTO:jim@dundermifflin.example'],
    });
  });

  it('leaves METHOD out when there are attendees (iTIP PUBLISH may not carry ATTENDEE) and keeps it otherwise', async () => {
    expect(await calendar(OPTIONS)).not.toContain('METHOD:');
    expect(await calendar({})).toContain('\r\nMETHOD:PUBLISH\r\n');
  });

  itIfPython('Python icalendar reads the optional fields too', async () => {
    const parsed = parseWithPython(await calendar(OPTIONS));
    expect(parsed).toMatchObject({
      url: 'https://dundermifflin.example/party?year=2021&x=a,b',
      organizer: 'mailto:michael@dundermifflin.example',
      rrule: 'FREQ=WEEKLY;COUNT=5;BYDAY=FR',
      alarmTrigger: '-PT30M',
      attendees: ['MAILTO:pam@dundermifflin.example', 'MAILTO:jim@dundermifflin.example'],
      errors: [],
    });
  });

  itIfRadicale('Radicale accepts the event with every optional field', async () => {
    const radicale = await startRadicale();
    try {
      const ics = await calendar(OPTIONS);
      const cal = await createRadicaleCalendar(radicale, 'Options');
      expect(await cal.put('options.ics', ics)).toBe(201);
      const [stored] = await cal.objects();
      expect(parseWithIcalJs(stored.data).rrule).toBe('FREQ=WEEKLY;COUNT=5;BYDAY=FR');
    } finally {
      await radicale.stop();
    }
  });

  it('takes the organizer as an object, a bare address or a mailto: URI', async () => {
    expect(propertyLine(await calendar({ 'event-organizer': { name: 'Dwight "Assistant to the" Schrute', email: 'dwight@dm.example' } }), 'ORGANIZER')).toBe(
      `ORGANIZER;CN="Dwight 'Assistant to the' Schrute":mailto:dwight@dm.example`,
    );
    expect(propertyLine(await calendar({ 'event-organizer': 'mailto:toby@dm.example' }), 'ORGANIZER')).toBe('ORGANIZER;CN="toby@dm.example":mailto:toby@dm.example');
  });

  it('writes an alarm of 0 minutes as a trigger at the start', async () => {
    const ics = await calendar({ 'event-alarm-minutes': 0 });
    expect(parseWithIcalJs(ics).alarmTrigger).toMatch(/^-?PT0S$/);
  });

  it('reads an RRULE UNTIL without Z in the event zone, a date-only UNTIL as the end of that day, and a date for all-day events', async () => {
    expect(propertyLine(await calendar({ 'event-rrule': 'FREQ=DAILY;UNTIL=20211220T113000' }), 'RRULE')).toBe('RRULE:FREQ=DAILY;UNTIL=20211220T163000Z');
    expect(propertyLine(await calendar({ 'event-rrule': 'freq=daily;until=20211220' }), 'RRULE')).toBe('RRULE:FREQ=DAILY;UNTIL=20211221T045959Z');
    expect(propertyLine(await calendar({ 'event-rrule': 'RRULE:FREQ=DAILY;UNTIL=20211220T000000Z' }), 'RRULE')).toBe('RRULE:FREQ=DAILY;UNTIL=20211220T000000Z');
    const allDay = await calendar({ 'all-day-event': true, 'event-rrule': 'FREQ=YEARLY;UNTIL=20301217T120000Z' });
    expect(propertyLine(allDay, 'RRULE')).toBe('RRULE:FREQ=YEARLY;UNTIL=20301217');
    expect(parseWithIcalJs(allDay).rrule).toBe('FREQ=YEARLY;UNTIL=20301217');
  });

  it('drops duplicate attendees (same address in any case)', async () => {
    const ics = await calendar({ 'event-attendees': ['pam@dm.example', 'PAM@dm.example', 'Pam <pam@dm.example>'] });
    expect(parseWithIcalJs(ics).attendees).toEqual(['MAILTO:pam@dm.example']);
  });
});
