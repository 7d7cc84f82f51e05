import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobStore } from '../../src/db/jobStore.ts';
import { utcPeriods } from '../../src/services/spend/budgetPeriods.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../support/testDatabase.ts';
import { budgetWindow, createAccepted, estimateMicros, expectLedgerMatchesJobs, newJob } from './storeFixtures.ts';

const lastMs = (y: number, m: number, d: number) => Date.UTC(y, m, d, 23, 59, 59, 999);

describe('utcPeriods', () => {
  it.each([
    {
      name: 'the last millisecond of Dec 31 belongs to December',
      at: lastMs(2024, 11, 31),
      expected: { dayStart: Date.UTC(2024, 11, 31), dayEnd: Date.UTC(2025, 0, 1), monthStart: Date.UTC(2024, 11, 1), monthEnd: Date.UTC(2025, 0, 1) },
    },
    {
      name: 'midnight of Jan 1 starts a new day, month and year',
      at: Date.UTC(2025, 0, 1),
      expected: { dayStart: Date.UTC(2025, 0, 1), dayEnd: Date.UTC(2025, 0, 2), monthStart: Date.UTC(2025, 0, 1), monthEnd: Date.UTC(2025, 1, 1) },
    },
    {
      name: 'Feb 28 in a non-leap year is the last day of February',
      at: lastMs(2025, 1, 28),
      expected: { dayStart: Date.UTC(2025, 1, 28), dayEnd: Date.UTC(2025, 2, 1), monthStart: Date.UTC(2025, 1, 1), monthEnd: Date.UTC(2025, 2, 1) },
    },
    {
      name: 'Feb 28 in a leap year is followed by Feb 29',
      at: lastMs(2024, 1, 28),
      expected: { dayStart: Date.UTC(2024, 1, 28), dayEnd: Date.UTC(2024, 1, 29), monthStart: Date.UTC(2024, 1, 1), monthEnd: Date.UTC(2024, 2, 1) },
    },
    {
      name: 'Feb 29 in a leap year ends February',
      at: Date.UTC(2024, 1, 29, 12),
      expected: { dayStart: Date.UTC(2024, 1, 29), dayEnd: Date.UTC(2024, 2, 1), monthStart: Date.UTC(2024, 1, 1), monthEnd: Date.UTC(2024, 2, 1) },
    },
    {
      name: 'Mar 1 after a leap day starts March',
      at: Date.UTC(2024, 2, 1),
      expected: { dayStart: Date.UTC(2024, 2, 1), dayEnd: Date.UTC(2024, 2, 2), monthStart: Date.UTC(2024, 2, 1), monthEnd: Date.UTC(2024, 3, 1) },
    },
  ])('$name', ({ at, expected }) => {
    expect(utcPeriods(at)).toEqual(expected);
  });

  it('gives a 24-hour day and half-open periods that contain the instant', () => {
    for (const at of [lastMs(2024, 11, 31), Date.UTC(2025, 0, 1), Date.UTC(2024, 1, 29, 7, 30), Date.UTC(2025, 9, 26, 1, 30)]) {
      const p = utcPeriods(at);
      expect(p.dayEnd - p.dayStart).toBe(86_400_000);
      expect(p.dayStart <= at && at < p.dayEnd).toBe(true);
      expect(p.monthStart <= p.dayStart && p.dayEnd <= p.monthEnd).toBe(true);
    }
  });

  it('puts every period boundary at UTC midnight, whatever the local time zone', () => {
    const p = utcPeriods(Date.UTC(2025, 2, 30, 1, 30));
    for (const boundary of Object.values(p)) expect(boundary % 86_400_000).toBe(0);
    expect(new Date(p.dayStart).toISOString()).toBe('2025-03-30T00:00:00.000Z');
    expect(new Date(p.monthEnd).toISOString()).toBe('2025-04-01T00:00:00.000Z');
  });
});

describe(`budgets across a UTC rollover (${testEngine})`, () => {
  let db: TestDatabase;
  let store: JobStore;
  beforeEach(async () => {
    db = await openTestDatabase();
    store = db.stores.jobStore();
  });
  afterEach(async () => {
    await expectLedgerMatchesJobs(db.sql, store);
    await db.close();
  });

  const limits = { userDailyMicros: estimateMicros, userMonthlyMicros: 2 * estimateMicros - 1 };

  it('counts a reservation made at 23:59 against that day, and only the month after midnight', async () => {
    const beforeMidnight = Date.UTC(2025, 5, 14, 23, 59);
    await createAccepted(store, beforeMidnight, {}, limits);
    expect(await store.createJob(newJob(), budgetWindow(beforeMidnight + 59_999, limits)))
      .toMatchObject({ ok: false, scope: 'user_daily', remainingMicros: 0, resetsAt: Date.UTC(2025, 5, 15) });

    const afterMidnight = Date.UTC(2025, 5, 15);
    const window = budgetWindow(afterMidnight, limits);
    expect(await store.spend.userSpendMicros('user-a', window.dayStart, window.dayEnd)).toBe(0);
    expect(await store.spend.userSpendMicros('user-a', window.monthStart, window.monthEnd)).toBe(estimateMicros);
    expect(await store.createJob(newJob(), window))
      .toMatchObject({ ok: false, scope: 'user_monthly', remainingMicros: estimateMicros - 1, resetsAt: Date.UTC(2025, 6, 1) });
    expect((await store.createJob(newJob({ estimateMicros: estimateMicros - 1 }), window)).ok).toBe(true);
  });

  it('starts both the daily and the monthly budget fresh at the turn of the year', async () => {
    await createAccepted(store, Date.UTC(2024, 11, 31, 23, 59), {}, limits);
    const window = budgetWindow(Date.UTC(2025, 0, 1), limits);
    expect(await store.spend.userSpendMicros('user-a', window.monthStart, window.monthEnd)).toBe(0);
    expect((await store.createJob(newJob(), window)).ok).toBe(true);
  });

  it('keeps a job settled after midnight in the day it was reserved', async () => {
    const reservedAt = Date.UTC(2025, 5, 14, 23, 59);
    const job = await createAccepted(store, reservedAt, {}, limits);
    await store.claimForSubmission(10, reservedAt);
    await store.recordSubmitted(job.id, 'task-1', reservedAt);
    const settledAt = Date.UTC(2025, 5, 15, 0, 3);
    await store.completeTask(job.id, { videoUrl: 'u', videoExpiresAt: null, costMicros: 350_000 }, settledAt);
    const yesterday = utcPeriods(reservedAt);
    const today = utcPeriods(settledAt);
    expect(await store.spend.userSpendMicros('user-a', yesterday.dayStart, yesterday.dayEnd)).toBe(350_000);
    expect(await store.spend.userSpendMicros('user-a', today.dayStart, today.dayEnd)).toBe(0);
  });
});
