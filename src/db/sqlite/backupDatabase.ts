import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export class BackupError extends Error {
  override name = 'BackupError';
}

/**
 * An online copy through SQLite's backup API: consistent even while the bot writes, since pages changed
 * during the copy are copied again. The copy is then opened and checked before it is called a backup.
 */
export async function backupDatabase(sourcePath: string, destinationPath: string): Promise<{ pages: number; schemaVersion: number }> {
  if (!existsSync(sourcePath)) throw new BackupError(`no database at ${sourcePath}`);
  if (existsSync(destinationPath)) throw new BackupError(`${destinationPath} already exists; choose a new file`);
  mkdirSync(dirname(destinationPath), { recursive: true });
  const source = new Database(sourcePath, { fileMustExist: true });
  let pages = 0;
  let schemaVersion: number;
  try {
    source.pragma('busy_timeout = 5000');
    schemaVersion = source.pragma('user_version', { simple: true }) as number;
    const result = await source.backup(destinationPath);
    pages = result.totalPages;
  } finally {
    source.close();
  }
  const copy = new Database(destinationPath, { readonly: true, fileMustExist: true });
  try {
    const integrity = copy.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new BackupError(`the copy failed its integrity check: ${String(integrity)}`);
    const copied = copy.pragma('user_version', { simple: true }) as number;
    if (copied !== schemaVersion) throw new BackupError(`the copy has schema ${copied}, the source ${schemaVersion}`);
  } finally {
    copy.close();
  }
  return { pages, schemaVersion };
}
