import { runIcsBench, writeIcsResults } from './ics.bench';

/** `npm run bench`: every bench in turn; each writes its figures to bench/results/. */
async function main(): Promise<void> {
  const ics = await runIcsBench();
  writeIcsResults(ics);
  process.stdout.write(
    `ics: ${ics.ics.medianRequestsPerSecond.toFixed(0)} req/s (p99 ${ics.ics.medianP99Ms} ms) vs bare ${ics.bare.medianRequestsPerSecond.toFixed(0)} req/s ` +
      `(p99 ${ics.bare.medianP99Ms} ms): ratio ${(ics.ratio * 100).toFixed(1)} %${ics.meetsTarget ? ' (target ≥ 50 % met)' : ' — below the 50 % target'}\n`,
  );
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
