/**
 * Jest globalSetup under Stryker: scripts/mutation/run.ts has already built the migrated
 * template database and exported its name, so each of Stryker's many Jest calls reuses it.
 */
module.exports = async function mutationGlobalSetup() {
  if (!process.env.CB_TEST_SERVER_URL || !process.env.CB_TEST_TEMPLATE_DB) {
    throw new Error('run mutation testing through `npm run mutation` (it prepares the test database)');
  }
};
