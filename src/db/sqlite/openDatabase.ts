import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations.ts';

export type Db = Database.Database;

export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL: a committed ledger row survives power loss, not only a process crash.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // Freed space is overwritten with zeros: a prompt erased by RETENTION_DAYS (or any earlier version of
  // a row) must not linger in free pages or cells. Rows are rarely deleted here, so it costs little.
  db.pragma('secure_delete = ON');
  migrate(db);
  return db;
}
