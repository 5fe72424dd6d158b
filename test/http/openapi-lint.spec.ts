import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }>;
}

/**
 * Redocly CLI with our redocly.yaml (recommended rules), offline: telemetry and the update
 * check off, and a hard timeout so that a network wait can never hang the suite.
 */
function lint(file: string): Promise<LintReport> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, 'lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'json'],
      {
        cwd: ROOT,
        timeout: 60_000,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', CI: 'true' },
      },
      // The CLI exits 1 when there are errors; the JSON report on stdout is what counts.
      (error, stdout) => {
        try {
          resolve(JSON.parse(stdout) as LintReport);
        } catch {
          reject(error ?? new Error(`redocly printed no JSON report: ${stdout}`));
        }
      },
    );
  });
}

const summary = (report: LintReport) => report.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);

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
