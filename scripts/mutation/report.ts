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
  /** Not yet tested: only in the report of an interrupted run (Stryker's incremental file). */
  pending: number;
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
  Pending: 'pending',
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
    pending: 0,
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

interface FolderResult extends MutationCounts {
  measuredAt: string;
  /** Which tests ran against the mutants: the unit specs alone give a lower bound of the score. */
  tests: string;
  durationMinutes: number;
}

interface FileResult extends MutationCounts {
  path: string;
}

interface RecordedResults {
  tool: string;
  total: MutationCounts;
  folders: Record<string, FolderResult>;
  files: FileResult[];
}

const FOLDERS = ['src/tenancy', 'src/ics'];
const RESULTS_DIR = join(__dirname, '..', '..', 'bench', 'results');
/** How the run was made, from the same variables stryker.config.mjs reads. */
function toolDescription(): string {
  const checker = process.env.MUTATION_TYPECHECK === '0' ? 'no type checker (MUTATION_TYPECHECK=0)' : 'TypeScript checker';
  return `StrykerJS 10 (jest runner, perTest coverage, ${checker}, static mutants ignored)`;
}

/** mutation.md keeps its hand-written notes: everything from this heading on survives a rewrite. */
const NOTES_HEADING = '## Reading these figures';

/**
 * Reads Stryker's JSON report and summarises it per folder and per file. With `record`, the
 * folders this run mutated replace theirs in bench/results/mutation.json (a folder run on its
 * own keeps the other folder's figures) and mutation.md is rewritten; returns the summary.
 */
export function writeMutationResults(reportPath: string, minutes: number, record: boolean): string {
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as StrykerReport;
  const measuredAt = new Date().toISOString();
  const statusesOf = (path: string): string[] => report.files[path].mutants.map((m) => m.status);
  const runFolders = FOLDERS.filter((folder) => Object.keys(report.files).some((path) => path.startsWith(`${folder}/`)));
  const previous = record ? readPrevious() : undefined;
  const keptFiles = (previous?.files ?? []).filter((file) => !runFolders.some((folder) => file.path.startsWith(`${folder}/`)));
  const files = [...keptFiles, ...Object.keys(report.files).map((path) => ({ path, ...countMutants(statusesOf(path)) }))].sort((a, b) =>
    a.path.localeCompare(b.path),
  );
  const folders: Record<string, FolderResult> = { ...(previous?.folders ?? {}) };
  for (const folder of runFolders) {
    const statuses = Object.keys(report.files)
      .filter((path) => path.startsWith(`${folder}/`))
      .flatMap(statusesOf);
    const tests = process.env.MUTATION_TESTS === 'unit' ? `${folder}/**/*.spec.ts only (lower bound)` : `${folder}/**/*.spec.ts and test/${folder.slice(4)}/**`;
    folders[folder] = { measuredAt, tests, durationMinutes: Math.round(minutes * 10) / 10, ...countMutants(statuses) };
  }
  const total = sumCounts(Object.values(folders));
  const results: RecordedResults = { tool: toolDescription(), total, folders, files };
  const markdown = toMarkdown(results);
  if (record) {
    const notes = readNotes();
    writeFileSync(join(RESULTS_DIR, 'mutation.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(RESULTS_DIR, 'mutation.md'), notes ? `${markdown}\n${notes}` : markdown);
  }
  return markdown;
}

function readNotes(): string | undefined {
  try {
    const text = readFileSync(join(RESULTS_DIR, 'mutation.md'), 'utf8');
    const at = text.indexOf(NOTES_HEADING);
    return at < 0 ? undefined : text.slice(at);
  } catch {
    return undefined;
  }
}

function readPrevious(): RecordedResults | undefined {
  try {
    return JSON.parse(readFileSync(join(RESULTS_DIR, 'mutation.json'), 'utf8')) as RecordedResults;
  } catch {
    return undefined;
  }
}

function sumCounts(parts: MutationCounts[]): MutationCounts {
  const sum = countMutants([]);
  for (const part of parts) {
    for (const field of ['mutants', ...Object.values(STATUS_FIELDS)] as const) sum[field] += part[field];
  }
  const detected = sum.killed + sum.timeout;
  const valid = detected + sum.survived + sum.noCoverage;
  sum.score = valid === 0 ? null : Math.round((detected / valid) * 10_000) / 100;
  return sum;
}

function toMarkdown(results: RecordedResults): string {
  const row = (name: string, c: MutationCounts): string =>
    `| ${name} | ${percent(c.score)} | ${c.killed} | ${c.survived} | ${c.timeout} | ${c.noCoverage} | ${c.compileError + c.runtimeError} | ${c.ignored} | ${c.pending} |`;
  return [
    '# Mutation score (src/tenancy, src/ics)',
    '',
    `Measured with \`npm run mutation -- <folder>\` — ${results.tool}.`,
    'Score = (killed + timeout) / (killed + timeout + survived + no coverage). Compile errors (mutants the',
    'type checker rejects), static mutants (decorator arguments and module-level constants: each would rerun',
    'every test) and `// Stryker disable` mutants (equivalent, reason beside each) are not counted ("ignored").',
    '"Not yet tested" is non-zero when the figures come from an interrupted run (its incremental file): the',
    'score then covers the tested mutants only.',
    '',
    '| folder | tests run against the mutants | measured | run time |',
    '|---|---|---|---|',
    ...Object.entries(results.folders).map(([folder, f]) => `| ${folder} | ${f.tests} | ${f.measuredAt} | ${f.durationMinutes} min |`),
    '',
    '| scope | score | killed | survived | timeout | no coverage | compile/runtime error | ignored | not yet tested |',
    '|---|---|---|---|---|---|---|---|---|',
    row('**total**', results.total),
    ...Object.entries(results.folders).map(([folder, f]) => row(folder, f)),
    ...results.files.map((file) => row(file.path, file)),
    '',
  ].join('\n');
}

if (require.main === module) {
  const [reportPath = 'reports/mutation/all.json', minutes = '0'] = process.argv.slice(2);
  process.stdout.write(`${writeMutationResults(reportPath, Number(minutes), true)}\n`);
}
