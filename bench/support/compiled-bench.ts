import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { transformFileSync } from '@swc/core';

const ROOT = join(__dirname, '..', '..');
/** Under dist/ (ignored by git), so that node_modules resolves from the worktree as for `nest build` output. */
const OUT = join(ROOT, 'dist', 'bench-build');
const SOURCES = ['src', 'bench', 'migrations', join('test', 'support')];

/**
 * Production runs compiled JavaScript (`nest build`, `node dist/src/main.js`), not ts-node, whose
 * TypeScript compiler and loader add about 90 MB to a process (measured: a bare `ts-node --swc`
 * process 136 MB RSS, bare node 45 MB). A bench that reports the product's memory runs the
 * compiled code: the sources are transpiled with swc and the project's .swcrc (the loader
 * `npm start` uses), specs left out, and the bench is run from there by plain node.
 */
export function compileForBench(): string {
  rmSync(OUT, { recursive: true, force: true });
  for (const source of SOURCES) compileDirectory(join(ROOT, source));
  return OUT;
}

function compileDirectory(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      compileDirectory(path);
      continue;
    }
    const target = join(OUT, relative(ROOT, path));
    if (entry.name.endsWith('.json')) {
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(path, target);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts')) {
      const { code } = transformFileSync(path, { cwd: ROOT, swcrc: true, sourceMaps: false, filename: path });
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target.replace(/\.ts$/, '.js'), code);
    }
  }
}

/**
 * The V8 flags production runs with (Dockerfile, `npm run start:prod`): a 16 MB semi-space caps
 * the young generation, which otherwise grows to ~128 MB under a sync's allocation rate
 * (docs/decisions.md). The bench measures the process as production runs it.
 */
const PRODUCTION_NODE_FLAGS = ['--max-semi-space-size=16'];

/** Runs `npm run bench -- <name>` from the compiled tree with plain node; its results go to bench/results as usual. */
export function runCompiledBench(name: string): Promise<void> {
  const out = compileForBench();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', ...PRODUCTION_NODE_FLAGS, join(out, 'bench', 'run.js'), name], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_COMPILED: '1', BENCH_RESULTS_DIR: join(ROOT, 'bench', 'results') },
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`compiled bench ${name} exited ${code}`))));
  });
}
