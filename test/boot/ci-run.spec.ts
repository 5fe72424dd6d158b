import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '..', '..');

/**
 * Runs the real `.ci/run` with a stand-in `npm` on PATH: `npm test` prints `testOutput` and
 * exits with `testStatus`, `npm run build` (the smoke step's first command) exits with
 * `buildStatus`, and `npm exec -- …` runs the command, so the pinned-Node check stays real.
 */
function runCi(scenario: { testOutput: string; testStatus: number; buildStatus?: number }): { status: number | null; output: string; lastLine: string } {
  const bin = mkdtempSync(join(tmpdir(), 'cb-fake-npm-'));
  writeFileSync(join(bin, 'test-output.txt'), scenario.testOutput);
  writeFileSync(
    join(bin, 'npm'),
    `#!/usr/bin/env bash
case "$1" in
  --version) echo 11.0.0 ;;
  ci) exit 0 ;;
  exec) while [ "$1" != "--" ]; do shift; done; shift; exec "$@" ;;
  test) cat "${bin}/test-output.txt"; exit ${scenario.testStatus} ;;
  run) exit ${scenario.buildStatus ?? 0} ;;
  *) echo "fake npm: unexpected $*" >&2; exit 99 ;;
esac
`,
  );
  chmodSync(join(bin, 'npm'), 0o755);
  const result = spawnSync('bash', [join(ROOT, '.ci/run')], {
    cwd: ROOT,
    env: { PATH: `${bin}:${dirname(process.execPath)}:${process.env.PATH}`, HOME: process.env.HOME },
    encoding: 'utf8',
  });
  const output = `${result.stdout}${result.stderr}`;
  const lines = result.stdout.trimEnd().split('\n');
  return { status: result.status, output, lastLine: lines[lines.length - 1] };
}

describe('.ci/run tells the truth in its closing line', () => {
  it('type checking fails: says so, and never reports "0 passed, 0 failed"', () => {
    const run = runCi({ testOutput: "src/app.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\n", testStatus: 2 });
    expect(run.status).toBe(2);
    expect(run.output).toContain('npm test failed: type checking failed (errors above); no test ran');
    expect(run.lastLine).toBe('tests: 0 passed, 1 failed, 0 skipped');
  });

  it('Jest setup fails before any test: says so', () => {
    const run = runCi({ testOutput: 'Error: Jest: Got error running globalSetup - test/support/global-setup.ts\nconnect ECONNREFUSED 127.0.0.1:5432\n', testStatus: 1 });
    expect(run.status).toBe(1);
    expect(run.output).toContain('npm test failed: Jest did not run the tests (its setup or configuration failed; see above)');
    expect(run.lastLine).toBe('tests: 0 passed, 1 failed, 0 skipped');
  });

  it('a suite that cannot load (e.g. a missing interop tool with CI=true) counts as failed', () => {
    const run = runCi({ testOutput: 'FAIL test/caldav/radicale.spec.ts\nTest Suites: 1 failed, 30 passed, 31 total\nTests:       200 passed, 3 skipped, 203 total\n', testStatus: 1 });
    expect(run.output).toContain('npm test failed: 1 test suite(s) failed');
    expect(run.lastLine).toBe('tests: 200 passed, 1 failed, 3 skipped');
  });

  it('the production smoke step fails after green tests: still a closing line, counting it as a failure', () => {
    const run = runCi({ testOutput: 'Test Suites: 4 passed, 4 total\nTests:       12 passed, 12 total\n', testStatus: 0, buildStatus: 1 });
    expect(run.status).toBe(1);
    expect(run.output).toContain('production smoke test failed (the tests themselves passed)');
    expect(run.lastLine).toBe('tests: 12 passed, 1 failed, 0 skipped');
  });

  it('npm test exiting 0 without a Jest summary is a failure, not "0 passed"', () => {
    const run = runCi({ testOutput: 'something printed, no summary\n', testStatus: 0 });
    expect(run.status).toBe(1);
    expect(run.output).toContain('npm test exited 0 but no test passed (no Jest summary in its output)');
    expect(run.lastLine).toBe('tests: 0 passed, 1 failed, 0 skipped');
  });
});
