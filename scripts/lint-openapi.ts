/**
 * Lints an OpenAPI document with Redocly's recommended rules (redocly.yaml) and prints
 * `<file> lint: N errors, M warnings.`; exits 1 on any error or warning (Redocly itself exits 0
 * on warnings). Offline by construction: telemetry and the update check are off, and a timeout
 * ends the CLI should it ever wait on the network.
 * `npm run lint:openapi` (openapi.json), or `ts-node -T scripts/lint-openapi.ts <file>`.
 */
import { execFile } from 'node:child_process';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');

export interface LintProblem {
  ruleId: string;
  severity: string;
  message: string;
  location: Array<{ pointer: string }>;
}

export interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: LintProblem[];
}

export function lintOpenApi(file: string): Promise<LintReport> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, 'lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'json'],
      { cwd: ROOT, timeout: 60_000, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', CI: 'true' } },
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

export function describeProblem(p: LintProblem): string {
  return `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`;
}

async function main(): Promise<void> {
  const file = process.argv[2] ?? join(ROOT, 'openapi.json');
  const report = await lintOpenApi(file);
  for (const problem of report.problems) console.log(describeProblem(problem));
  const { errors, warnings } = report.totals;
  console.log(`\`${relative(ROOT, file)}\` lint: ${errors} errors, ${warnings} warnings.`);
  process.exitCode = errors + warnings > 0 ? 1 : 0;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
