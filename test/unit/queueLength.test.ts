import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createJobStore } from '../../src/db/sqlite/jobStore.ts';
import { openDatabase } from '../../src/db/sqlite/openDatabase.ts';
import { budgetWindow, newJob } from './storeFixtures.ts';

const now = Date.UTC(2025, 5, 15, 12, 0, 0);

describe('the queue length the database keeps', () => {
  it('gives each new job of a group commit its place in the queue, and none to one that waits for ✅', async () => {
    const db = openDatabase(':memory:');
    const store = createJobStore(db);
    const results = await store.createJobs([
      newJob({ userId: 'a' }), newJob({ userId: 'b', needsConfirmation: true, confirmDeadlineAt: now + 1 }), newJob({ userId: 'c' }),
    ], budgetWindow(now));
    expect(results.map((r) => (r instanceof Error || !r.ok ? 'refused' : r.queuePosition))).toEqual([1, 0, 2]);
    const third = results[2] as { ok: true; job: { id: number } };
    expect(await store.queuePosition(third.job.id)).toBe(2);
    db.close();
  });

  it('stays equal to the queued rows through any mix of creations, confirmations, claims, cancellations and requeues', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.constantFrom('create', 'confirmable', 'confirm', 'claim', 'cancel', 'requeue'), { maxLength: 40 }),
      async (steps) => {
        const db = openDatabase(':memory:');
        const store = createJobStore(db);
        const counted = () => db.prepare("SELECT COUNT(*) FROM jobs WHERE status = 'queued'").pluck().get() as number;
        const kept = () => db.prepare('SELECT queued FROM queue_length').pluck().get() as number;
        let user = 0;
        for (const step of steps) {
          const ids = (status: string) => db.prepare('SELECT id FROM jobs WHERE status = ?').pluck().all(status) as number[];
          if (step === 'create' || step === 'confirmable') {
            const result = await store.createJob(newJob({ userId: `u${user++}`, needsConfirmation: step === 'confirmable', confirmDeadlineAt: now + 1 }), budgetWindow(now));
            if (result.ok && result.job.status === 'queued') expect(result.queuePosition).toBe(counted());
          } else if (step === 'confirm' && ids('awaiting_confirmation')[0]) await store.confirm(ids('awaiting_confirmation')[0] as number, now);
          else if (step === 'claim') await store.claimForSubmission(100, now);
          else if (step === 'cancel' && ids('queued')[0]) await store.endBeforeSubmission(ids('queued')[0] as number, 'cancelled', 'test', now);
          else if (step === 'requeue' && ids('submitting')[0]) await store.requeue(ids('submitting')[0] as number, now, now);
          expect(kept()).toBe(counted());
        }
        db.close();
      },
    ), { numRuns: 200, seed: 20_261_207 });
  });
});
