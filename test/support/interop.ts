/**
 * Whether an outside tool an interop test checks against (Radicale, Python icalendar,
 * zoneinfo) is present. On a developer machine a missing one skips those tests, visibly;
 * with CI=true it fails the run, so that CI can never pass by skipping them.
 */
export function interopToolPresent(name: string, present: boolean, install: string): boolean {
  if (present) return true;
  if (process.env.CI === 'true') {
    throw new Error(`${name} is missing (${install}): with CI=true interop tests fail instead of being skipped`);
  }
  console.warn(`${name} is missing (${install}): the tests that check against it are skipped`);
  return false;
}
