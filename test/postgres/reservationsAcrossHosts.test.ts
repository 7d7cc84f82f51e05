import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CreateJobResult } from '../../src/db/jobStore.ts';
import { openAnotherHost } from '../support/postgresTestDatabase.ts';
import { openTestDatabase, type TestDatabase } from '../support/testDatabase.ts';
import { budgetWindow, estimateMicros, expectLedgerMatchesJobs, newJob } from '../unit/storeFixtures.ts';

const now = Date.UTC(2026, 5, 15, 12, 0, 0);

describe('reservations and claims from two hosts on one PostgreSQL', () => {
  let db: TestDatabase;
  let other: ReturnType<typeof openAnotherHost>;
  beforeEach(async () => {
    db = await openTestDatabase();
    other = openAnotherHost(db.url as string);
  });
  afterEach(async () => {
    await expectLedgerMatchesJobs(db.sql, db.stores.jobStore());
    await other.close();
    await db.close();
  });

  const accepted = (results: (CreateJobResult | Error)[]) => results.filter((r) => !(r instanceof Error) && r.ok).length;

  it.each([
    { scope: 'user_daily', limits: { userDailyMicros: 2 * estimateMicros }, member: () => 'user-a' },
    { scope: 'guild_daily', limits: { guildDailyMicros: 2 * estimateMicros }, member: (i: number) => `user-${i}` },
    { scope: 'bot_daily', limits: { botDailyMicros: 2 * estimateMicros }, member: (i: number) => `user-${i}` },
  ])('makes exactly two jobs of five parallel /videos with $scope budget for two', async ({ scope, limits, member }) => {
    const hosts = [db.stores.jobStore(), other.stores.jobStore()];
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) =>
      (hosts[i % 2] as (typeof hosts)[number]).createJob(newJob({ userId: member(i) }), budgetWindow(now, limits))));
    expect(accepted(results)).toBe(2);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason === 'budget' && r.scope)).toEqual([scope, scope, scope]);
    expect(await db.sql.value("SELECT COUNT(*) FROM ledger WHERE kind = 'reserve'")).toBe(2);
  });

  it('holds the active-job limit across hosts, and both group commits answer every command', async () => {
    const batch = (n: number) => Array.from({ length: n }, () => newJob({ userId: 'user-a' }));
    const window = budgetWindow(now, { userMaxActiveJobs: 3 });
    const [here, there] = await Promise.all([db.stores.jobStore().createJobs(batch(4), window), other.stores.jobStore().createJobs(batch(4), window)]);
    expect(accepted([...here, ...there])).toBe(3);
    expect([...here, ...there].filter((r) => !(r instanceof Error) && !r.ok && r.reason === 'too_many_active')).toHaveLength(5);
  });

  it('never has more jobs at the provider than MAX_CONCURRENT_JOBS while both hosts claim, and each job is claimed once', async () => {
    const store = db.stores.jobStore();
    for (let i = 0; i < 12; i++) await store.createJob(newJob({ userId: `user-${i}` }), budgetWindow(now));
    const claimers = [store, other.stores.jobStore()];
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => (claimers[i % 2] as typeof store).claimForSubmission(4, now)));
    const claimed = claims.filter((job) => job !== undefined).map((job) => job.id);
    expect(claimed).toHaveLength(4);
    expect(new Set(claimed).size).toBe(4);
    expect(await db.sql.value("SELECT COUNT(*) FROM jobs WHERE status = 'submitting'")).toBe(4);
    expect(await db.sql.value('SELECT used FROM provider_slots')).toBe(4);

    // The slot counter follows every way out of (and back into) the provider's hands.
    const [a, b, c, d] = claimed as [number, number, number, number];
    await store.recordSubmitted(a, 'task-a', now);
    await store.completeTask(a, { videoUrl: 'https://v.example/a.mp4', videoExpiresAt: null, costMicros: null }, now);
    await store.requeue(b, now + 1_000, now);
    await store.markSubmitUnknown(c, 'socket hang up', now);
    await store.recordSubmitted(c, 'task-c', now);
    await store.recordSubmitted(d, 'task-d', now);
    await store.markTimedOut(d, now);
    expect(await db.sql.value('SELECT used FROM provider_slots'))
      .toBe(await db.sql.value("SELECT COUNT(*) FROM jobs WHERE status IN ('submitting', 'submitted')"));
    expect(await db.sql.value('SELECT used FROM provider_slots')).toBe(1);
  });
});
