import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool, createPostgresStores } from '../../src/db/postgres/postgresStores.ts';
import { templateDatabase, testDatabasePrefix, type TestDatabase } from './testDatabase.ts';
import { postgresTestSql } from './testSql.ts';

/** The URL of the same server with another database name. */
export function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A new, migrated, empty PostgreSQL database of its own (dropped at the end of the run). */
export async function createPostgresTestDatabase(testDatabaseUrl: string): Promise<string> {
  const name = `${testDatabasePrefix}${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${templateDatabase}`);
  } finally {
    await admin.end();
  }
  return databaseUrl(testDatabaseUrl, name);
}

let fileDatabase: Promise<string> | undefined;

/** Empties every table of the database (the schema stays) and puts the single-row tables back as migrated. */
async function emptyDatabase(pool: pg.Pool): Promise<void> {
  const tables = (await pool.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'
       AND tablename NOT IN ('schema_migrations', 'provider_slots', 'provider_state', 'queue_length')`)).rows.map((r) => r.name);
  await pool.query(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY CASCADE;
    UPDATE provider_slots SET used = 0; UPDATE provider_state SET hold_until = 0, unavailable_reason = NULL; UPDATE queue_length SET queued = 0;
    SELECT setval('shard_lease_epoch', 1, false)`);
}

/** One database per test file, emptied each time a test opens it. */
export async function openPostgresTestDatabase(testDatabaseUrl: string): Promise<TestDatabase> {
  fileDatabase ??= createPostgresTestDatabase(testDatabaseUrl);
  const url = await fileDatabase;
  const pool = createPool({ databaseUrl: url, poolSize: 6 });
  await emptyDatabase(pool);
  return { engine: 'postgres', stores: createPostgresStores(pool, url), sql: postgresTestSql(pool), url, close: () => pool.end() };
}

/** The stores of another process on the same database: its own pool, lease fence and connections. */
export function openAnotherHost(url: string, poolSize = 6) {
  const pool = createPool({ databaseUrl: url, poolSize });
  return { stores: createPostgresStores(pool, url), sql: postgresTestSql(pool), close: () => pool.end() };
}
