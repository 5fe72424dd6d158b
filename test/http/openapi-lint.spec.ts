import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeProblem, lintOpenApi as lint, LintReport } from '../../scripts/lint-openapi';

const ROOT = join(__dirname, '..', '..');
const summary = (report: LintReport) => report.problems.map(describeProblem);

describe('openapi.json lint (Redocly recommended)', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'cb-openapi-lint-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('has 0 errors and 0 warnings, none of them ignored', async () => {
    const report = await lint(join(ROOT, 'openapi.json'));
    expect(summary(report)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  });

  it('fails on a single warning: an operation without 4xx responses', async () => {
    const doc = JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8'));
    const responses = doc.paths['/tenant'].get.responses;
    for (const status of Object.keys(responses)) if (!status.startsWith('2')) delete responses[status];
    const file = join(scratch, 'no-4xx.json');
    writeFileSync(file, JSON.stringify(doc));
    const report = await lint(file);
    expect(summary(report)).toEqual(['warn operation-4xx-response #/paths/~1tenant/get/responses: Operation must have at least one `4XX` response.']);
    expect(report.totals).toEqual({ errors: 0, warnings: 1, ignored: 0 });
  });

  it('fails on an operation that does not say who may call it', async () => {
    const doc = JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8'));
    delete doc.paths['/health'].get.security;
    const file = join(scratch, 'no-security.json');
    writeFileSync(file, JSON.stringify(doc));
    const report = await lint(file);
    expect(report.problems.map((p) => [p.ruleId, p.location[0]?.pointer])).toEqual([['security-defined', '#/paths/~1health/get']]);
    expect(report.totals.errors).toBe(1);
  });
});
