import type { Stores } from '../../src/db/openStores.ts';
import { openDatabase, type Db } from '../../src/db/sqlite/openDatabase.ts';
import { createSqliteStores } from '../../src/db/sqlite/sqliteStores.ts';
import { sqliteTestSql, type TestSql } from './testSql.ts';

/**
 * The engine the store suites, the model test and the chosen e2e tests run on: SQLite unless
 * TEST_DATABASE_URL names a PostgreSQL server (`npm run test:pg`, which .ci/run starts a throwaway
 * cluster for). A separate variable from DATABASE_URL on purpose: these tests create and drop databases.
 */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;
export const testEngine: 'sqlite' | 'postgres' = testDatabaseUrl ? 'postgres' : 'sqlite';
/** The migrated database every test database is copied from; made once per run by test/postgres/globalSetup.ts. */
export const templateDatabase = 'videobot_test_template';
export const testDatabasePrefix = 'videobot_test_';

export interface TestDatabase {
  engine: 'sqlite' | 'postgres';
  stores: Stores;
  sql: TestSql;
  /** SQLite only: the connection under the stores, for the SQLite-specific assertions that remain. */
  sqlite?: Db;
  /** PostgreSQL only: the database's URL, for another "host" (its own pool) or a bot process. */
  url?: string;
  close(): Promise<void>;
}

/**
 * An empty, migrated database on the test engine, with the stores opened on it. SQLite: a new
 * `:memory:` database each time. PostgreSQL: one database per test file, emptied on each call.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  if (!testDatabaseUrl) {
    const db = openDatabase(':memory:');
    return { engine: 'sqlite', stores: createSqliteStores(db), sql: sqliteTestSql(db), sqlite: db, close: async () => void db.close() };
  }
  // Loaded only here, so the SQLite runs never load the PostgreSQL client.
  const { openPostgresTestDatabase } = await import('./postgresTestDatabase.ts');
  return openPostgresTestDatabase(testDatabaseUrl);
}
