import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, migrations } from '../../src/db/sqlite/migrations.ts';
import { createJobStore } from '../../src/db/sqlite/jobStore.ts';
import { openTestDatabase, testEngine } from '../support/testDatabase.ts';
import { budgetWindow, createAccepted } from './storeFixtures.ts';
import { sampleJob } from '../../bench/sampleJob.ts';

const dayMs = 86_400_000;
const day1 = Date.UTC(2026, 11, 1);
const day2 = day1 + dayMs;

/** What the daily budgets used to sum, row by row. */
function ledgerSum(db: Database.Database, from: number, guildId?: string): number {
  const scope = guildId === undefined ? '' : 'AND guild_id = @guildId';
  return (db.prepare(`SELECT COALESCE(SUM(amount_micros), 0) AS n FROM ledger WHERE period_at >= @from AND period_at < @to ${scope}`)
    .get({ from, to: from + dayMs, guildId }) as { n: number }).n;
}

function databaseBeforeTotals(): Database.Database {
  const db = new Database(':memory:');
  const totals = migrations.findIndex((sql) => typeof sql === 'string' && sql.includes('daily_spend_totals'));
  expect(totals).toBeGreaterThan(0);
  migrations.slice(0, totals).forEach((sql, i) => {
    db.exec(sql as string);
    db.pragma(`user_version = ${i + 1}`);
  });
  return db;
}

describe('daily spend totals', () => {
  it.skipIf(testEngine !== 'sqlite')('are backfilled from the ledger at upgrade, then follow every reservation, settlement and release', async () => {
    const db = databaseBeforeTotals();
    // Rows written by the bot before the upgrade, with the statements of that version.
    const insertJob = db.prepare(`INSERT INTO jobs (id, origin_key, guild_id, channel_id, user_id, locale, application_id, interaction_at,
        attachment_size_limit, status, prompt, model, duration_sec, aspect_ratio, request_json, estimate_micros, created_at, updated_at)
      VALUES (?, ?, ?, '2', 'u', 'en-US', '4', 0, 1, 'delivered', 'p', 'sora-2-preview', 4, 'landscape', '{}', 400000, ?, ?)`);
    const insertLedger = db.prepare(`INSERT INTO ledger (job_id, user_id, guild_id, kind, amount_micros, period_at, created_at)
      VALUES (?, 'u', ?, ?, ?, ?, ?)`);
    for (const [id, guildId, at] of [[1, 'g1', day1 + 5], [2, 'g2', day1 + 6], [3, 'g1', day2 - 1]] as const) {
      insertJob.run(id, `o${id}`, guildId, at, at);
      insertLedger.run(id, guildId, 'reserve', 400_000, at, at);
      insertLedger.run(id, guildId, 'settle', -100_000, at, at + 10);
    }
    migrate(db);

    const store = createJobStore(db);
    expect(await store.spend.guildDaySpendMicros('g1', day1)).toBe(600_000);
    expect(await store.spend.guildDaySpendMicros('g2', day1)).toBe(300_000);
    expect(await store.spend.botDaySpendMicros(day1)).toBe(900_000);

    // After the upgrade: one job settled below its estimate, one released, one still held, on two days.
    const settled = await createAccepted(store, day2 + 1, { guildId: 'g1', userId: 'a' });
    const released = await createAccepted(store, day2 + 2, { guildId: 'g1', userId: 'b' });
    await createAccepted(store, day2 + 3, { guildId: 'g2', userId: 'c' });
    const late = await createAccepted(store, day1 + 7, { guildId: 'g2', userId: 'd' });
    await store.claimForSubmission(Number.MAX_SAFE_INTEGER, day2 + 4);
    await store.recordSubmitted(settled.id, 'task-1', day2 + 5);
    await store.completeTask(settled.id, { videoUrl: 'https://example.com/v.mp4', videoExpiresAt: null, costMicros: 250_000 }, day2 + 6);
    await store.endBeforeSubmission(released.id, 'cancelled', 'cancelled_by_user', day2 + 7);
    await store.endBeforeSubmission(late.id, 'cancelled', 'cancelled_by_user', day2 + 8);

    for (const day of [day1, day2]) {
      for (const guildId of ['g1', 'g2', 'g3']) expect(await store.spend.guildDaySpendMicros(guildId, day), `${guildId} on ${day}`).toBe(ledgerSum(db, day, guildId));
      expect(await store.spend.botDaySpendMicros(day)).toBe(ledgerSum(db, day));
    }
    expect(await store.spend.guildDaySpendMicros('g1', day2)).toBe(250_000);
    db.close();
  });

  it(`hold the server budget in a burst exactly as the ledger would (${testEngine})`, async () => {
    const db = await openTestDatabase();
    const store = db.stores.jobStore();
    const results = [];
    for (let i = 0; i < 30; i++) {
      results.push(await store.createJob(createJobInput(i), budgetWindow(day1 + i, { guildDailyMicros: 10 * 400_000 })));
    }
    const accepted = results.filter((r) => r.ok);
    expect(accepted).toHaveLength(10);
    const ledger = await db.sql.value<number>('SELECT COALESCE(SUM(amount_micros), 0) FROM ledger WHERE guild_id = ? AND period_at >= ? AND period_at < ?', 'g1', day1, day1 + dayMs);
    expect(await store.spend.guildDaySpendMicros('g1', day1)).toBe(ledger);
    expect(ledger).toBe(10 * 400_000);
    await db.close();
  });
});

function createJobInput(i: number) {
  return {
    originKey: `burst-${i}`, guildId: 'g1', channelId: '2', userId: `member-${i}`, locale: 'en-US', applicationId: '4',
    interactionToken: null, interactionAt: day1, attachmentSizeLimit: 1,
    ...sampleJob('p'),
    imageName: null, estimateMicros: 400_000, needsConfirmation: false, confirmDeadlineAt: null,
  };
}
