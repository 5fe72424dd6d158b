import { cpus } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** /proc/loadavg's 1, 5 and 15 minute load averages (other engineers share the 2 cores), or null off Linux. */
export function loadAverage(): string | null {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return null;
  }
}

export function machine(): { node: string; cpus: number; cpuModel: string; note: string; loadAverage: string | null } {
  return {
    loadAverage: loadAverage(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    note: `shared, noisy machine: 2 cores used at the same time by other agents (load average at the end of the bench, 1/5/15 min: ${loadAverage() ?? 'unknown'}); figures are one run, compare ratios within the run`,
  };
}

export interface MemoryPeak {
  peakRssBytes: number;
  peakHeapUsedBytes: number;
  /** Heap V8 had reserved and off-heap memory (Buffers, native), at their peaks: what RSS is made of besides code. */
  peakHeapTotalBytes: number;
  peakExternalBytes: number;
  samples: number;
}

/** Samples process.memoryUsage() every `everyMs` while `work` runs; the peaks include the start. */
export async function withMemoryPeak<T>(work: () => Promise<T>, everyMs = 50): Promise<{ value: T; memory: MemoryPeak }> {
  const memory: MemoryPeak = { peakRssBytes: 0, peakHeapUsedBytes: 0, peakHeapTotalBytes: 0, peakExternalBytes: 0, samples: 0 };
  const sample = (): void => {
    const usage = process.memoryUsage();
    memory.peakRssBytes = Math.max(memory.peakRssBytes, usage.rss);
    memory.peakHeapUsedBytes = Math.max(memory.peakHeapUsedBytes, usage.heapUsed);
    memory.peakHeapTotalBytes = Math.max(memory.peakHeapTotalBytes, usage.heapTotal);
    memory.peakExternalBytes = Math.max(memory.peakExternalBytes, usage.external);
    memory.samples++;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  try {
    const value = await work();
    sample();
    return { value, memory };
  } finally {
    clearInterval(timer);
  }
}

export const MB = 1024 * 1024;

export function writeResults(name: string, json: unknown, markdown: string): void {
  // A compiled bench (bench/support/compiled-bench.ts) writes to the sources' results folder.
  const dir = process.env.BENCH_RESULTS_DIR ?? join(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(dir, `${name}.md`), markdown);
}
