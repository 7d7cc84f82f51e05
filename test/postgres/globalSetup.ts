import pg from 'pg';
import { migratePostgres } from '../../src/db/postgres/migrations.ts';
import { createPool } from '../../src/db/postgres/postgresStores.ts';
import { databaseUrl } from '../support/postgresTestDatabase.ts';
import { templateDatabase, testDatabasePrefix } from '../support/testDatabase.ts';

async function withAdmin<T>(url: string, body: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    return await body(admin);
  } finally {
    await admin.end();
  }
}

async function dropTestDatabases(admin: pg.Client): Promise<void> {
  const names = (await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${testDatabasePrefix}%`])).rows;
  for (const { datname } of names) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
}

/** Once per `npm run test:pg`: a migrated template every test database is copied from; all of them dropped at the end. */
export async function setup(): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('npm run test:pg needs TEST_DATABASE_URL (a PostgreSQL server the tests may create databases on)');
  await withAdmin(url, async (admin) => {
    await dropTestDatabases(admin);
    await admin.query(`DROP DATABASE IF EXISTS ${templateDatabase} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${templateDatabase}`);
  });
  const pool = createPool({ databaseUrl: databaseUrl(url, templateDatabase), poolSize: 1 });
  try {
    await migratePostgres(pool);
  } finally {
    await pool.end();
  }
  return () => withAdmin(url, async (admin) => {
    await dropTestDatabases(admin);
    await admin.query(`DROP DATABASE IF EXISTS ${templateDatabase} WITH (FORCE)`);
  });
}
