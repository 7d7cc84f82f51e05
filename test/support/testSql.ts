import type Database from 'better-sqlite3';
import type pg from 'pg';

/**
 * Raw SQL for tests that assert on tables, the same on both engines: `?` placeholders, answers as
 * plain rows. Only tests use it; the bot itself reaches its tables through the stores.
 */
export interface TestSql {
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  get<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T | undefined>;
  /** The first column of the first row. */
  value<T = unknown>(sql: string, ...params: unknown[]): Promise<T>;
  run(sql: string, ...params: unknown[]): Promise<void>;
}

export function sqliteTestSql(db: Database.Database): TestSql {
  return {
    all: async <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[],
    get: async <T>(sql: string, ...params: unknown[]) => db.prepare(sql).get(...params) as T | undefined,
    value: async <T>(sql: string, ...params: unknown[]) => db.prepare(sql).pluck().get(...params) as T,
    run: async (sql: string, ...params: unknown[]) => void db.prepare(sql).run(...params),
  };
}

/** `?` becomes `$1`, `$2`, …: the test statements hold no other question marks. */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

export function postgresTestSql(pool: Pick<pg.Pool, 'query'>): TestSql {
  const all = async <T>(sql: string, ...params: unknown[]) => (await pool.query(numbered(sql), params)).rows as T[];
  return {
    all,
    get: async <T>(sql: string, ...params: unknown[]) => (await all<T>(sql, ...params))[0],
    value: async <T>(sql: string, ...params: unknown[]) => {
      const result = await pool.query({ text: numbered(sql), values: params, rowMode: 'array' });
      return (result.rows[0] as unknown[] | undefined)?.[0] as T;
    },
    run: async (sql: string, ...params: unknown[]) => void await pool.query(numbered(sql), params),
  };
}
