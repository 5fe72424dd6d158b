import { startTestApp, TestApp } from '../support/app';
import { createTenantWithKey } from '../support/fixtures';
import { createRadicaleCalendar, isRadicaleAvailable, RunningRadicale, startRadicale } from '../support/radicale';
import { isPythonIcalendarAvailable, parseWithIcalJs, parseWithPython, physicalLines, postIcs, seedBody } from './ics-helpers';

/** What every independent parser must read back from the seed example. */
const SEED_EVENT = {
  summary: 'Dunder Mifflin Christmas Party',
  description: 'Ugly sweaters encouraged! Also bring a gift for Yankee Swap!',
  location: 'Fake Address',
  start: '20211217T163000Z',
  end: '20211217T183000Z',
  startIsDate: false,
};

const describeIfRadicale = isRadicaleAvailable() ? describe : describe.skip;
const itIfPython = isPythonIcalendarAvailable() ? it : it.skip;
if (!isPythonIcalendarAvailable()) console.warn('python3-icalendar is not installed: the Python parser check is skipped');
if (!isRadicaleAvailable()) console.warn('Radicale is not installed: the CalDAV PUT check is skipped');

describe('POST /ics — the seed request example', () => {
  let t: TestApp;
  let apiKey: string;
  let ics: string;
  let response: Awaited<ReturnType<typeof postIcs>>;

  beforeAll(async () => {
    t = await startTestApp();
    apiKey = (await createTenantWithKey(t.baseUrl, t.adminToken, 'ICS seed')).apiKey;
    response = await postIcs(t.baseUrl, apiKey, seedBody());
    ics = response.text;
  });
  afterAll(() => t.close());

  it('answers 200 with the seed headers', () => {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('inline; filename=calendar.ics');
  });

  it('reads 11:30 and 13:30 (the Z ignored) in America/New_York and writes them in UTC', () => {
    const lines = physicalLines(ics);
    expect(lines).toContain('DTSTART:20211217T163000Z');
    expect(lines).toContain('DTEND:20211217T183000Z');
    expect(lines).toContain('SUMMARY:Dunder Mifflin Christmas Party');
    expect(lines).toContain('LOCATION:Fake Address');
    expect(lines).toContain('DESCRIPTION:Ugly sweaters encouraged! Also bring a gift for Yankee Swap!');
  });

  it('is a well-formed RFC 5545 calendar with exactly one VEVENT', () => {
    const lines = physicalLines(ics);
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines[1]).toBe('VERSION:2.0');
    expect(lines).toContain('PRODID:-//Calendar Bridge//ICS API V2//EN');
    expect(lines[lines.length - 1]).toBe('END:VCALENDAR');
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(1);
    expect(ics).not.toMatch(/[^\r]\n/);
    expect(ics).not.toContain('QUOTED-PRINTABLE');
    expect(lines.find((l) => l.startsWith('UID:'))).toMatch(/^UID:[0-9a-f-]{36}@calendar-bridge$/);
    expect(lines.find((l) => l.startsWith('DTSTAMP:'))).toMatch(/^DTSTAMP:\d{8}T\d{6}Z$/);
    for (const line of lines) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
  });

  it('gives every calendar a new UID', async () => {
    const again = await postIcs(t.baseUrl, apiKey, seedBody());
    const uid = (text: string) => physicalLines(text).find((l) => l.startsWith('UID:'));
    expect(uid(again.text)).not.toBe(uid(ics));
  });

  it('parses with ical.js', () => {
    expect(parseWithIcalJs(ics)).toMatchObject(SEED_EVENT);
  });

  itIfPython("parses with Python's icalendar", () => {
    expect(parseWithPython(ics)).toMatchObject({ ...SEED_EVENT, errors: [] });
  });

  it('is documented in the OpenAPI document (both forms, key, text/calendar, error table)', async () => {
    const doc = (await fetch(`${t.baseUrl}/docs-json`).then((r) => r.json())) as any;
    const post = doc.paths['/ics'].post;
    expect(post.security).toEqual(expect.arrayContaining([{ 'x-api-key': [] }]));
    expect(Object.keys(post.responses['200'].content)).toEqual(['text/calendar']);
    expect(post.description).toContain('| E1703 | 400 | Title cannot be empty for iCalendar. |');
    expect(post.requestBody.content['application/json'].examples.seed.value).toMatchObject({ 'event-title': 'Dunder Mifflin Christmas Party' });
    expect(doc.paths['/ics'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['event-title', 'all-day-event']));
    // The link's key is a security scheme (header or query), not an ordinary parameter.
    expect(doc.paths['/ics'].get.security).toEqual([{ 'x-api-key': [] }, { 'x-api-key-query': [] }]);
    expect(doc.components.securitySchemes['x-api-key-query']).toMatchObject({ type: 'apiKey', in: 'query', name: 'x-api-key' });
  });

  describeIfRadicale('accepted by a CalDAV server', () => {
    let radicale: RunningRadicale;
    beforeAll(async () => {
      radicale = await startRadicale();
    });
    afterAll(() => radicale?.stop());

    it('Radicale stores it on PUT and serves the same event back', async () => {
      const calendar = await createRadicaleCalendar(radicale, 'ICS import');
      expect(await calendar.put('seed.ics', ics)).toBe(201);
      const [stored] = await calendar.objects();
      const uid = physicalLines(ics).find((l) => l.startsWith('UID:'));
      expect(stored.data).toContain(uid);
      expect(parseWithIcalJs(stored.data)).toMatchObject({ start: '20211217T163000Z', end: '20211217T183000Z', summary: 'Dunder Mifflin Christmas Party' });
    });
  });
});
