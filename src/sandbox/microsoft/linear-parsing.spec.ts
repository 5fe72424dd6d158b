import { htmlToText } from './graph-event-view';
import { parseFilter } from './odata-filter';
import { parsePrefer } from './odata-query';
import { expectCpuWithin } from '../../../test/support/cpu-time';

/** Client-controlled text the emulator parses must cost linear time (the emulator shares the app's event loop). */
describe('Graph emulator parsing stays linear on hostile input', () => {
  // CPU time (see test/support/cpu-time.ts): the budgets are ~10× the unloaded figures, tripled;
  // the quadratic versions took 0.75–19 s.
  const within = (budgetMs: number, work: () => unknown): void => expectCpuWithin(budgetMs * 3, work);

  it.each([
    ['letters without =', 'a'.repeat(16_000)],
    ['spaces', ' '.repeat(16_000)],
    ['= signs', '='.repeat(16_000)],
    ['unclosed quotes', `a="${'x'.repeat(16_000)}`],
  ])('Prefer header of 16 kB %s', (_label, header) => {
    within(50, () => parsePrefer(header));
  });

  it('still reads every preference, quoted or not, separated by commas or semicolons', () => {
    expect(parsePrefer('outlook.timezone="Pacific Standard Time", odata.maxpagesize=5; outlook.body-content-type="text"')).toEqual({
      timeZone: 'Pacific Standard Time',
      timeZoneApplied: true,
      maxPageSize: 5,
      bodyContentType: 'text',
    });
    expect(parsePrefer('odata.maxpagesize = 7')).toMatchObject({ maxPageSize: 7 });
    expect(parsePrefer('odata.maxpagesize=0, bogus')).toEqual({ timeZone: 'UTC', timeZoneApplied: false });
  });

  it.each([
    ['<', '<'.repeat(100_000)],
    ['spaces', ' '.repeat(100_000)],
    ['unclosed <script>', '<script>'.repeat(12_000)],
    ['unclosed <style', '<style '.repeat(14_000)],
    ['tabs before text', `${'\t'.repeat(100_000)}x`],
    ['<br', '<br '.repeat(25_000)],
  ])('HTML body of 100 kB %s', (_label, html) => {
    within(100, () => htmlToText(html));
  });

  it('converts HTML to text as before', () => {
    expect(htmlToText('<p>Hi&nbsp;<b>there</b></p><script>x()</script><STYLE>p{}</STYLE>a &lt;b&gt; &amp; c<br/>next  \t\nline')).toBe(
      'Hi there\na <b> & c\nnext\nline',
    );
    expect(htmlToText('a <script>never closed')).toBe('a never closed');
    expect(htmlToText('keep <a<b> tail and <> too')).toBe('keep  tail and <> too');
  });

  it.each([
    ['many terms', `${"subject eq 'x' or ".repeat(5500)}subject eq 'x'`],
    ['long numbers', `subject eq ${'1'.repeat(100_000)}`],
    ['long identifier', `${'a'.repeat(100_000)} eq 1`],
    ['many quotes', `subject eq '${"''".repeat(50_000)}'`],
  ])('tokenizes a 100 kB $filter of %s in linear time', (_label, filter) => {
    within(300, () => {
      try {
        parseFilter(filter);
      } catch {
        // refusing it is fine; taking long is not
      }
    });
  });
});
