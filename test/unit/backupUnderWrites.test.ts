import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDatabase, type BackupResult } from '../../src/db/sqlite/backupDatabase.ts';
import { openDatabase, type Db } from '../../src/db/sqlite/openDatabase.ts';

const dirs: string[] = [];
const open: Db[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A 24 MB database, as after months of jobs, and a second connection: the running bot. */
function busyDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'videobot-backup-'));
  dirs.push(dir);
  const path = join(dir, 'bot.db');
  const seed = openDatabase(path);
  open.push(seed);
  seed.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, blob BLOB)');
  const insert = seed.prepare('INSERT INTO filler (blob) VALUES (?)');
  seed.transaction(() => {
    for (let i = 0; i < 6_000; i++) insert.run(Buffer.alloc(4_000, i % 251));
  })();
  const bot = openDatabase(path);
  open.push(bot);
  let writes = 0;
  const progress = bot.prepare('UPDATE filler SET blob = ? WHERE id = 1');
  const write = () => progress.run(Buffer.alloc(4_000, writes++ % 251));
  return { dir, path, write, writes: () => writes };
}

async function withinSeconds<T>(seconds: number, work: Promise<T>): Promise<T | 'still copying'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still copying'>((resolve) => { timer = setTimeout(() => resolve('still copying'), seconds * 1_000); });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

function rowsIn(path: string): number {
  const copy = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (copy.prepare('SELECT COUNT(*) AS n FROM filler').get() as { n: number }).n;
  } finally {
    copy.close();
  }
}

// Review of 2026-12-07 (trust3/N4): SQLite's online backup starts over whenever another connection
// writes between two of its steps; in steps of 100 pages, a write every 5 ms meant it never finished.
describe('npm run backup while the bot writes', () => {
  it('finishes a copy of a 24 MB database that another connection writes every 5 ms', async () => {
    const db = busyDatabase();
    const writer = setInterval(db.write, 5);
    try {
      const outcome = await withinSeconds(15, backupDatabase(db.path, join(db.dir, 'copy.db')));
      expect(outcome).toMatchObject({ schemaVersion: expect.any(Number) as number, pages: expect.any(Number) as number });
      expect(rowsIn(join(db.dir, 'copy.db'))).toBe(6_000);
    } finally {
      clearInterval(writer);
    }
    expect(db.writes()).toBeGreaterThan(0);
  }, 60_000);

  it('falls back to VACUUM INTO once the online backup has started over too often, and the copy is whole', async () => {
    const db = busyDatabase();
    // A write between every two steps of the copy, however short they are.
    let writing = true;
    const writeEveryTurn = () => {
      if (!writing) return;
      db.write();
      setImmediate(writeEveryTurn);
    };
    writeEveryTurn();
    let outcome: BackupResult | 'still copying';
    try {
      outcome = await withinSeconds(15, backupDatabase(db.path, join(db.dir, "operator's copy.db"), { stepPages: 100, maxRestarts: 2 }));
    } finally {
      writing = false;
    }
    expect(outcome).toMatchObject({ method: 'VACUUM INTO', restarts: 3 });
    expect(rowsIn(join(db.dir, "operator's copy.db"))).toBe(6_000);
  }, 60_000);
});
