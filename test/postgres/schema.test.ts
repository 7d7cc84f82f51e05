import { afterEach, describe, expect, it } from 'vitest';
import { migratePostgres, postgresMigrations } from '../../src/db/postgres/migrations.ts';
import { createPool } from '../../src/db/postgres/postgresStores.ts';
import { openDatabase } from '../../src/db/sqlite/openDatabase.ts';
import { createPostgresTestDatabase } from '../support/postgresTestDatabase.ts';
import { testDatabaseUrl } from '../support/testDatabase.ts';

const pools: ReturnType<typeof createPool>[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.end();
});

/** A pool on a database of its own (a copy of the migrated template of test/postgres/globalSetup.ts). */
async function emptyDatabasePool(): Promise<ReturnType<typeof createPool>> {
  const url = await createPostgresTestDatabase(testDatabaseUrl as string);
  const pool = createPool({ databaseUrl: url, poolSize: 4 });
  pools.push(pool);
  return pool;
}

describe('the PostgreSQL schema', () => {
  it('is applied once when several processes start together, and a newer schema is refused', async () => {
    const pool = await emptyDatabasePool();
    await pool.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    await Promise.all([migratePostgres(pool), migratePostgres(pool), migratePostgres(pool)]);
    expect((await pool.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version)).toEqual(postgresMigrations.map((_, i) => i + 1));
    await expect(migratePostgres(pool, postgresMigrations.slice(0, -1)))
      .rejects.toThrow(/schema version \d+ is newer than this bot/);
  });

  it('answers bigint and numeric sums as numbers, and as exact BigInts past 2^53', async () => {
    const pool = await emptyDatabasePool();
    const row = (await pool.query("SELECT 9007199254740991::bigint AS max, SUM(x) AS total, 9007199254740993::bigint AS past FROM (VALUES (1::bigint), (2::bigint)) v (x)")).rows[0];
    expect(row).toEqual({ max: Number.MAX_SAFE_INTEGER, total: 3, past: 9_007_199_254_740_993n });
  });

  it('keeps the CHECKs of the SQLite schema: an unknown status, a negative estimate and a second outcome are refused', async () => {
    const pool = await emptyDatabasePool();
    await pool.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    await migratePostgres(pool);
    const insert = (status: string, estimate: number) => pool.query(
      `INSERT INTO jobs (origin_key, guild_id, channel_id, user_id, locale, application_id, interaction_at, attachment_size_limit, status,
         prompt, model, duration_sec, aspect_ratio, request_json, estimate_micros, idempotency_key, created_at, updated_at)
       VALUES (gen_random_uuid()::text, '1', '2', 'u', 'en-US', '3', 0, 1, $1, 'p', 'm', 4, 'landscape', '{}', $2, gen_random_uuid()::text, 0, 0) RETURNING id`,
      [status, estimate]);
    await expect(insert('lost', 1)).rejects.toThrow(/jobs_status_check/);
    await expect(insert('queued', -1)).rejects.toThrow(/jobs_estimate_micros_check/);
    const id = (await insert('queued', 5)).rows[0].id as number;
    await pool.query("INSERT INTO ledger (job_id, user_id, guild_id, kind, amount_micros, period_at, created_at) VALUES ($1, 'u', '1', 'settle', 0, 0, 0)", [id]);
    await expect(pool.query("INSERT INTO ledger (job_id, user_id, guild_id, kind, amount_micros, period_at, created_at) VALUES ($1, 'u', '1', 'release', -5, 0, 0)", [id]))
      .rejects.toThrow(/ledger_one_outcome/);
  });

  it('has every table and column of the SQLite schema, so a migration added to one engine alone is caught', async () => {
    const sqlite = openDatabase(':memory:');
    // instance_lease is SQLite's single-process lease; PostgreSQL's processes hold shard leases by session lock.
    const tables = sqlite.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'instance_lease' ORDER BY name")
      .pluck().all() as string[];
    const sqliteColumns = tables.flatMap((table) =>
      (sqlite.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => `${table}.${c.name}`));
    sqlite.close();
    const pool = await emptyDatabasePool();
    const postgresColumns = new Set((await pool.query<{ name: string }>(
      "SELECT table_name || '.' || column_name AS name FROM information_schema.columns WHERE table_schema = 'public'")).rows.map((r) => r.name));
    expect(sqliteColumns.filter((column) => !postgresColumns.has(column))).toEqual([]);
  });
});
