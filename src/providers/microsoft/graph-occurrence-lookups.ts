export const DAY_MS = 86_400_000;
/** Graph series repeat at most daily, so a span of LOOKUP_SPAN_DAYS (+ a day each side) holds fewer instances than one page. */
const LOOKUP_SPAN_DAYS = 28;
export const INSTANCES_PAGE = 50;

interface OccurrenceLookup {
  seriesId: string;
  fromMs: number;
  toMs: number;
  /** Indexes of the targets this lookup answers. */
  targets: number[];
}

/** One /instances window per series and run of starts no more than LOOKUP_SPAN_DAYS apart. */
export function groupOccurrenceLookups(targets: { seriesId: string; ms: number }[]): OccurrenceLookup[] {
  const order = targets.map((_, i) => i).sort((a, b) => (targets[a].seriesId < targets[b].seriesId ? -1 : targets[a].seriesId > targets[b].seriesId ? 1 : targets[a].ms - targets[b].ms));
  const lookups: OccurrenceLookup[] = [];
  for (const i of order) {
    const { seriesId, ms } = targets[i];
    const last = lookups[lookups.length - 1];
    if (last && last.seriesId === seriesId && ms - last.fromMs <= LOOKUP_SPAN_DAYS * DAY_MS) {
      last.toMs = ms;
      last.targets.push(i);
    } else lookups.push({ seriesId, fromMs: ms, toMs: ms, targets: [i] });
  }
  return lookups;
}
