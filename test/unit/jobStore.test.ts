import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobStore } from '../../src/db/jobStore.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../support/testDatabase.ts';
import { budgetWindow, createAccepted, estimateMicros, expectLedgerMatchesJobs, guildId, ledgerRows, newJob } from './storeFixtures.ts';

const now = Date.UTC(2025, 5, 15, 12, 0, 0);

describe(`the job store (${testEngine})`, () => {
  let db: TestDatabase;
  let store: JobStore;
  const ledger = (jobId?: number) => ledgerRows(db.sql, jobId);
  beforeEach(async () => {
    db = await openTestDatabase();
    store = db.stores.jobStore();
  });
  afterEach(async () => {
    await expectLedgerMatchesJobs(db.sql, store);
    await db.close();
  });

  describe('createJob', () => {
    it('reserves the estimate in one ledger row', async () => {
      const job = await createAccepted(store, now);
      expect(job.status).toBe('queued');
      expect(await ledger()).toEqual([{ job_id: job.id, user_id: 'user-a', kind: 'reserve', amount_micros: estimateMicros, period_at: now }]);
      expect(await store.spend.userHeldMicros('user-a')).toBe(estimateMicros);
    });

    it('waits for confirmation when asked, with the reservation already made', async () => {
      const job = await createAccepted(store, now, { needsConfirmation: true, confirmDeadlineAt: now + 120_000 });
      expect(job).toMatchObject({ status: 'awaiting_confirmation', confirmDeadlineAt: now + 120_000 });
      expect(await store.confirm(job.id, now)).toMatchObject({ status: 'queued', confirmDeadlineAt: null });
    });

    it('treats a repeated origin key as a duplicate and reserves nothing more', async () => {
      const first = newJob();
      expect((await store.createJob(first, budgetWindow(now))).ok).toBe(true);
      expect(await store.createJob({ ...first }, budgetWindow(now + 1))).toEqual({ ok: false, reason: 'duplicate' });
      expect(await ledger()).toHaveLength(1);
    });

    it('refuses a job beyond the active-job limit, naming the active ones, until one ends', async () => {
      const a = await createAccepted(store, now);
      const b = await createAccepted(store, now);
      expect(await store.createJob(newJob(), budgetWindow(now, { userMaxActiveJobs: 2 })))
        .toEqual({ ok: false, reason: 'too_many_active', activeJobIds: [a.id, b.id] });
      expect((await createAccepted(store, now, { userId: 'user-b' }, { userMaxActiveJobs: 2 })).userId).toBe('user-b');
      await store.endBeforeSubmission(a.id, 'cancelled', 'cancelled_by_user', now);
      expect((await store.createJob(newJob(), budgetWindow(now, { userMaxActiveJobs: 2 }))).ok).toBe(true);
    });

    it.each([
      { scope: 'user_daily', limits: { userDailyMicros: 1_000_000 }, resets: 'dayEnd', otherUser: false },
      { scope: 'user_monthly', limits: { userMonthlyMicros: 1_000_000 }, resets: 'monthEnd', otherUser: false },
      { scope: 'guild_daily', limits: { guildDailyMicros: 1_000_000 }, resets: 'dayEnd', otherUser: true },
    ] as const)('refuses what exceeds the $scope budget, with what remains and when it resets', async ({ scope, limits, resets, otherUser }) => {
      await createAccepted(store, now, {}, limits);
      await createAccepted(store, now, otherUser ? { userId: 'user-b' } : {}, limits);
      const window = budgetWindow(now, limits);
      const result = await store.createJob(newJob(otherUser ? { userId: 'user-c' } : {}), window);
      expect(result).toEqual({ ok: false, reason: 'budget', scope, limitMicros: 1_000_000, remainingMicros: 200_000, resetsAt: window[resets] });
      expect(await ledger()).toHaveLength(2);
      expect((await store.createJob(newJob({ estimateMicros: 200_000 }), window)).ok).toBe(true);
    });

    it('treats a limit of 0 as no limit', async () => {
      for (let i = 0; i < 20; i++) await createAccepted(store, now, { estimateMicros: 6_000_000 });
      expect(await store.spend.userSpendMicros('user-a', 0, now + 1)).toBe(120_000_000);
    });

    it('lets a budget override raise and lower the daily limit', async () => {
      const limits = { userDailyMicros: 500_000 };
      const override = { guildId, monthlyMicros: null, actorId: 'admin', now };
      await store.spend.setBudgetOverride({ ...override, userId: 'user-a', dailyMicros: 1_000_000 });
      await createAccepted(store, now, {}, limits);
      expect((await createAccepted(store, now, {}, limits)).userId).toBe('user-a');
      await store.spend.setBudgetOverride({ ...override, userId: 'user-b', dailyMicros: 300_000 });
      expect(await store.createJob(newJob({ userId: 'user-b' }), budgetWindow(now, limits)))
        .toMatchObject({ ok: false, scope: 'user_daily', limitMicros: 300_000, remainingMicros: 300_000 });
      expect(await store.spend.clearBudgetOverride(guildId, 'user-b')).toBe(true);
      expect((await store.createJob(newJob({ userId: 'user-b' }), budgetWindow(now, limits))).ok).toBe(true);
    });

    it('counts reservations against the budget until they are released', async () => {
      const limits = { userDailyMicros: 800_000 };
      const first = await createAccepted(store, now, {}, limits);
      await createAccepted(store, now, {}, limits);
      expect(await store.createJob(newJob(), budgetWindow(now, limits))).toMatchObject({ ok: false, reason: 'budget', remainingMicros: 0 });
      await store.endBeforeSubmission(first.id, 'cancelled', 'cancelled_by_user', now);
      expect((await store.createJob(newJob(), budgetWindow(now, limits))).ok).toBe(true);
    });

    it('treats a second re-roll of the same parent inside the dedupe window as a duplicate', async () => {
      const parent = await createAccepted(store, now);
      const reroll = async (at: number) => await store.createJob(newJob({ parentJobId: parent.id, rerollDedupeMs: 10_000 }), budgetWindow(at));
      expect((await reroll(now)).ok).toBe(true);
      expect(await reroll(now + 9_999)).toEqual({ ok: false, reason: 'duplicate' });
      expect(await ledger()).toHaveLength(2);
      expect((await reroll(now + 10_000)).ok).toBe(true);
    });
  });

  describe('transitions', () => {
    async function submitted(taskId = 'task-1') {
      const job = await createAccepted(store, now);
      await store.claimForSubmission(10, now);
      await store.recordSubmitted(job.id, taskId, now + 1_000);
      return job;
    }

    it('settles a delivered job at the provider cost and maps the result message back to it', async () => {
      const job = await createAccepted(store, now);
      expect(await store.claimForSubmission(10, now)).toMatchObject({ id: job.id, status: 'submitting', submitAttempts: 1 });
      expect(await store.recordSubmitted(job.id, 'task-1', now + 1_000)).toMatchObject({ status: 'submitted', taskId: 'task-1', submittedAt: now + 1_000 });
      await store.recordProgress(job.id, 40, 300, now + 2_000);
      expect(await store.get(job.id)).toMatchObject({ progress: 40, estimatedTimeSec: 300 });
      const done = await store.completeTask(job.id, { videoUrl: 'https://v.example/1.mp4', videoExpiresAt: now + 86_400_000, costMicros: 450_000 }, now + 3_000);
      expect(done).toMatchObject({ status: 'completed', costMicros: 450_000, progress: 100, videoUrl: 'https://v.example/1.mp4' });
      expect((await ledger(job.id)).map((r) => [r.kind, r.amount_micros])).toEqual([['reserve', estimateMicros], ['settle', 50_000]]);
      expect(await store.spend.userSpendMicros('user-a', 0, now + 1)).toBe(450_000);
      expect(await store.spend.userHeldMicros('user-a')).toBe(0);
      expect(await store.markDelivered(job.id, 'channel-1', 'message-1', now + 4_000)).toMatchObject({ status: 'delivered', resultMessageId: 'message-1' });
      expect(await store.findByMessageId('message-1')).toMatchObject({ kind: 'result', job: { id: job.id, status: 'delivered' } });
    });

    it('settles at the estimate when the provider reports no cost', async () => {
      const job = await submitted();
      await store.completeTask(job.id, { videoUrl: 'https://v.example/1.mp4', videoExpiresAt: null, costMicros: null }, now);
      expect((await ledger(job.id)).map((r) => [r.kind, r.amount_micros])).toEqual([['reserve', estimateMicros], ['settle', 0]]);
      expect((await store.get(job.id))?.costMicros).toBe(estimateMicros);
    });

    it('releases the reservation when the provider fails the task', async () => {
      const job = await submitted();
      expect(await store.failTask(job.id, 'moderation', 'refused', now)).toMatchObject({ status: 'failed', failureCode: 'moderation' });
      expect(await store.spend.userSpendMicros('user-a', 0, now + 1)).toBe(0);
    });

    it.each(['cancelled', 'expired'] as const)('releases the reservation of a job %s before submission', async (to) => {
      const job = await createAccepted(store, now, { needsConfirmation: true, confirmDeadlineAt: now + 120_000 });
      expect(await store.endBeforeSubmission(job.id, to, to, now)).toMatchObject({ status: to });
      expect((await ledger(job.id)).map((r) => r.amount_micros)).toEqual([estimateMicros, -estimateMicros]);
    });

    it.each([
      { name: 'confirm', setup: async () => (await createAccepted(store, now, { needsConfirmation: true })).id, act: async (id: number) => await store.confirm(id, now) },
      { name: 'claimForSubmission', setup: async () => (await createAccepted(store, now)).id, act: async () => await store.claimForSubmission(10, now) },
      { name: 'recordSubmitted', setup: async () => { const id = (await createAccepted(store, now)).id; await store.claimForSubmission(10, now); return id; }, act: async (id: number) => await store.recordSubmitted(id, 'task-x', now) },
      { name: 'completeTask', setup: async () => (await submitted()).id, act: async (id: number) => await store.completeTask(id, { videoUrl: 'u', videoExpiresAt: null, costMicros: 123 }, now) },
      { name: 'failTask', setup: async () => (await submitted()).id, act: async (id: number) => await store.failTask(id, 'provider_failed', null, now) },
      { name: 'cancel', setup: async () => (await createAccepted(store, now)).id, act: async (id: number) => await store.endBeforeSubmission(id, 'cancelled', 'x', now) },
      { name: 'markTimedOut', setup: async () => (await submitted()).id, act: async (id: number) => await store.markTimedOut(id, now) },
      { name: 'markSubmitUnknown', setup: async () => { const id = (await createAccepted(store, now)).id; await store.claimForSubmission(10, now); return id; }, act: async (id: number) => await store.markSubmitUnknown(id, 'reset', now) },
      { name: 'markDelivered', setup: async () => { const id = (await submitted()).id; await store.completeTask(id, { videoUrl: 'u', videoExpiresAt: null, costMicros: null }, now); return id; }, act: async (id: number) => await store.markDelivered(id, 'c', 'm', now) },
    ])('makes a repeated $name a no-op that writes no second ledger row', async ({ setup, act }) => {
      const id = await setup();
      expect(await act(id)).toBeDefined();
      const rowsAfterFirst = await ledger();
      const jobAfterFirst = await store.get(id);
      expect(await act(id)).toBeUndefined();
      expect(await ledger()).toEqual(rowsAfterFirst);
      expect((await store.get(id))?.status).toBe(jobAfterFirst?.status);
    });

    it('keeps the settlement of a video whose link expired before delivery', async () => {
      const job = await submitted();
      await store.completeTask(job.id, { videoUrl: 'u', videoExpiresAt: now, costMicros: 380_000 }, now);
      expect(await store.markVideoExpired(job.id, now)).toMatchObject({ status: 'expired', failureCode: 'video_expired' });
      expect(await store.markDelivered(job.id, 'c', 'm', now)).toBeUndefined();
      expect(await store.spend.userSpendMicros('user-a', 0, now + 1)).toBe(380_000);
    });

    it('never releases a settled job, nor settles a failed one', async () => {
      const settled = await submitted('task-1');
      await store.completeTask(settled.id, { videoUrl: 'u', videoExpiresAt: null, costMicros: 500_000 }, now);
      expect(await store.failTask(settled.id, 'provider_failed', null, now)).toBeUndefined();
      const failed = await submitted('task-2');
      await store.failTask(failed.id, 'provider_failed', null, now);
      expect(await store.completeTask(failed.id, { videoUrl: 'u', videoExpiresAt: null, costMicros: 500_000 }, now)).toBeUndefined();
      expect(await store.spend.userSpendMicros('user-a', 0, now + 1)).toBe(500_000);
    });

    it('claims no more than maxConcurrent jobs in flight, oldest first', async () => {
      const [a, b, c] = [(await createAccepted(store, now)), (await createAccepted(store, now)), (await createAccepted(store, now))];
      expect((await store.claimForSubmission(2, now))?.id).toBe(a.id);
      expect((await store.claimForSubmission(2, now))?.id).toBe(b.id);
      expect(await store.claimForSubmission(2, now)).toBeUndefined();
      await store.recordSubmitted(a.id, 'task-a', now);
      expect(await store.claimForSubmission(2, now)).toBeUndefined();
      await store.completeTask(a.id, { videoUrl: 'u', videoExpiresAt: null, costMicros: null }, now);
      expect((await store.claimForSubmission(2, now))?.id).toBe(c!.id);
    });

    it('leaves a paused server’s jobs in the queue, claims other servers’ jobs behind them, and takes them again once resumed', async () => {
      const paused = await createAccepted(store, now);
      const other = await createAccepted(store, now, { guildId: '100000000000000777', userId: 'user-b' });
      await store.spend.setPaused(guildId, true, 'admin', now);
      expect((await store.claimForSubmission(10, now))?.id).toBe(other.id);
      expect(await store.claimForSubmission(10, now)).toBeUndefined();
      expect(await store.get(paused.id)).toMatchObject({ status: 'queued', submitAttempts: 0 });
      await store.spend.setPaused(guildId, false, 'admin', now);
      expect(await store.claimForSubmission(10, now)).toMatchObject({ id: paused.id, status: 'submitting' });
    });

    it('holds a requeued job until its retry time while later jobs go ahead', async () => {
      const a = await createAccepted(store, now);
      await store.claimForSubmission(10, now);
      expect(await store.requeue(a.id, now + 60_000, now)).toMatchObject({ status: 'queued', nextAttemptAt: now + 60_000 });
      expect(await store.earliestQueuedRetryAt()).toBe(now + 60_000);
      expect(await store.claimForSubmission(10, now + 59_999)).toBeUndefined();
      const b = await createAccepted(store, now);
      expect((await store.claimForSubmission(10, now + 1))?.id).toBe(b.id);
      expect(await store.claimForSubmission(10, now + 60_000)).toMatchObject({ id: a.id, submitAttempts: 2 });
    });

    it('keeps the reservation of a submission whose outcome is unknown', async () => {
      const job = await createAccepted(store, now);
      await store.claimForSubmission(10, now);
      expect(await store.markSubmitUnknown(job.id, 'socket hang up', now)).toMatchObject({ status: 'submit_unknown', failureDetail: 'socket hang up' });
      expect(await store.spend.userHeldMicros('user-a')).toBe(estimateMicros);
      expect((await store.jobsNeedingAttention(guildId)).map((j) => j.id)).toEqual([job.id]);
    });

    it('still settles, once, a completion that arrives after the timeout', async () => {
      const job = await submitted();
      expect((await store.markTimedOut(job.id, now))?.status).toBe('timed_out');
      await store.recordProgress(job.id, 90, null, now);
      expect((await store.get(job.id))?.progress).toBe(90);
      expect((await store.completeTask(job.id, { videoUrl: 'u', videoExpiresAt: null, costMicros: 380_000 }, now))?.status).toBe('completed');
      expect(await store.completeTask(job.id, { videoUrl: 'u', videoExpiresAt: null, costMicros: 380_000 }, now)).toBeUndefined();
      expect((await ledger(job.id)).filter((r) => r.kind === 'settle')).toHaveLength(1);
    });

    it('quarantines submissions interrupted by a restart as submit_unknown, leaving others alone', async () => {
      const interrupted = await createAccepted(store, now);
      await store.claimForSubmission(10, now);
      await store.markSubmitSending(interrupted.id, now);
      const running = await submitted('task-2');
      const queued = await createAccepted(store, now);
      expect((await store.quarantineInterruptedSubmissions(now)).map((j) => [j.id, j.status])).toEqual([[interrupted.id, 'submit_unknown']]);
      expect([(await store.get(running.id))?.status, (await store.get(queued.id))?.status]).toEqual(['submitted', 'queued']);
      expect(await store.quarantineInterruptedSubmissions(now)).toEqual([]);
    });

    it('puts a claimed job whose POST provably never started back in the queue at restart', async () => {
      const claimed = await createAccepted(store, now);
      await store.claimForSubmission(10, now);
      expect(await store.quarantineInterruptedSubmissions(now)).toEqual([]);
      expect((await store.get(claimed.id))?.status).toBe('queued');
      expect((await ledger(claimed.id)).map((r) => r.kind)).toEqual(['reserve']);
    });

    it('clears the sending marker when a refused submit is requeued', async () => {
      const refused = await createAccepted(store, now);
      await store.claimForSubmission(10, now);
      await store.markSubmitSending(refused.id, now);
      await store.requeue(refused.id, now + 1_000, now);
      await store.claimForSubmission(10, now + 1_000);
      expect(await store.quarantineInterruptedSubmissions(now + 2_000)).toEqual([]);
      expect((await store.get(refused.id))?.status).toBe('queued');
    });

    it('reports queue positions that move up as jobs leave the queue', async () => {
      const [a, b, c] = [(await createAccepted(store, now)), (await createAccepted(store, now)), (await createAccepted(store, now))];
      expect(await Promise.all([a, b, c].map((j) => store.queuePosition(j.id)))).toEqual([1, 2, 3]);
      await store.claimForSubmission(10, now);
      await store.endBeforeSubmission(b.id, 'cancelled', 'x', now);
      expect(await store.queuePosition(c.id)).toBe(1);
    });
  });
});
