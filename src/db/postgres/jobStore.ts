import type pg from 'pg';
import type { Job, JobStatus, PollJob } from '../job.ts';
import type { CompletedTask, JobStore } from '../jobStore.ts';
import { jobFromRow, pollColumns, pollJobFromRow, type JobRow, type PollRow } from '../jobRow.ts';
import type { ShardScope } from '../shardScope.ts';
import { createDmCopies } from './dmCopies.ts';
import { createPriceChecks } from './priceChecks.ts';
import { createReferenceImageStore } from './referenceImageStore.ts';
import { createJobPlaces } from './jobPlaces.ts';
import { createJobQueries } from './jobQueries.ts';
import { createJobReservations } from './jobReservations.ts';
import { createJobResolutions } from './jobResolutions.ts';
import { createTransition, SqlValue } from './jobTransition.ts';
import { fenceSql, type LeaseFence } from './leaseFence.ts';
import { ownedJobsSql } from './shardScope.ts';
import { createSpendStore } from './spendStore.ts';
import { changes, firstRow, rows } from './sql.ts';
import { withRetry } from './transaction.ts';

/**
 * Progress and poll errors are rewritten on every poll and are worthless after a power cut (the next
 * poll learns them again), so their commit does not wait for the WAL flush that money and state
 * changes wait for. set_config(…, true) lasts for the statement's own transaction.
 */
const withoutSyncCommit = "WITH unsynced AS (SELECT set_config('synchronous_commit', 'off', true))";

/**
 * The job store over a pool: each state change is one statement (its ledger row written in the same
 * statement), a reservation one short transaction. With a shard scope the queue and the resume lists
 * keep to this process's servers; the limits stay bot-wide.
 */
export function createPostgresJobStore(pool: pg.Pool, fence: LeaseFence, scope?: ShardScope): JobStore {
  const owned = ownedJobsSql(scope);
  const queries = createJobQueries(pool, scope);
  const transition = createTransition(pool, fence);
  const write = (sql: string, values: unknown[]) => withRetry(() => changes(pool, sql, values));
  const writeReturning = <T extends object>(sql: string, values: unknown[]) => withRetry(() => firstRow<T>(pool, sql, values));

  async function endBeforeSubmission(id: number, to: 'cancelled' | 'expired' | 'failed', code: string, now: number): Promise<Job | undefined> {
    const from: JobStatus[] = to === 'failed' ? ['submitting'] : ['awaiting_confirmation', 'queued'];
    return transition(id, from, to, now, { set: { failure_code: code, finished_at: now }, ledger: 'release' });
  }

  return {
    ...queries,
    spend: createSpendStore(pool),
    ...createJobReservations(pool),
    ...createJobResolutions(pool, fence),
    ...createJobPlaces(pool, fence),
    ...createDmCopies(pool),
    ...createReferenceImageStore(pool),
    ...createPriceChecks(pool),

    confirm: (id, now) => transition(id, ['awaiting_confirmation'], 'queued', now, { set: { confirm_deadline_at: null } }),
    endBeforeSubmission,

    /**
     * One statement: the bot-wide slot row is locked (and re-read after any claim that held it), then
     * the oldest due queued job of the scope, of a server not paused, that no other claim holds is
     * taken; the slot counter follows through the jobs trigger. A paused server's jobs wait in the
     * queue without holding back the others.
     */
    async claimForSubmission(maxConcurrent, now) {
      const row = await withRetry(() => firstRow<JobRow>(pool,
        `WITH slot AS (SELECT 1 FROM provider_slots WHERE id = 1 AND used < $1 FOR UPDATE),
         picked AS (SELECT id FROM jobs WHERE EXISTS (SELECT 1 FROM slot) AND status = 'queued'
           AND (next_attempt_at IS NULL OR next_attempt_at <= $2)
           AND guild_id NOT IN (SELECT guild_id FROM guild_settings WHERE paused)
           AND ${owned} ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
         UPDATE jobs SET status = 'submitting', submit_attempts = jobs.submit_attempts + 1, updated_at = $2
         FROM picked WHERE jobs.id = picked.id AND jobs.status = 'queued' AND ${fenceSql(fence)} RETURNING jobs.*`,
        [maxConcurrent, now]));
      return row && jobFromRow(row);
    },

    // Not fenced: a process taken over while its submit was on the wire may still learn which task the
    // provider billed, and the new holder adopts the job (adoptLateTaskIds) instead of an admin guessing.
    recordSubmitted: (id, taskId, now) => transition(id, ['submitting', 'submit_unknown'], 'submitted', now, {
      set: { task_id: taskId, submitted_at: now, next_attempt_at: null, failure_code: null, failure_detail: null }, fenced: false,
    }),
    requeue: (id, retryAt, now) => transition(id, ['submitting'], 'queued', now, { set: { next_attempt_at: retryAt, submit_sending_at: null } }),
    markSubmitSending: async (id, now) =>
      (await write(`UPDATE jobs SET submit_sending_at = $1 WHERE id = $2 AND status = 'submitting' AND ${fenceSql(fence)}`, [now, id])) === 1,
    markSubmitUnknown: (id, detail, now) =>
      transition(id, ['submitting'], 'submit_unknown', now, { set: { failure_code: 'submit_unknown', failure_detail: detail } }),

    async quarantineInterruptedSubmissions(now) {
      const interrupted = await rows<{ id: number; submit_sending_at: number | null }>(pool,
        `SELECT id, submit_sending_at FROM jobs WHERE status = 'submitting' AND ${owned} ORDER BY id`);
      const quarantined: Job[] = [];
      for (const row of interrupted) {
        if (row.submit_sending_at === null) {
          await transition(row.id, ['submitting'], 'queued', now);
          continue;
        }
        const job = await transition(row.id, ['submitting'], 'submit_unknown', now,
          { set: { failure_code: 'submit_unknown', failure_detail: 'process stopped during submission' } });
        if (job) quarantined.push(job);
      }
      return quarantined;
    },

    async recordProgress(id, progress, estimatedTimeSec, now): Promise<PollJob | undefined> {
      const row = await writeReturning<PollRow>(
        `${withoutSyncCommit} UPDATE jobs SET progress = $1, estimated_time_sec = COALESCE($2, estimated_time_sec), poll_errors = 0, updated_at = $3
         WHERE id = $4 AND status IN ('submitted', 'timed_out') AND EXISTS (SELECT 1 FROM unsynced) RETURNING ${pollColumns}`,
        [progress, estimatedTimeSec, now, id]);
      return row && pollJobFromRow(row);
    },
    async recordPollError(id, now) {
      const row = await writeReturning<{ poll_errors: number }>(
        `${withoutSyncCommit} UPDATE jobs SET poll_errors = poll_errors + 1, updated_at = $1 WHERE id = $2 AND EXISTS (SELECT 1 FROM unsynced)
         RETURNING poll_errors`, [now, id]);
      return row?.poll_errors ?? 0;
    },
    markTimedOut: (id, now) => transition(id, ['submitted'], 'timed_out', now),
    completeTask: (id, result: CompletedTask, now) => transition(id, ['submitted', 'timed_out'], 'completed', now, {
      set: {
        video_url: result.videoUrl, video_expires_at: result.videoExpiresAt, completed_at: now, progress: 100,
        // The provider's reported cost, or the estimate when it reports none.
        cost_micros: new SqlValue('COALESCE(?::bigint, estimate_micros)', result.costMicros),
      },
      ledger: 'settle',
      // Only a reported cost says whether the price table still matches what the provider bills.
      priceCheck: result.costMicros !== null,
    }),
    failTask: (id, code, detail, now) => transition(id, ['submitted', 'timed_out'], 'failed', now,
      { set: { failure_code: code, failure_detail: detail, finished_at: now }, ledger: 'release' }),

    async markResultPostStarted(id, now) {
      const row = await writeReturning<{ at: number }>(
        'UPDATE jobs SET result_post_started_at = COALESCE(result_post_started_at, $1) WHERE id = $2 RETURNING result_post_started_at AS at', [now, id]);
      return row?.at ?? now;
    },
    markDelivered: (id, channelId, resultMessageId, now, problem = null) => transition(id, ['completed'], 'delivered', now, {
      set: { result_message_id: resultMessageId, status_channel_id: channelId, finished_at: now, delivery_problem: problem },
      message: { id: resultMessageId, kind: 'result' },
    }),
    markVideoExpired: (id, now) => transition(id, ['completed'], 'expired', now, { set: { failure_code: 'video_expired', finished_at: now } }),
    markUndeliverable: (id, problem, now) =>
      transition(id, ['completed'], 'expired', now, { set: { failure_code: 'undeliverable', delivery_problem: problem, finished_at: now } }),
    markVideoLinkRefused: (id, reason, now) =>
      transition(id, ['completed'], 'expired', now, { set: { failure_code: 'unusable_link', failure_detail: reason, finished_at: now } }),
    async recordDeliveryAttempt(id, now) {
      const row = await writeReturning<{ n: number }>(
        "UPDATE jobs SET delivery_attempts = delivery_attempts + 1, updated_at = $1 WHERE id = $2 AND status = 'completed' RETURNING delivery_attempts AS n", [now, id]);
      return row?.n ?? 0;
    },

    async setStatusMessage(id, channelId, messageId, now) {
      await write(
        `WITH changed AS (UPDATE jobs SET status_message_id = $1, status_channel_id = $2, updated_at = $3 WHERE id = $4 RETURNING id)
         INSERT INTO job_messages (message_id, job_id, kind) SELECT $1, id, 'status' FROM changed
         ON CONFLICT (message_id) DO UPDATE SET job_id = excluded.job_id, kind = excluded.kind`, [messageId, channelId, now, id]);
    },
    markStatusDeleted: async (id, now) => (await write('UPDATE jobs SET status_deleted_at = $1 WHERE id = $2 AND status_deleted_at IS NULL', [now, id])) === 1,
    async forgetInteractionToken(id) {
      await write('UPDATE jobs SET interaction_token = NULL WHERE id = $1', [id]);
    },
  };
}
