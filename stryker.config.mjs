// @ts-check
/**
 * Mutation testing of the two modules whose tests are meant to be exact: `npm run mutation`
 * (scripts/mutation/run.ts prepares the test database, runs Stryker, writes bench/results/mutation.*).
 * Not part of `npm test` or CI: a full run takes tens of minutes on two shared cores.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
/**
 * Each folder is run with the tests written for it (MUTATION_SCOPE=tenancy|ics, set by
 * `npm run mutation -- tenancy`): every test file that boots the app also covers the guards,
 * and running all of them per mutant made one folder take hours on two shared cores.
 */
const SCOPES = {
  tenancy: { mutate: ['src/tenancy/**/*.ts'], unit: ['<rootDir>/src/tenancy/**/*.spec.ts'], http: ['<rootDir>/test/tenancy/**/*.spec.ts'] },
  ics: { mutate: ['src/ics/**/*.ts'], unit: ['<rootDir>/src/ics/**/*.spec.ts'], http: ['<rootDir>/test/ics/**/*.spec.ts'] },
};
/**
 * MUTATION_TESTS=unit runs only the specs beside the code (no database, no app boot): a
 * lower bound of the score, in minutes instead of hours. Each app-booting test file costs
 * seconds per mutant, and code on the request path (guards, validator) is covered by all of them.
 */
const unitOnly = process.env.MUTATION_TESTS === 'unit';
const scopes = process.env.MUTATION_SCOPE ? [SCOPES[process.env.MUTATION_SCOPE]] : Object.values(SCOPES);
if (scopes.includes(undefined)) throw new Error(`MUTATION_SCOPE must be one of ${Object.keys(SCOPES).join(', ')}`);

export default {
  packageManager: 'npm',
  mutate: [...scopes.flatMap((scope) => scope.mutate), '!src/**/*.spec.ts', '!src/**/*.d.ts'],
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    config: {
      testMatch: scopes.flatMap((scope) => (unitOnly ? scope.unit : [...scope.unit, ...scope.http])),
      // Stryker calls Jest once per mutant; the migrated template database is made once by
      // scripts/mutation/run.ts instead of once per call (see scripts/mutation/jest-global-setup.js).
      globalSetup: '<rootDir>/scripts/mutation/jest-global-setup.js',
      globalTeardown: undefined,
      maxWorkers: 1,
    },
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
  // Static mutants (decorator arguments, module-level constants) change what every test sees,
  // so each one reruns the whole selection (a 2.5-minute Jest run): half of the mutants took
  // 96 % of the time. They are left out and reported as "ignored" (see bench/results/mutation.md).
  ignoreStatic: true,
  // The TypeScript checker spends minutes starting on a loaded machine and holds one of the two
  // slots; MUTATION_TYPECHECK=0 leaves it out (mutants that would not compile then run as SWC emits them).
  checkers: process.env.MUTATION_TYPECHECK === '0' ? [] : ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // Two cores shared with other work.
  concurrency: 2,
  timeoutMS: 30000,
  timeoutFactor: 2,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  incremental: true,
  incrementalFile: `reports/stryker-incremental-${process.env.MUTATION_SCOPE ?? 'all'}${unitOnly ? '-unit' : ''}.json`,
  reporters: ['json', 'html', 'clear-text', 'progress'],
  jsonReporter: { fileName: `reports/mutation/${process.env.MUTATION_SCOPE ?? 'all'}${unitOnly ? '-unit' : ''}.json` },
  htmlReporter: { fileName: `reports/mutation/${process.env.MUTATION_SCOPE ?? 'all'}${unitOnly ? '-unit' : ''}.html` },
  thresholds: { high: 90, low: 85, break: null },
};
