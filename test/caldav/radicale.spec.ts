import { DAVClient } from 'tsdav';
import { createRadicaleCalendar, isRadicaleAvailable, RunningRadicale, startRadicale } from '../support/radicale';

const EVENT = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Calendar Bridge//Radicale harness test//EN',
  'BEGIN:VEVENT',
  'UID:harness-1@calendar-bridge',
  'DTSTAMP:20250101T000000Z',
  'DTSTART:20250310T150000Z',
  'DTEND:20250310T160000Z',
  'SUMMARY:Harness check',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

const describeIfRadicale = isRadicaleAvailable() ? describe : describe.skip;
if (!isRadicaleAvailable()) {
  // A visible note in the run output: the suite is skipped, not silently passed.
  console.warn('Radicale is not installed (apt-get install -y radicale): CalDAV tests skipped');
}

describeIfRadicale('Radicale harness (real CalDAV server, driven by tsdav)', () => {
  let radicale: RunningRadicale;

  beforeAll(async () => {
    radicale = await startRadicale();
  });
  afterAll(() => radicale?.stop());

  it('creates a calendar, writes an event and reads it back', async () => {
    const cal = await createRadicaleCalendar(radicale, 'Harness');
    expect(cal.calendar.displayName).toBe('Harness');
    expect(await cal.put('harness-1.ics', EVENT)).toBe(201);

    const objects = await cal.objects();
    expect(objects).toHaveLength(1);
    expect(objects[0].url).toMatch(/harness-1\.ics$/);
    expect(objects[0].data).toContain('UID:harness-1@calendar-bridge');
    expect(objects[0].data).toContain('SUMMARY:Harness check');
    expect(objects[0].etag).toBeTruthy();
  });

  it('refuses wrong credentials', async () => {
    const client = new DAVClient({
      serverUrl: radicale.url,
      credentials: { username: radicale.username, password: 'wrong-password' },
      authMethod: 'Basic',
      defaultAccountType: 'caldav',
    });
    await expect(client.login()).rejects.toThrow();
  });

  it('gives each server its own storage (a second server starts empty)', async () => {
    const other = await startRadicale();
    try {
      expect(other.url).not.toBe(radicale.url);
      const cal = await createRadicaleCalendar(other, 'Other');
      expect(await cal.objects()).toEqual([]);
    } finally {
      await other.stop();
    }
  });
});
