import { Controller, Get, Header, Module } from '@nestjs/common';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { SEED_EXAMPLE } from '../src/ics/dto/create-calendar.dto';
import { bootBenchApp, createBenchTenantKey } from './support/boot';

/** What autocannon's programmatic API gives back (the fields we read). */
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
// autocannon ships no TypeScript types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

export interface RoundFigures {
  round: number;
  target: 'ics' | 'bare';
  requestsPerSecond: number;
  p99Ms: number;
  meanLatencyMs: number;
  requests: number;
  non2xx: number;
  errors: number;
}

export interface IcsBenchResult {
  name: 'ics';
  date: string;
  machine: { node: string; cpus: number; cpuModel: string };
  settings: { connections: number; durationSeconds: number; rounds: number; warmupSeconds: number };
  rounds: RoundFigures[];
  ics: { medianRequestsPerSecond: number; medianP99Ms: number };
  bare: { medianRequestsPerSecond: number; medianP99Ms: number };
  /** ICS throughput as a fraction of the bare route's. Target: at least 0.5. */
  ratio: number;
  meetsTarget: boolean;
}

export const BARE_BODY = 'x'.repeat(300);

/** The baseline: a Nest controller behind the same middleware, guards and filters, doing nothing. */
@Controller('bench')
class BareController {
  @Get('bare')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  bare(): string {
    return BARE_BODY;
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

const CONNECTIONS = 50;

function setting(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * POST /ics (the seed example, a real tenant key) against a bare route of the same app,
 * alternating A/B so that drift (JIT warm-up, Postgres caches, thermal) hits both alike.
 */
export async function runIcsBench(): Promise<IcsBenchResult> {
  const durationSeconds = setting('BENCH_DURATION_SECONDS', 5);
  const rounds = setting('BENCH_ROUNDS', 3);
  const warmupSeconds = setting('BENCH_WARMUP_SECONDS', 2);
  const bench = await bootBenchApp([BareModule]);
  try {
    const apiKey = await createBenchTenantKey(bench.baseUrl, bench.config.adminToken);
    const targets = {
      ics: {
        url: `${bench.baseUrl}/ics`,
        method: 'POST',
        headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
        body: JSON.stringify(SEED_EXAMPLE),
      },
      bare: { url: `${bench.baseUrl}/bench/bare`, method: 'GET' },
    } as const;
    await checkTargets(targets.ics, targets.bare);
    for (const target of [targets.ics, targets.bare]) await load(target, warmupSeconds);
    const figures: RoundFigures[] = [];
    for (let round = 1; round <= rounds; round++) {
      for (const name of ['ics', 'bare'] as const) figures.push(toFigures(round, name, await load(targets[name], durationSeconds)));
    }
    return summarise(figures, { connections: CONNECTIONS, durationSeconds, rounds, warmupSeconds });
  } finally {
    await bench.close();
  }
}

async function load(target: Record<string, unknown>, seconds: number): Promise<AutocannonResult> {
  // One worker thread: the load generator does not share the server's event loop.
  return autocannon({ ...target, connections: CONNECTIONS, duration: seconds, workers: 1 });
}

/** Fails fast if a target does not answer what it should (a bench of 401s proves nothing). */
async function checkTargets(ics: { url: string; method: string; headers: Record<string, string>; body: string }, bare: { url: string }): Promise<void> {
  const icsResponse = await fetch(ics.url, { method: ics.method, headers: ics.headers, body: ics.body });
  const text = await icsResponse.text();
  if (icsResponse.status !== 200 || !text.includes('DTSTART:20211217T163000Z')) throw new Error(`POST /ics answered ${icsResponse.status}: ${text}`);
  const bareResponse = await fetch(bare.url);
  const bareText = await bareResponse.text();
  if (bareResponse.status !== 200 || bareText !== BARE_BODY) throw new Error(`bare route answered ${bareResponse.status}`);
}

function toFigures(round: number, target: RoundFigures['target'], result: AutocannonResult): RoundFigures {
  return {
    round,
    target,
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    meanLatencyMs: result.latency.average,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function summarise(rounds: RoundFigures[], settings: IcsBenchResult['settings']): IcsBenchResult {
  const of = (target: RoundFigures['target']) => {
    const mine = rounds.filter((r) => r.target === target);
    return { medianRequestsPerSecond: median(mine.map((r) => r.requestsPerSecond)), medianP99Ms: median(mine.map((r) => r.p99Ms)) };
  };
  const ics = of('ics');
  const bare = of('bare');
  const ratio = Math.round((ics.medianRequestsPerSecond / bare.medianRequestsPerSecond) * 1000) / 1000;
  return {
    name: 'ics',
    date: new Date().toISOString(),
    machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' },
    settings,
    rounds,
    ics,
    bare,
    ratio,
    meetsTarget: ratio >= 0.5,
  };
}

export function writeIcsResults(result: IcsBenchResult, directory = join(__dirname, 'results')): void {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'ics.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(directory, 'ics.md'), icsMarkdown(result));
}

function icsMarkdown(result: IcsBenchResult): string {
  const s = result.settings;
  const lines = [
    '# ICS bench — POST /ics vs a bare route of the same app',
    '',
    `${result.date} · Node ${result.machine.node} · ${result.machine.cpus} × ${result.machine.cpuModel}`,
    `autocannon, ${s.connections} connections, ${s.rounds} alternating rounds × ${s.durationSeconds} s per target (after ${s.warmupSeconds} s warm-up each).`,
    'POST /ics sends the seed example with a real tenant key (authenticated as in production: ApiKeyCache, evicted on revoke); the bare route is a Nest controller returning a fixed 300-byte string through the same middleware, guards and filters.',
    '',
    '| target | median req/s | median p99 (ms) |',
    '|---|---:|---:|',
    `| POST /ics | ${result.ics.medianRequestsPerSecond.toFixed(0)} | ${result.ics.medianP99Ms} |`,
    `| GET /bench/bare | ${result.bare.medianRequestsPerSecond.toFixed(0)} | ${result.bare.medianP99Ms} |`,
    '',
    `**ICS / bare throughput: ${(result.ratio * 100).toFixed(1)} %** (target ≥ 50 %: ${result.meetsTarget ? 'met' : 'NOT met'}).`,
    '',
    '| round | target | req/s | p99 (ms) | mean (ms) | requests | non-2xx | errors |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
    ...result.rounds.map((r) => `| ${r.round} | ${r.target} | ${r.requestsPerSecond.toFixed(0)} | ${r.p99Ms} | ${r.meanLatencyMs.toFixed(2)} | ${r.requests} | ${r.non2xx} | ${r.errors} |`),
    '',
  ];
  return lines.join('\n');
}
