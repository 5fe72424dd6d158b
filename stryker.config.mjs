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
  tenancy: { mutate: ['src/tenancy/**/*.ts'], tests: ['<rootDir>/src/tenancy/**/*.spec.ts', '<rootDir>/test/tenancy/**/*.spec.ts'] },
  ics: { mutate: ['src/ics/**/*.ts'], tests: ['<rootDir>/src/ics/**/*.spec.ts', '<rootDir>/test/ics/**/*.spec.ts'] },
};
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
      testMatch: scopes.flatMap((scope) => scope.tests),
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
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // Two cores shared with other work.
  concurrency: 2,
  timeoutMS: 30000,
  timeoutFactor: 2,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  incremental: true,
  incrementalFile: `reports/stryker-incremental${process.env.MUTATION_SCOPE ? `-${process.env.MUTATION_SCOPE}` : ''}.json`,
  reporters: ['json', 'html', 'clear-text', 'progress'],
  jsonReporter: { fileName: `reports/mutation/${process.env.MUTATION_SCOPE ?? 'all'}.json` },
  htmlReporter: { fileName: `reports/mutation/${process.env.MUTATION_SCOPE ?? 'all'}.html` },
  thresholds: { high: 90, low: 85, break: null },
};
