import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJobStore } from '../../src/db/sqlite/jobStore.ts';
import { migrations } from '../../src/db/sqlite/migrations.ts';
import { openDatabase } from '../../src/db/sqlite/openDatabase.ts';
import { createAccepted } from './storeFixtures.ts';

const now = Date.UTC(2025, 5, 15, 12, 0, 0);

describe('openDatabase', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'jobstore-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it('migrates an in-memory database to the latest schema version', () => {
    const db = openDatabase(':memory:');
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('creates the file and its folder, in WAL mode', () => {
    const db = openDatabase(join(dir, 'nested', 'bot.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    db.close();
  });

  it('re-opens an existing database without migrating again or losing rows', async () => {
    const path = join(dir, 'bot.db');
    const first = openDatabase(path);
    const job = await createAccepted(createJobStore(first), now);
    first.close();
    const second = openDatabase(path);
    expect(second.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect((await createJobStore(second).get(job.id))?.originKey).toBe(job.originKey);
    second.close();
  });

  it('refuses a database written by a newer version of the bot', () => {
    const path = join(dir, 'bot.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${migrations.length + 1}`);
    raw.close();
    expect(() => openDatabase(path)).toThrow(`database schema version ${migrations.length + 1} is newer than this bot (${migrations.length})`);
  });
});
