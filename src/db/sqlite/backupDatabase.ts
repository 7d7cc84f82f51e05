import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export class BackupError extends Error {
  override name = 'BackupError';
}

class TooManyRestarts extends Error {}

export interface BackupOptions {
  /** Pages copied per step of the online backup; SQLite's own default (100) never finishes under steady writes. */
  stepPages?: number;
  /** Restarts of the online backup (another connection wrote between two steps) before VACUUM INTO takes over. */
  maxRestarts?: number;
}

export interface BackupResult {
  pages: number;
  schemaVersion: number;
  method: 'online backup' | 'VACUUM INTO';
  restarts: number;
}

// 4 MB at SQLite's default page size: a few steps for a large database, each short enough for writers.
const defaultStepPages = 1_024;
const defaultMaxRestarts = 3;

/**
 * A copy taken while the bot runs, then opened and checked before it is called a backup. SQLite's
 * online backup starts over whenever another connection writes between two of its steps, so it copies
 * in large steps; past a few restarts `VACUUM INTO` copies from one read snapshot instead (it never
 * restarts, and in WAL mode writers go on meanwhile).
 */
export async function backupDatabase(sourcePath: string, destinationPath: string, options: BackupOptions = {}): Promise<BackupResult> {
  if (!existsSync(sourcePath)) throw new BackupError(`no database at ${sourcePath}`);
  if (existsSync(destinationPath)) throw new BackupError(`${destinationPath} already exists; choose a new file`);
  mkdirSync(dirname(destinationPath), { recursive: true });
  const source = new Database(sourcePath, { fileMustExist: true });
  let result: BackupResult;
  try {
    source.pragma('busy_timeout = 5000');
    const schemaVersion = source.pragma('user_version', { simple: true }) as number;
    result = { schemaVersion, ...(await copy(source, destinationPath, options)) };
  } finally {
    source.close();
  }
  checkCopy(destinationPath, result.schemaVersion);
  return result;
}

async function copy(source: Database.Database, destinationPath: string, options: BackupOptions): Promise<Omit<BackupResult, 'schemaVersion'>> {
  const maxRestarts = options.maxRestarts ?? defaultMaxRestarts;
  const stepPages = options.stepPages ?? defaultStepPages;
  let restarts = 0;
  let lastRemaining = Number.POSITIVE_INFINITY;
  try {
    const done = await source.backup(destinationPath, {
      progress: ({ remainingPages }) => {
        // Every step copies at least one page, so remaining pages that did not fall mean it started over.
        const restarted = remainingPages >= lastRemaining;
        lastRemaining = remainingPages;
        if (restarted) restarts += 1;
        if (restarts > maxRestarts) throw new TooManyRestarts();
        return stepPages;
      },
    });
    return { pages: done.totalPages, method: 'online backup', restarts };
  } catch (err) {
    if (!(err instanceof TooManyRestarts)) throw err;
  }
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${destinationPath}${suffix}`, { force: true });
  // A one-off maintenance statement, not one of the stores' prepared queries: the path is quoted as an SQL string.
  source.exec(`VACUUM INTO '${destinationPath.replaceAll("'", "''")}'`);
  const pages = new Database(destinationPath, { readonly: true, fileMustExist: true });
  try {
    return { pages: pages.pragma('page_count', { simple: true }) as number, method: 'VACUUM INTO', restarts };
  } finally {
    pages.close();
  }
}

function checkCopy(destinationPath: string, schemaVersion: number): void {
  const copy = new Database(destinationPath, { readonly: true, fileMustExist: true });
  try {
    const integrity = copy.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new BackupError(`the copy failed its integrity check: ${String(integrity)}`);
    const copied = copy.pragma('user_version', { simple: true }) as number;
    if (copied !== schemaVersion) throw new BackupError(`the copy has schema ${copied}, the source ${schemaVersion}`);
  } finally {
    copy.close();
  }
}
