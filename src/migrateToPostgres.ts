import { existsSync } from 'node:fs';
import { ConfigError, loadDatabaseSettingsFromEnvironment } from './config.ts';
import { CopyError, copyFromSqlite, runningHolder } from './db/postgres/copyFromSqlite.ts';
import { migratePostgres } from './db/postgres/migrations.ts';
import { createPool } from './db/postgres/postgresStores.ts';
import { systemClock } from './clock.ts';
import { openDatabase } from './db/sqlite/openDatabase.ts';

// `npm run migrate-to-postgres`: the SQLite file at DATABASE_PATH into the empty PostgreSQL at DATABASE_URL,
// once, with the bot stopped. The file is left as it is, so the old setup can be started again.
const leaseStaleMs = 60_000;

try {
  const { databasePath, databaseUrl } = loadDatabaseSettingsFromEnvironment();
  if (!databaseUrl) throw new ConfigError(['DATABASE_URL: required here: the PostgreSQL database to copy into (an empty one)']);
  if (databasePath === ':memory:' || !existsSync(databasePath)) throw new CopyError(`no SQLite database at ${databasePath} (DATABASE_PATH)`);
  const source = openDatabase(databasePath);
  const pool = createPool({ databaseUrl, poolSize: 1 });
  try {
    const holder = runningHolder(source, systemClock.now(), leaseStaleMs);
    if (holder) throw new CopyError(`a bot (pid ${holder.pid} on ${holder.host}) still works on ${databasePath}; stop it first`);
    await migratePostgres(pool);
    const report = await copyFromSqlite(source, pool);
    const counts = Object.entries(report.rows).map(([table, n]) => `${table} ${n}`).join(', ');
    process.stdout.write(`copied ${databasePath} into PostgreSQL: ${counts}\n`);
    process.stdout.write(`checked: every table's rows, the ledger of ${report.members} members (${report.ledgerMicros} micro-USD in all) and the kept totals agree\n`);
    process.stdout.write('done: start the bot with DATABASE_URL set; keep the SQLite file as the way back\n');
  } finally {
    source.close();
    await pool.end();
  }
} catch (err) {
  const known = err instanceof CopyError || err instanceof ConfigError;
  process.stderr.write(`migrate-to-postgres failed, nothing was committed: ${known ? err.message : String(err)}\n`);
  process.exit(1);
}
