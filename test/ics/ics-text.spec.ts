import { startTestApp, TestApp } from '../support/app';
import { createTenantWithKey } from '../support/fixtures';
import { createRadicaleCalendar, isRadicaleAvailable, startRadicale } from '../support/radicale';
import { isPythonIcalendarAvailable, parseWithIcalJs, parseWithPython, physicalLines, postIcs, propertyLine, seedBody, unfold } from './ics-helpers';

const itIfPython = isPythonIcalendarAvailable() ? it : it.skip;
const itIfRadicale = isRadicaleAvailable() ? it : it.skip;

const EMOJI_TITLE = 'Party 🎉🎄 with 👨‍👩‍👧‍👦 family';
const CJK_LOCATION = '東京都千代田区丸の内一丁目 — 서울특별시 중구 — 北京市朝阳区';
const TRICKY = 'Semi; colon, comma \\ backslash\nnew line\r\nwindows line: colon "quotes"';

/** ~20,000 characters mixing 1-, 2-, 3- and 4-byte UTF-8 sequences so that folds land everywhere. */
function longDescription(): string {
  const pieces = ['a', 'é', '中', '🎉', ' ', ';', ',', '\\', '\n', 'Ω', 'ß', '한'];
  let text = '';
  for (let i = 0; text.length < 19_990; i++) text += pieces[(i * 7 + (i >> 3)) % pieces.length];
  return `Start${text}End`;
}

describe('POST /ics — text: escaping, folding, non-ASCII', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    key = (await createTenantWithKey(t.baseUrl, t.adminToken, 'ICS text')).apiKey;
  });
  afterAll(() => t.close());

  async function calendar(fields: Record<string, unknown>): Promise<string> {
    const response = await postIcs(t.baseUrl, key, seedBody(fields));
    expect(response.status).toBe(200);
    return response.text;
  }

  function expectFoldedCorrectly(ics: string): void {
    const bytes = Buffer.from(ics, 'utf8');
    // No character was split or replaced on the way: the bytes decode back to the same text.
    expect(bytes.toString('utf8')).toBe(ics);
    expect(ics).not.toContain('\uFFFD');
    for (const line of physicalLines(ics)) {
      expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
      // A fold between the halves of a surrogate pair would leave a lone surrogate here (and
      // a U+FFFD on the wire); a fold inside a UTF-8 sequence cannot happen on whole code points.
      expect(line).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
    expect(ics).not.toMatch(/[^\r]\n|\r[^\n]/);
  }

  it('escapes backslash, semicolon, comma and line breaks (RFC 5545 §3.3.11)', async () => {
    const ics = await calendar({ 'event-title': TRICKY });
    expect(propertyLine(ics, 'SUMMARY')).toBe('SUMMARY:Semi\\; colon\\, comma \\\\ backslash\\nnew line\\nwindows line: colon "quotes"');
    const normalized = TRICKY.replace(/\r\n/g, '\n');
    expect(parseWithIcalJs(ics).summary).toBe(normalized);
  });

  itIfPython('Python icalendar reads the escaped text back unchanged', async () => {
    const ics = await calendar({ 'event-title': TRICKY, 'event-location': CJK_LOCATION });
    const parsed = parseWithPython(ics);
    expect(parsed.summary).toBe(TRICKY.replace(/\r\n/g, '\n'));
    expect(parsed.location).toBe(CJK_LOCATION);
  });

  it('keeps emoji (including ZWJ sequences) and CJK intact', async () => {
    const ics = await calendar({ 'event-title': EMOJI_TITLE, 'event-location': CJK_LOCATION });
    expectFoldedCorrectly(ics);
    expect(parseWithIcalJs(ics)).toMatchObject({ summary: EMOJI_TITLE, location: CJK_LOCATION });
  });

  it('folds a 20,000-character description at 75 octets without splitting a UTF-8 sequence, and unfolding restores it', async () => {
    const description = longDescription();
    const ics = await calendar({ 'event-description': description });
    expectFoldedCorrectly(ics);
    expect(physicalLines(ics).length).toBeGreaterThan(500);
    const unfolded = propertyLine(ics, 'DESCRIPTION') ?? '';
    const unescaped = unfolded
      .slice('DESCRIPTION:'.length)
      .replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
    expect(unescaped).toBe(description);
    expect(parseWithIcalJs(ics).description).toBe(description);
    expect(unfold(ics).split('\r\n').filter((l) => l.startsWith('DESCRIPTION:'))).toHaveLength(1);
  });

  it('sends bytes whose every physical line is valid UTF-8 on its own (checked on the raw body)', async () => {
    const response = await fetch(`${t.baseUrl}/ics`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify(seedBody({ 'event-description': longDescription(), 'event-title': EMOJI_TITLE })),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    const strict = new TextDecoder('utf-8', { fatal: true });
    let start = 0;
    let lines = 0;
    for (let i = 0; i < bytes.length - 1; i++) {
      if (bytes[i] !== 0x0d || bytes[i + 1] !== 0x0a) continue;
      const line = bytes.subarray(start, i);
      expect(line.length).toBeLessThanOrEqual(75);
      expect(() => strict.decode(line)).not.toThrow();
      start = i + 2;
      lines++;
    }
    expect(start).toBe(bytes.length);
    expect(lines).toBeGreaterThan(500);
  });

  itIfPython('Python icalendar reads the long description back unchanged', async () => {
    const description = longDescription();
    expect(parseWithPython(await calendar({ 'event-description': description })).description).toBe(description);
  });

  itIfRadicale('Radicale stores the long non-ASCII event and serves it back intact', async () => {
    const radicale = await startRadicale();
    try {
      const description = longDescription();
      const ics = await calendar({ 'event-title': EMOJI_TITLE, 'event-description': description, 'event-location': CJK_LOCATION });
      const cal = await createRadicaleCalendar(radicale, 'Text');
      expect(await cal.put('text.ics', ics)).toBe(201);
      const [stored] = await cal.objects();
      expect(parseWithIcalJs(stored.data)).toMatchObject({ summary: EMOJI_TITLE, description, location: CJK_LOCATION });
    } finally {
      await radicale.stop();
    }
  });

  it('drops control characters that iCalendar TEXT cannot hold and repairs lone surrogates', async () => {
    const ics = await calendar({ 'event-title': 'Bell\u0007 and\u0000 null', 'event-location': 'broken \ud83c pair' });
    expect(parseWithIcalJs(ics).summary).toBe('Bell and null');
    expect(parseWithIcalJs(ics).location).toBe('broken \uFFFD pair');
  });

  it('trims surrounding whitespace but keeps inner line breaks', async () => {
    const ics = await calendar({ 'event-description': '  line one\n\nline three  \n' });
    expect(parseWithIcalJs(ics).description).toBe('line one\n\nline three');
  });

  it('accepts text at the limits (title 1000, description 20000, location 1000 characters)', async () => {
    const ics = await calendar({ 'event-title': 't'.repeat(1000), 'event-description': 'd'.repeat(20000), 'event-location': 'l'.repeat(1000) });
    const parsed = parseWithIcalJs(ics);
    expect([parsed.summary.length, parsed.description.length, parsed.location.length]).toEqual([1000, 20000, 1000]);
  });
});
