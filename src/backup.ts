import { join } from 'node:path';
import { loadDatabasePathFromEnvironment } from './config.ts';
import { BackupError, backupDatabase } from './db/sqlite/backupDatabase.ts';

// `npm run backup [path]`: safe while the bot runs. Without a path, a timestamped file beside the database.
const source = loadDatabasePathFromEnvironment();
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const destination = process.argv[2] ?? join(source === ':memory:' ? '.' : join(source, '..'), 'backups', `bot-${stamp}.db`);

try {
  const { pages, schemaVersion, method } = await backupDatabase(source, destination);
  process.stdout.write(`backup written to ${destination} (${pages} pages, schema ${schemaVersion}, ${method}, integrity ok)\n`);
} catch (err) {
  process.stderr.write(`backup failed: ${err instanceof BackupError ? err.message : String(err)}\n`);
  process.exit(1);
}
