import { join } from 'node:path';
import { ConfigError, loadDatabaseSettingsFromEnvironment } from './config.ts';
import { backupPostgres, PostgresBackupError } from './db/postgres/backupPostgres.ts';
import { BackupError, backupDatabase } from './db/sqlite/backupDatabase.ts';

// `npm run backup [path]`: safe while the bot runs. Without a path, a timestamped file beside the database
// (SQLite) or in ./backups (PostgreSQL).
const stamp = new Date().toISOString().replace(/[:.]/g, '-');

try {
  const { databasePath, databaseUrl, childEnv } = loadDatabaseSettingsFromEnvironment();
  if (databaseUrl) {
    const destination = process.argv[2] ?? join('backups', `bot-${stamp}.dump`);
    const { bytes, entries } = await backupPostgres(databaseUrl, destination, childEnv);
    process.stdout.write(`backup written to ${destination} (pg_dump custom format, ${bytes} bytes, ${entries} tables read back)\n`);
  } else {
    const destination = process.argv[2] ?? join(databasePath === ':memory:' ? '.' : join(databasePath, '..'), 'backups', `bot-${stamp}.db`);
    const { pages, schemaVersion, method } = await backupDatabase(databasePath, destination);
    process.stdout.write(`backup written to ${destination} (${pages} pages, schema ${schemaVersion}, ${method}, integrity ok)\n`);
  }
} catch (err) {
  const known = err instanceof BackupError || err instanceof PostgresBackupError || err instanceof ConfigError;
  process.stderr.write(`backup failed: ${known ? err.message : String(err)}\n`);
  process.exit(1);
}
