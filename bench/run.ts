// Each bench is loaded only when it runs: the ICS bench boots the whole application, which the
// Links benches would otherwise carry in their memory figures (about 300 MB of modules and ts-node).
const BENCHES: Record<string, () => Promise<void>> = {
  ics: async () => {
    const { runIcsBench, writeIcsResults } = await import('./ics.bench');
    const ics = await runIcsBench();
    writeIcsResults(ics);
    say(
      `ics: ${ics.ics.medianRequestsPerSecond.toFixed(0)} req/s (p99 ${ics.ics.medianP99Ms} ms) vs bare ${ics.bare.medianRequestsPerSecond.toFixed(0)} req/s ` +
        `(p99 ${ics.bare.medianP99Ms} ms): ratio ${(ics.ratio * 100).toFixed(1)} %${ics.meetsTarget ? ' (target ≥ 50 % met)' : ' — below the 50 % target'}`,
    );
  },
  'links-initial-sync': async () => {
    // Its memory figure is the product's: run from compiled JavaScript, as production runs, not under ts-node.
    if (!process.env.BENCH_COMPILED) {
      const { runCompiledBench } = await import('./support/compiled-bench');
      return runCompiledBench('links-initial-sync');
    }
    const { runLinksInitialSyncBench, writeLinksInitialSyncResults } = await import('./links-initial-sync.bench');
    const result = await runLinksInitialSyncBench();
    writeLinksInitialSyncResults(result);
    for (const run of result.runs) {
      say(
        `links-initial-sync ${run.label}: ${run.sourceEvents} events in ${(run.wallMs / 1000).toFixed(1)} s, peak RSS ${run.memory.peakRssMb} MB, ` +
          `${run.writes} writes (${run.result.failed} failed), Graph HTTP ${run.graphRequestsTotal} (budget ${run.graphRequestBudget})` +
          (run.quotaUtilisation === null ? '' : `, ${run.achievedWritesPerSecond} writes/s = ${(run.quotaUtilisation * 100).toFixed(1)} % of the quota`),
      );
    }
    say(`links-initial-sync targets: ${Object.entries(result.targets).map(([k, v]) => `${k} ${v ? 'met' : 'MISSED'}`).join(', ')}`);
  },
  'links-caldav-vs-vdirsyncer': async () => {
    const { runCaldavVsVdirsyncerBench, writeCaldavVsVdirsyncerResults } = await import('./links-caldav-vs-vdirsyncer.bench');
    const result = await runCaldavVsVdirsyncerBench();
    writeCaldavVsVdirsyncerResults(result);
    say(
      `links-caldav-vs-vdirsyncer: ours ${result.medianMs.ours} ms vs vdirsyncer ${result.medianMs.vdirsyncer} ms (medians): ratio ${result.ratio}` +
        `${result.meetsTarget ? ' (target ≤ 0.5 met)' : ' — above the 0.5 target'}; destinations complete: ${result.allDestinationsComplete}`,
    );
  },
};

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** `npm run bench`: every bench in turn; `npm run bench -- <name>…` runs only those. Each writes its figures to bench/results/. */
async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) throw new Error(`unknown bench ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  for (const name of asked.length > 0 ? asked : Object.keys(BENCHES)) await BENCHES[name]();
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
