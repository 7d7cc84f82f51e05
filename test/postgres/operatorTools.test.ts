import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Stores } from '../../src/db/openStores.ts';
import { createPool, createPostgresStores } from '../../src/db/postgres/postgresStores.ts';
import { openDatabase } from '../../src/db/sqlite/openDatabase.ts';
import { createSqliteStores } from '../../src/db/sqlite/sqliteStores.ts';
import { createPostgresTestDatabase, databaseUrl } from '../support/postgresTestDatabase.ts';
import { testDatabaseUrl } from '../support/testDatabase.ts';
import { postgresTestSql } from '../support/testSql.ts';
import { createAccepted, guildId } from '../unit/storeFixtures.ts';
import { pngBytes } from '../support/imageBytes.ts';

const root = join(import.meta.dirname, '..', '..');
const now = Date.UTC(2026, 5, 15, 12, 0, 0);
/** A kept reference image of two parts (256 KB each). */
const image = pngBytes(300_000);
const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An operator's command in its own process, with only the settings it reads. */
function npmScript(script: string, env: Record<string, string>, args: string[] = []) {
  return spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root, encoding: 'utf8', timeout: 120_000,
    env: { PATH: process.env.PATH ?? '', DOTENV_CONFIG_PATH: '/dev/null', ...env },
  });
}

function postgresStores(url: string): Stores {
  const pool = createPool({ databaseUrl: url, poolSize: 2 });
  const stores = createPostgresStores(pool, url);
  closers.push(() => stores.close());
  return stores;
}

/**
 * A SQLite bot's history: settled (with a kept reference image and a price check), released, held and
 * mid-submission jobs, an override, a pause, a 📩 copy.
 */
async function sqliteHistory(path: string): Promise<void> {
  const db = openDatabase(path);
  const store = createSqliteStores(db).jobStore();
  const settled = await createAccepted(store, now - 86_400_000);
  await store.claimForSubmission(10, now);
  await store.recordSubmitted(settled.id, 'task-1', now);
  await store.completeTask(settled.id, { videoUrl: 'https://v.example/1.mp4', videoExpiresAt: null, costMicros: 350_000 }, now);
  await store.markDelivered(settled.id, '200000000000000002', '900000000000000001', now);
  const sha256 = createHash('sha256').update(image).digest('hex');
  expect(await store.keepReferenceImage(settled.id, { sha256, contentType: 'image/png', bytes: image }, now)).toBe('kept');
  await store.claimDmCopy(settled.id, 'user-b', now, 3_600_000);
  const released = await createAccepted(store, now, { userId: 'user-b' });
  await store.endBeforeSubmission(released.id, 'cancelled', 'cancelled_by_user', now);
  const sending = await createAccepted(store, now, { userId: 'user-d' });
  await store.claimForSubmission(10, now);
  await store.markSubmitSending(sending.id, now);
  await createAccepted(store, now, { userId: 'user-c', parentJobId: settled.id });
  await store.spend.setBudgetOverride({ guildId, userId: 'user-a', dailyMicros: 9_000_000, monthlyMicros: null, actorId: 'admin', now });
  await store.spend.setPaused(guildId, true, 'admin', now);
  db.close();
}

describe('operator tools on PostgreSQL', () => {
  it('migrate-to-postgres copies a SQLite database into an empty PostgreSQL, checks it, and refuses a second time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'videobot-migrate-'));
    dirs.push(dir);
    const path = join(dir, 'bot.db');
    await sqliteHistory(path);
    const url = await createPostgresTestDatabase(testDatabaseUrl as string);

    const result = npmScript('src/migrateToPostgres.ts', { DATABASE_PATH: path, DATABASE_URL: url });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /reference_images 1, reference_image_parts 2, jobs 4, job_messages 1, ledger 6, price_checks 1, budget_overrides 1, guild_settings 1, audit_log 0, dm_copies 1/);
    expect(result.stdout).toMatch(/the ledger of 4 members \(1150000 micro-USD in all\)/);

    const store = postgresStores(url).jobStore();
    expect(await store.spend.userTotalSpend('user-a')).toEqual({ totalMicros: 350_000, heldMicros: 0 });
    expect(await store.spend.userTotalSpend('user-c')).toEqual({ totalMicros: 400_000, heldMicros: 400_000 });
    expect(await store.spend.isPaused(guildId)).toBe(true);
    expect(await store.findByMessageId('900000000000000001')).toMatchObject({ kind: 'result', job: { id: 1, status: 'delivered' } });
    const kept = await store.referenceImageOf(1);
    expect((await store.referenceImageBytes(kept!))?.equals(image)).toBe(true);
    const [model] = await store.pricedModels();
    expect(await store.recentPriceChecks(model!, 5)).toEqual([{ estimateMicros: 400_000, costMicros: 350_000 }]);
    // A bot started on it resumes where the SQLite one stopped: the interrupted submit is never resent.
    const pool = createPool({ databaseUrl: url, poolSize: 1 });
    closers.push(() => pool.end());
    expect(await postgresTestSql(pool).value('SELECT used FROM provider_slots')).toBe(1);
    // The queued re-roll, counted by the trigger as it was copied.
    expect(await postgresTestSql(pool).value('SELECT queued FROM queue_length')).toBe(1);
    expect((await store.quarantineInterruptedSubmissions(now)).map((j) => j.id)).toEqual([3]);
    expect(await postgresTestSql(pool).value('SELECT used FROM provider_slots')).toBe(0);
    expect((await createAccepted(store, now, { userId: 'user-e' })).id).toBe(5);

    const again = npmScript('src/migrateToPostgres.ts', { DATABASE_PATH: path, DATABASE_URL: url });
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/nothing was committed: the PostgreSQL database is not empty/);
  });

  it('backup writes a pg_dump that restores into a new database with every job', async () => {
    const url = await createPostgresTestDatabase(testDatabaseUrl as string);
    const store = postgresStores(url).jobStore();
    const job = await createAccepted(store, now);
    const dir = mkdtempSync(join(tmpdir(), 'videobot-pgdump-'));
    dirs.push(dir);
    const dump = join(dir, 'copy', 'bot.dump');

    const result = npmScript('src/backup.ts', { DATABASE_URL: url }, [dump]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/backup written to .*bot\.dump \(pg_dump custom format, \d+ bytes, \d+ tables read back\)/);
    expect(npmScript('src/backup.ts', { DATABASE_URL: url }, [dump]).status, 'never overwrites').toBe(1);

    const restoredName = `videobot_test_restored_${process.pid}`;
    const admin = createPool({ databaseUrl: testDatabaseUrl as string, poolSize: 1 });
    await admin.query(`CREATE DATABASE ${restoredName}`);
    await admin.end();
    const restoredUrl = databaseUrl(testDatabaseUrl as string, restoredName);
    const restore = spawnSync('pg_restore', ['--no-owner', `--dbname=${restoredUrl}`, dump], { encoding: 'utf8' });
    expect(restore.stderr).toBe('');
    const restored = postgresStores(restoredUrl).jobStore();
    expect((await restored.unfinishedJobs()).map((j) => [j.id, j.status])).toEqual([[job.id, 'queued']]);
  });

  it('backup explains pg_dump when this machine has none', () => {
    const result = npmScript('src/backup.ts', { DATABASE_URL: 'postgres://bot:secret-password@db.invalid/bot', PATH: '/nonexistent' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/pg_dump was not found on this machine/);
    expect(result.stderr).toMatch(/pg_restore --dbname=/);
    expect(result.stderr).not.toContain('secret-password');
  });
});
