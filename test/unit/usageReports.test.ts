import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import type { JobStore } from '../../src/db/jobStore.ts';
import type { Clock } from '../../src/clock.ts';
import { createUsageReports, type UsageReports } from '../../src/services/spend/usageReports.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../support/testDatabase.ts';
import { createAccepted, guildId } from './storeFixtures.ts';

const config: Config = loadConfig({
  DISCORD_TOKEN: 't', APIMART_API_KEY: 'k', USER_DAILY_BUDGET_USD: '2', USER_MONTHLY_BUDGET_USD: '10', GUILD_DAILY_BUDGET_USD: '0',
});

let db: TestDatabase;
let store: JobStore;
let nowMs: number;
let reports: UsageReports;
const clock: Clock = { now: () => nowMs, setTimeout: () => ({ id: 0 }), clearTimeout: () => undefined };

beforeEach(async () => {
  db = await openTestDatabase();
  store = db.stores.jobStore();
  reports = createUsageReports({ config, store, clock });
});
afterEach(() => db.close());

/** A job accepted at `atMs` and settled by the provider at `costMicros`. */
async function settledJob(atMs: number, costMicros: number, userId = 'user-a'): Promise<void> {
  const job = await createAccepted(store, atMs, { userId });
  await store.claimForSubmission(10, atMs);
  await store.recordSubmitted(job.id, `task-${job.id}`, atMs);
  await store.completeTask(job.id, { videoUrl: 'https://v/x.mp4', videoExpiresAt: null, costMicros }, atMs + 1);
}

describe(`createUsageReports with an injected clock (${testEngine})`, () => {
  it('counts spend at 23:59 on Jan 31 in that day and month, and in neither one millisecond after midnight', async () => {
    const lastMinuteOfJanuary = Date.UTC(2025, 0, 31, 23, 59);
    await settledJob(lastMinuteOfJanuary, 300_000);
    await createAccepted(store, lastMinuteOfJanuary, {});

    nowMs = lastMinuteOfJanuary + 30_000;
    const before = await reports.usage(guildId, 'user-a');
    expect(before.today).toEqual({ totalMicros: 700_000, heldMicros: 400_000 });
    expect(before.month).toEqual({ totalMicros: 700_000, heldMicros: 400_000 });
    expect(before.budgets).toEqual([
      { scope: 'user_daily', limitMicros: 2_000_000, usedMicros: 700_000, remainingMicros: 1_300_000, resetsAt: Date.UTC(2025, 1, 1), overridden: false },
      { scope: 'user_monthly', limitMicros: 10_000_000, usedMicros: 700_000, remainingMicros: 9_300_000, resetsAt: Date.UTC(2025, 1, 1), overridden: false },
    ]);

    nowMs = Date.UTC(2025, 1, 1) + 1;
    const after = await reports.usage(guildId, 'user-a');
    expect(after.today).toEqual({ totalMicros: 0, heldMicros: 0 });
    expect(after.month).toEqual({ totalMicros: 0, heldMicros: 0 });
    expect(after.total).toEqual({ totalMicros: 700_000, heldMicros: 400_000 });
    expect(after.budgets.map((b) => [b.remainingMicros, b.resetsAt])).toEqual([
      [2_000_000, Date.UTC(2025, 1, 2)],
      [10_000_000, Date.UTC(2025, 2, 1)],
    ]);
    // Completed but not yet posted still counts as active.
    expect(after.activeJobs.map((j) => j.status)).toEqual(['completed', 'queued']);
  });

  it('keeps a day rollover inside the month: today resets, the month does not', async () => {
    await settledJob(Date.UTC(2024, 1, 28, 12), 500_000);
    nowMs = Date.UTC(2024, 1, 29, 0, 0, 1);
    const usage = await reports.usage(guildId, 'user-a');
    expect([usage.today.totalMicros, usage.month.totalMicros]).toEqual([0, 500_000]);
    expect(usage.budgets[0]?.resetsAt).toBe(Date.UTC(2024, 2, 1));
  });

  it('takes an admin override as given, so an override of 0 leaves nothing, and a configured 0 as no limit', async () => {
    const noDefaults = createUsageReports({ config: { ...config, userMonthlyBudgetMicros: 0 }, store, clock });
    await settledJob(Date.UTC(2025, 5, 10), 400_000);
    await store.spend.setBudgetOverride({ guildId, userId: 'user-a', dailyMicros: 0, monthlyMicros: null, actorId: 'admin', now: 0 });
    nowMs = Date.UTC(2025, 5, 10, 1);
    const [daily, monthly] = (await noDefaults.usage(guildId, 'user-a')).budgets;
    expect(daily).toMatchObject({ limitMicros: 0, remainingMicros: 0, overridden: true });
    expect(monthly).toMatchObject({ limitMicros: null, remainingMicros: null, overridden: false });
  });

  it('reports the period by member, and every unresolved job whatever its age', async () => {
    await settledJob(Date.UTC(2025, 2, 31, 22), 250_000, 'user-b');
    const old = await createAccepted(store, Date.UTC(2025, 2, 1), { userId: 'user-a' });
    await store.claimForSubmission(10, Date.UTC(2025, 2, 1));
    await store.markSubmitUnknown(old.id, 'socket hang up', Date.UTC(2025, 2, 1));
    nowMs = Date.UTC(2025, 3, 1, 0, 5);

    expect((await reports.report(guildId, 'today')).users).toEqual([]);
    expect((await reports.report(guildId, 'all')).users).toEqual([
      { userId: 'user-a', spentMicros: 0, heldMicros: 400_000, jobs: 1 },
      { userId: 'user-b', spentMicros: 250_000, heldMicros: 0, jobs: 1 },
    ]);
    expect((await reports.report(guildId, 'today')).attention).toEqual([
      { jobId: old.id, userId: 'user-a', status: 'submit_unknown', resolvableAt: null, reservedMicros: 400_000, taskId: null, createdAt: Date.UTC(2025, 2, 1) },
    ]);
  });

  it('shows only jobs of this server in the history, newest first, at most ten', async () => {
    for (let i = 0; i < 12; i++) await createAccepted(store, 1_000 + i, { userId: 'user-a' });
    await createAccepted(store, 5_000, { userId: 'user-a', guildId: '999' });
    nowMs = 10_000;
    const history = await reports.history(guildId, 'user-a');
    expect(history).toHaveLength(10);
    expect(history[0]?.createdAt).toBe(1_011);
    expect(history.every((e) => e.createdAt < 5_000)).toBe(true);
  });
});
