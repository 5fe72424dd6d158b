// @ts-check
/**
 * Mutation testing of the two modules whose tests are meant to be exact: `npm run mutation`
 * (scripts/mutation/run.ts prepares the test database, runs Stryker, writes bench/results/mutation.*).
 * Not part of `npm test` or CI: a full run takes tens of minutes on two shared cores.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  packageManager: 'npm',
  mutate: ['src/tenancy/**/*.ts', 'src/ics/**/*.ts', '!src/**/*.spec.ts', '!src/**/*.d.ts'],
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    config: {
      // The tests that exercise these two modules (unit specs beside the code, HTTP-level
      // specs, and the OpenAPI snapshot that pins the DTO decorators).
      testMatch: [
        '<rootDir>/src/tenancy/**/*.spec.ts',
        '<rootDir>/src/ics/**/*.spec.ts',
        '<rootDir>/test/tenancy/**/*.spec.ts',
        '<rootDir>/test/ics/**/*.spec.ts',
        '<rootDir>/test/http/surface-errors.spec.ts',
        '<rootDir>/test/http/openapi.spec.ts',
      ],
      // Stryker calls Jest once per mutant; the migrated template database is made once by
      // scripts/mutation/run.ts instead of once per call (see scripts/mutation/jest-global-setup.js).
      globalSetup: '<rootDir>/scripts/mutation/jest-global-setup.js',
      globalTeardown: undefined,
      maxWorkers: 1,
    },
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
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
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['json', 'html', 'clear-text', 'progress'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  thresholds: { high: 90, low: 85, break: null },
};
