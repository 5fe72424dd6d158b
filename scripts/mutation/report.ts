import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of Stryker's JSON report (mutation-testing-report-schema) this reads. */
interface StrykerReport {
  files: Record<string, { mutants: Array<{ status: string }> }>;
}

export interface MutationCounts {
  mutants: number;
  killed: number;
  survived: number;
  timeout: number;
  noCoverage: number;
  compileError: number;
  runtimeError: number;
  ignored: number;
  /** (killed + timeout) / (killed + timeout + survived + no coverage), as Stryker computes it. */
  score: number | null;
}

const STATUS_FIELDS: Record<string, keyof Omit<MutationCounts, 'mutants' | 'score'>> = {
  Killed: 'killed',
  Survived: 'survived',
  Timeout: 'timeout',
  NoCoverage: 'noCoverage',
  CompileError: 'compileError',
  RuntimeError: 'runtimeError',
  Ignored: 'ignored',
};

export function countMutants(statuses: string[]): MutationCounts {
  const counts: MutationCounts = {
    mutants: statuses.length,
    killed: 0,
    survived: 0,
    timeout: 0,
    noCoverage: 0,
    compileError: 0,
    runtimeError: 0,
    ignored: 0,
    score: null,
  };
  for (const status of statuses) {
    const field = STATUS_FIELDS[status];
    if (field) counts[field] += 1;
  }
  const detected = counts.killed + counts.timeout;
  const valid = detected + counts.survived + counts.noCoverage;
  counts.score = valid === 0 ? null : Math.round((detected / valid) * 10_000) / 100;
  return counts;
}

function percent(score: number | null): string {
  return score === null ? 'n/a' : `${score.toFixed(2)} %`;
}

/**
 * Reads Stryker's JSON report and summarises it per folder and per file. With `record`, writes
 * bench/results/mutation.json and mutation.md; returns the readable summary either way.
 */
export function writeMutationResults(reportPath: string, minutes: number, record: boolean): string {
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as StrykerReport;
  const files = Object.entries(report.files)
    .map(([path, file]) => ({ path, ...countMutants(file.mutants.map((m) => m.status)) }))
    .sort((a, b) => a.path.localeCompare(b.path));
  const statusesUnder = (folder: string): string[] =>
    Object.entries(report.files)
      .filter(([path]) => path.startsWith(folder))
      .flatMap(([, file]) => file.mutants.map((m) => m.status));
  const results = {
    measuredAt: new Date().toISOString(),
    tool: 'StrykerJS 10 (jest runner, perTest coverage, TypeScript checker)',
    durationMinutes: Math.round(minutes * 10) / 10,
    total: countMutants(Object.values(report.files).flatMap((file) => file.mutants.map((m) => m.status))),
    folders: { 'src/tenancy': countMutants(statusesUnder('src/tenancy/')), 'src/ics': countMutants(statusesUnder('src/ics/')) },
    files,
  };
  const row = (name: string, c: MutationCounts): string =>
    `| ${name} | ${percent(c.score)} | ${c.killed} | ${c.survived} | ${c.timeout} | ${c.noCoverage} | ${c.compileError} | ${c.ignored} |`;
  const markdown = [
    '# Mutation score (src/tenancy, src/ics)',
    '',
    `Measured ${results.measuredAt} with \`npm run mutation\` — ${results.tool}; the run took ${results.durationMinutes} min.`,
    'Score = (killed + timeout) / (killed + timeout + survived + no coverage). Compile errors (mutants',
    'the type checker rejects) and `// Stryker disable` mutants (equivalent, reason beside each) are not counted.',
    '',
    '| scope | score | killed | survived | timeout | no coverage | compile error | ignored |',
    '|---|---|---|---|---|---|---|---|',
    row('**total**', results.total),
    row('src/tenancy', results.folders['src/tenancy']),
    row('src/ics', results.folders['src/ics']),
    ...files.map((file) => row(file.path, file)),
    '',
  ].join('\n');
  if (record) {
    const dir = join(__dirname, '..', '..', 'bench', 'results');
    writeFileSync(join(dir, 'mutation.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(dir, 'mutation.md'), markdown);
  }
  return markdown;
}

if (require.main === module) {
  const [reportPath = 'reports/mutation/mutation.json', minutes = '0'] = process.argv.slice(2);
  process.stdout.write(`${writeMutationResults(reportPath, Number(minutes), true)}\n`);
}
