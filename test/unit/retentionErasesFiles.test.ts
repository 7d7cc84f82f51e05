import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { sampleJob } from '../../bench/sampleJob.ts';
import type { JobStore } from '../../src/db/jobStore.ts';
import { createJobStore } from '../../src/db/sqlite/jobStore.ts';
import { openDatabase } from '../../src/db/sqlite/openDatabase.ts';
import { createRetentionStore } from '../../src/db/sqlite/retentionStore.ts';
import { createLogger } from '../../src/logger.ts';
import { createRetention } from '../../src/services/operations/retention.ts';
import { ManualClock } from '../model/manualClock.ts';
import { runRetentionOnce } from '../support/retentionRun.ts';
import { createAccepted } from './storeFixtures.ts';

const dayMs = 24 * 60 * 60_000;
const t0 = Date.UTC(2026, 0, 10);
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function deliveredJob(store: JobStore, i: number, finishedAt: number, prompt: string): Promise<void> {
  const job = await createAccepted(store, finishedAt - 60_000, {
    originKey: `interaction:${i}`, userId: `15000000000000000${10 + i}`, ...sampleJob(prompt),
  }, { userDailyMicros: 0, userMonthlyMicros: 0 });
  await store.claimForSubmission(10, finishedAt - 50_000);
  await store.recordSubmitted(job.id, `task-${i}`, finishedAt - 40_000);
  await store.completeTask(job.id, { videoUrl: `https://cdn.example/v${i}.mp4`, videoExpiresAt: finishedAt + dayMs, costMicros: 400_000 }, finishedAt - 1_000);
  await store.markDelivered(job.id, '200000000000000002', `9${i}`, finishedAt);
}

/** Every byte SQLite keeps on disk for this database: the file and its write-ahead log. */
const bytesOnDisk = (path: string) => [path, `${path}-wal`].filter(existsSync).map((p) => readFileSync(p).toString('latin1')).join('');

// Review of 2026-12-07 (trust3/N1): an UPDATE alone leaves the old row in freed page space and in the
// WAL's earlier frames, where a file copy or a disk image still finds it.
it('leaves no trace of an erased prompt in the database file or its WAL, while the bot keeps running', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'videobot-erase-'));
  dirs.push(dir);
  const path = join(dir, 'bot.db');
  const db = openDatabase(path);
  const store = createJobStore(db);
  const secret = 'SECRET-FAMILY-PROMPT-7f3a9c';
  // The member's old job, then a few newer ones (kept), as in any server's history. A long prompt
  // (stored twice: the column and the request) spills into overflow pages, which an erase frees.
  await deliveredJob(store, 0, t0, `${secret} at the lake, ${'then the sun sets over the water and '.repeat(50)}`);
  for (let i = 1; i < 6; i++) await deliveredJob(store, i, t0 + 3 * dayMs + i, `an ordinary prompt number ${i}`);
  // A bot that has run a while: SQLite's automatic checkpoints have moved the rows into the file itself.
  db.pragma('wal_checkpoint(TRUNCATE)');
  expect(bytesOnDisk(path).includes(secret)).toBe(true);

  expect(await runRetentionOnce(createRetentionStore(db), 1, t0 + 2 * dayMs)).toBe(1);

  expect(JSON.stringify(db.prepare('SELECT * FROM jobs').all())).not.toContain(secret);
  expect(bytesOnDisk(path).includes(secret)).toBe(false);
  expect(bytesOnDisk(path).includes('an ordinary prompt number 5')).toBe(true);
  db.close();
});

/** A bot that has run a while with one old job holding `secret`: every row already checkpointed into the file. */
async function databaseWithOldSecret(secret: string) {
  const dir = mkdtempSync(join(tmpdir(), 'videobot-erase-'));
  dirs.push(dir);
  const path = join(dir, 'bot.db');
  const db = openDatabase(path);
  const store = createJobStore(db);
  await deliveredJob(store, 0, t0, `${secret} at the lake, ${'then the sun sets over the water and '.repeat(50)}`);
  await deliveredJob(store, 1, t0 + 3 * dayMs, 'an ordinary prompt');
  db.pragma('wal_checkpoint(TRUNCATE)');
  // Another connection in the middle of a read (a backup, an operator's sqlite3 shell) when the erase comes.
  const reader = new Database(path, { readonly: true });
  reader.prepare('BEGIN').run();
  reader.prepare('SELECT COUNT(*) FROM jobs').get();
  const clock = new ManualClock(t0 + 2 * dayMs);
  const retention = createRetention({
    store: createRetentionStore(db), retentionDays: 1, clock: clock.view(),
    logger: createLogger({ level: 'error', secrets: [], write: () => undefined }),
  });
  const endRead = () => {
    reader.prepare('COMMIT').run();
    reader.close();
  };
  return { path, db, clock, retention, endRead };
}

// Review of 2026-12-07: the checkpoint gives up at once while a reader holds it, and the daily run that
// erased nothing used to skip it, so the erased prompt stayed in the WAL until something else was erased.
it('checkpoints on the next run, even one that erases nothing, when a reader held up the checkpoint after an erase', async () => {
  const secret = 'SECRET-HELD-BY-A-READER-51d2';
  const { path, db, retention, endRead } = await databaseWithOldSecret(secret);

  expect(await retention.runOnce()).toBe(1);
  expect(bytesOnDisk(path).includes(secret)).toBe(true);
  endRead();

  expect(await retention.runOnce()).toBe(0);
  expect(readFileSync(path).includes(secret)).toBe(false);
  expect(readFileSync(`${path}-wal`).includes(secret)).toBe(false);
  retention.stop();
  db.close();
});

it('retries a checkpoint a reader held up soon after, without waiting for the next daily run', async () => {
  const secret = 'SECRET-RETRIED-SOON-8e40';
  const { path, db, clock, retention, endRead } = await databaseWithOldSecret(secret);

  expect(await retention.runOnce()).toBe(1);
  await clock.advance(1_000);
  expect(bytesOnDisk(path).includes(secret)).toBe(true);
  endRead();
  await clock.advance(10_000);

  expect(bytesOnDisk(path).includes(secret)).toBe(false);
  expect(clock.pending()).toBe(0);
  retention.stop();
  db.close();
});

it('cancels the checkpoint retries when retention stops', async () => {
  const { db, clock, retention, endRead } = await databaseWithOldSecret('SECRET-STOPPED-0c19');
  expect(await retention.runOnce()).toBe(1);
  expect(clock.pending()).toBe(1);

  retention.stop();

  expect(clock.pending()).toBe(0);
  endRead();
  db.close();
});
