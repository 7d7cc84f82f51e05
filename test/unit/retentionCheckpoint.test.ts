import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/sqlite/openDatabase.ts';
import { createRetentionStore } from '../../src/db/sqlite/retentionStore.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openOnDisk() {
  const dir = mkdtempSync(join(tmpdir(), 'videobot-checkpoint-'));
  dirs.push(dir);
  const path = join(dir, 'bot.db');
  return { path, db: openDatabase(path) };
}

// better-sqlite3 is synchronous: a checkpoint that waited out the connection's busy_timeout (5 s) for a
// reader would hold the whole event loop, and every interaction with it, for that long.
it('gives up a checkpoint a reader holds at once, keeps the busy timeout for everything else, and truncates next time', async () => {
  const { path, db } = openOnDisk();
  const store = createRetentionStore(db);
  db.exec("CREATE TABLE probe (value TEXT) STRICT; INSERT INTO probe VALUES ('before')");
  const reader = new Database(path, { readonly: true });
  reader.prepare('BEGIN').run();
  reader.prepare('SELECT value FROM probe').get();
  db.exec("UPDATE probe SET value = 'after'");

  // The busy timeout the checkpoint ran under, read from the connection as it starts: 0 means SQLite's
  // busy handler never waits, so the answer comes without sleeping, whatever the machine's speed.
  const timeoutsAtCheckpoint: unknown[] = [];
  const pragma = db.pragma.bind(db);
  db.pragma = ((source: string, options?: { simple?: boolean }) => {
    if (source.startsWith('wal_checkpoint')) timeoutsAtCheckpoint.push(pragma('busy_timeout', { simple: true }));
    return pragma(source, options);
  }) as typeof db.pragma;

  expect(await store.checkpointAfterErase()).toBe(false);
  expect(timeoutsAtCheckpoint).toEqual([0]);
  expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);

  reader.prepare('COMMIT').run();
  reader.close();
  expect(await store.checkpointAfterErase()).toBe(true);
  expect(statSync(`${path}-wal`).size).toBe(0);
  db.close();
});
