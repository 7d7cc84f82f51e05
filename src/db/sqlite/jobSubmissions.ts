import type { Job } from '../job.ts';
import type { ShardScope } from '../shardScope.ts';
import { writeTransaction } from './busyRetry.ts';
import type { JobTransition } from './jobTransition.ts';
import type { Db } from './openDatabase.ts';
import { ownedJobsSql } from './shardScope.ts';

/**
 * A job's way to the provider and back into the queue: the claim of a free provider slot, the marker
 * written just before the paid POST, its answer or the lack of one, and what start-up makes of a
 * submission a crash interrupted. With a shard scope, the queue keeps to this process's servers.
 */
export function createJobSubmissions(db: Db, transition: JobTransition, scope?: ShardScope) {
  const owned = ownedJobsSql(scope);
  const countSubmissions = db.prepare<[], { n: number }>(
    "SELECT COUNT(*) AS n FROM jobs WHERE status IN ('submitting', 'submitted')");
  // A paused server's jobs stay queued, and the jobs of other servers behind them go ahead.
  const nextQueued = db.prepare<[number], { id: number; submit_attempts: number }>(
    `SELECT id, submit_attempts FROM jobs WHERE status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
     AND guild_id NOT IN (SELECT guild_id FROM guild_settings WHERE paused = 1)
     AND ${owned} ORDER BY id LIMIT 1`);
  const submittingIds = db.prepare<[], { id: number; submit_sending_at: number | null }>(
    `SELECT id, submit_sending_at FROM jobs WHERE status = 'submitting' AND ${owned}`);
  const markSending = db.prepare("UPDATE jobs SET submit_sending_at = ? WHERE id = ? AND status = 'submitting'");

  return {
    /** Takes the oldest due queued job of a server not paused, if a provider slot is free. */
    claimForSubmission: writeTransaction(db, (maxConcurrent: number, now: number): Job | undefined => {
      if ((countSubmissions.get()?.n ?? 0) >= maxConcurrent) return undefined;
      const row = nextQueued.get(now);
      if (!row) return undefined;
      return transition(row.id, ['queued'], 'submitting', now, { submit_attempts: row.submit_attempts + 1 });
    }),

    /**
     * Also from `submit_unknown`: when this process stalled and another instance quarantined the job,
     * the answer that arrives afterwards is the one thing that says which task the provider billed.
     */
    recordSubmitted: (id: number, taskId: string, now: number) =>
      transition(id, ['submitting', 'submit_unknown'], 'submitted', now,
        { task_id: taskId, submitted_at: now, next_attempt_at: null, failure_code: null, failure_detail: null }),

    requeue: (id: number, retryAt: number, now: number) =>
      transition(id, ['submitting'], 'queued', now, { next_attempt_at: retryAt, submit_sending_at: null }),

    /** Written (and synced) just before the POST: from here on a crash leaves the outcome unknown. */
    markSubmitSending(id: number, now: number): boolean {
      return markSending.run(now, id).changes === 1;
    },

    markSubmitUnknown: (id: number, detail: string, now: number) =>
      transition(id, ['submitting'], 'submit_unknown', now, { failure_code: 'submit_unknown', failure_detail: detail }),

    /**
     * At start-up: a job whose POST may have left before the crash is never sent again; one that was
     * claimed but provably never sent (no marker) simply goes back to the queue.
     */
    quarantineInterruptedSubmissions(now: number): Job[] {
      return submittingIds.all().flatMap((row) => {
        if (row.submit_sending_at === null) {
          transition(row.id, ['submitting'], 'queued', now);
          return [];
        }
        const job = transition(row.id, ['submitting'], 'submit_unknown', now,
          { failure_code: 'submit_unknown', failure_detail: 'process stopped during submission' });
        return job ? [job] : [];
      });
    },
  };
}
