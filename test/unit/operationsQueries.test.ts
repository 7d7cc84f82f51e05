import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/sqlite/openDatabase.ts';
import { createOperationsQueries } from '../../src/db/sqlite/operationsQueries.ts';
import { openTestDatabase, testEngine } from '../support/testDatabase.ts';
import { createAccepted } from './storeFixtures.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe(`operations queries (${testEngine})`, () => {
  it('counts unfinished jobs by state and finds the oldest active one', async () => {
    const db = await openTestDatabase();
    const store = db.stores.jobStore();
    const first = await createAccepted(store, 1_000);
    await createAccepted(store, 2_000, { userId: 'user-b' });
    await store.claimForSubmission(10, 3_000);
    await store.recordSubmitted(first.id, 'task-1', 3_500);
    const queries = db.stores.operationsQueries;
    expect(Object.fromEntries(await queries.unfinishedJobCounts())).toEqual({ queued: 1, submitted: 1 });
    expect(await queries.oldestActiveJobCreatedAt()).toBe(1_000);
    expect(await queries.spendMicrosBetween(0, 10_000)).toBe(800_000);
    expect(await queries.isWritable()).toBe(true);
    await db.close();
  });

  it.skipIf(testEngine !== 'sqlite')('reports a database file it cannot write to as not writable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'videobot-ops-'));
    dirs.push(dir);
    const path = join(dir, 'bot.db');
    openDatabase(path).close();
    const readOnly = new Database(path, { readonly: true });
    expect(await createOperationsQueries(readOnly).isWritable()).toBe(false);
    readOnly.close();
  });
});
