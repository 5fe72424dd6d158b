import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { SEED_EXAMPLE } from '../../src/ics/dto/create-calendar.dto';
import { http, JsonResponse } from '../support/http';
import { interopToolPresent } from '../support/interop';

export const PYTHON = '/usr/bin/python3';

export function seedBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...SEED_EXAMPLE, ...overrides };
}

export function postIcs(baseUrl: string, apiKey: string | undefined, body: unknown): Promise<JsonResponse> {
  const headers: Record<string, string> = apiKey ? { 'x-api-key': apiKey } : {};
  return http(baseUrl, 'POST', '/ics', { headers, json: body });
}

export function getIcs(baseUrl: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<JsonResponse> {
  return http(baseUrl, 'GET', `/ics?${new URLSearchParams(params).toString()}`, { headers });
}

/** What a parser saw in the single VEVENT. */
export interface ParsedEvent {
  uid: string;
  summary: string;
  description: string;
  location: string;
  /** `20211217T163000Z` for date-times, `20211217` for dates. */
  start: string;
  end: string;
  startIsDate: boolean;
  rrule?: string;
  organizer?: string;
  attendees: string[];
  url?: string;
  alarmTrigger?: string;
}

export function parseWithIcalJs(text: string): ParsedEvent {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vevent || calendar.getAllSubcomponents('vevent').length !== 1) throw new Error('expected exactly one VEVENT');
  const start = vevent.getFirstPropertyValue('dtstart') as ICAL.Time;
  const end = vevent.getFirstPropertyValue('dtend') as ICAL.Time;
  const rrule = vevent.getFirstPropertyValue('rrule') as ICAL.Recur | null;
  const alarm = vevent.getFirstSubcomponent('valarm');
  return {
    uid: String(vevent.getFirstPropertyValue('uid')),
    summary: String(vevent.getFirstPropertyValue('summary')),
    description: String(vevent.getFirstPropertyValue('description')),
    location: String(vevent.getFirstPropertyValue('location')),
    start: icalTime(start),
    end: icalTime(end),
    startIsDate: start.isDate,
    ...(rrule ? { rrule: rrule.toString() } : {}),
    ...(vevent.hasProperty('organizer') ? { organizer: String(vevent.getFirstPropertyValue('organizer')) } : {}),
    attendees: vevent.getAllProperties('attendee').map((p) => String(p.getFirstValue())),
    ...(vevent.hasProperty('url') ? { url: String(vevent.getFirstPropertyValue('url')) } : {}),
    ...(alarm ? { alarmTrigger: String(alarm.getFirstPropertyValue('trigger')) } : {}),
  };
}

function icalTime(time: ICAL.Time): string {
  if (time.isDate) return time.toString().replace(/-/g, '');
  const utc = time.convertToZone(ICAL.Timezone.utcTimezone);
  return `${utc.toString().replace(/[-:]/g, '').replace(/Z?$/, '')}Z`;
}

const PYTHON_PARSER = `
import json, sys, datetime, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
events = [c for c in cal.walk() if c.name == 'VEVENT']
assert len(events) == 1, 'expected exactly one VEVENT'
e = events[0]
def when(v):
    d = v.dt
    if isinstance(d, datetime.datetime):
        return d.astimezone(datetime.timezone.utc).strftime('%Y%m%dT%H%M%SZ'), False
    return d.strftime('%Y%m%d'), True
start, start_is_date = when(e['DTSTART'])
end, _ = when(e['DTEND'])
att = e.get('ATTENDEE')
att = [] if att is None else (att if isinstance(att, list) else [att])
out = {
  'uid': str(e['UID']), 'summary': str(e['SUMMARY']), 'description': str(e['DESCRIPTION']),
  'location': str(e['LOCATION']), 'start': start, 'end': end, 'startIsDate': start_is_date,
  'attendees': [str(a) for a in att],
}
if 'RRULE' in e: out['rrule'] = e['RRULE'].to_ical().decode()
if 'ORGANIZER' in e: out['organizer'] = str(e['ORGANIZER'])
if 'URL' in e: out['url'] = str(e['URL'])
alarms = [c for c in e.walk() if c.name == 'VALARM']
if alarms: out['alarmTrigger'] = alarms[0]['TRIGGER'].to_ical().decode()
out['errors'] = [str(x) for c in cal.walk() for x in getattr(c, 'errors', [])]
print(json.dumps(out))
`;

/** Skips visibly on a developer machine without it; with CI=true a missing one fails the run. */
export function isPythonIcalendarAvailable(): boolean {
  const present = spawnSync(PYTHON, ['-c', 'import icalendar'], { stdio: 'ignore' }).status === 0;
  return interopToolPresent('Python icalendar', present, 'apt-get install -y python3-icalendar');
}

/** Python's `icalendar` package, an independent parser (Debian python3-icalendar). */
export function parseWithPython(text: string): ParsedEvent & { errors: string[] } {
  const result = spawnSync(PYTHON, ['-c', PYTHON_PARSER], { input: Buffer.from(text, 'utf8'), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python icalendar failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** RFC 5545 §3.1: a CRLF followed by one space or tab is removed. */
export function unfold(text: string): string {
  return text.replace(/\r\n[ \t]/g, '');
}

export function physicalLines(text: string): string[] {
  if (!text.endsWith('\r\n')) throw new Error('calendar does not end with CRLF');
  return text.slice(0, -2).split('\r\n');
}

/** The raw value of the first content line named `name` after unfolding (no unescaping). */
export function propertyLine(text: string, name: string): string | undefined {
  return unfold(text)
    .split('\r\n')
    .find((line) => line.startsWith(`${name}:`) || line.startsWith(`${name};`));
}

export function seedTimeZones(): string[] {
  return readFileSync(join(__dirname, 'fixtures', 'seed-time-zones.txt'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}
