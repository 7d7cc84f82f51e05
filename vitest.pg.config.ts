import { defineConfig } from 'vitest/config';

/**
 * `npm run test:pg`: the suites that must hold on PostgreSQL too, against the server TEST_DATABASE_URL
 * names (.ci/run starts a throwaway one). The store suites, the model test and the chosen e2e tests
 * are the same files `npm test` runs on SQLite; test/postgres/ holds what only PostgreSQL has.
 */
export const postgresSuites = [
  'test/unit/jobStore.test.ts',
  'test/unit/retention.test.ts',
  'test/unit/budgetPeriods.test.ts',
  'test/unit/spendCharts.test.ts',
  'test/unit/usageReports.test.ts',
  'test/unit/operationsQueries.test.ts',
  'test/unit/groupCommit.test.ts',
  'test/unit/dailySpendTotals.test.ts',
  'test/unit/referenceImages.test.ts',
  'test/unit/retentionReferenceImages.test.ts',
  'test/unit/priceDrift.test.ts',
  'test/model/jobModel.test.ts',
  'test/e2e/videoCommand.e2e.test.ts',
  'test/e2e/budgets.e2e.test.ts',
  'test/e2e/providerPush.e2e.test.ts',
  'test/e2e/priceDrift.e2e.test.ts',
  'test/e2e/referenceImageRetry.e2e.test.ts',
  'test/postgres/**/*.test.ts',
];

export default defineConfig({
  test: {
    include: postgresSuites,
    globalSetup: ['test/postgres/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
