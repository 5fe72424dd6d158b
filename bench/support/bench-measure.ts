import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function machine(): { node: string; cpus: number; cpuModel: string; note: string } {
  return {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    note: 'shared, noisy machine: 2 cores used at the same time by other agents; figures are one run, compare ratios within the run',
  };
}

export interface MemoryPeak {
  peakRssBytes: number;
  peakHeapUsedBytes: number;
  samples: number;
}

/** Samples process.memoryUsage() every `everyMs` while `work` runs; the peaks include the start. */
export async function withMemoryPeak<T>(work: () => Promise<T>, everyMs = 50): Promise<{ value: T; memory: MemoryPeak }> {
  const memory: MemoryPeak = { peakRssBytes: 0, peakHeapUsedBytes: 0, samples: 0 };
  const sample = (): void => {
    const usage = process.memoryUsage();
    memory.peakRssBytes = Math.max(memory.peakRssBytes, usage.rss);
    memory.peakHeapUsedBytes = Math.max(memory.peakHeapUsedBytes, usage.heapUsed);
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
  const dir = join(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(dir, `${name}.md`), markdown);
}
