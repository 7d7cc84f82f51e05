import type { Job, JobStatus, PollJob } from '../job.ts';
import type { CompletedTask, JobStore } from '../jobStore.ts';
import type { ShardScope } from '../shardScope.ts';
import { createJobPlaces } from './jobPlaces.ts';
import { createSyncJobQueries } from './jobQueries.ts';
import { createJobReservations } from './jobReservations.ts';
import { createJobResolutions } from './jobResolutions.ts';
import { createJobSubmissions } from './jobSubmissions.ts';
import { createJobTransition } from './jobTransition.ts';
import { pollColumns, pollJobFromRow, type PollRow } from '../jobRow.ts';
import { createLedgerWriter } from './ledgerWriter.ts';
import { writeTransaction } from './busyRetry.ts';
import type { Db } from './openDatabase.ts';
import { promised } from './promised.ts';
import { createSyncSpendStore } from './spendStore.ts';
import { createDmCopies } from './dmCopies.ts';
import { createPriceChecks } from './priceChecks.ts';
import { createReferenceImageStore } from './referenceImageStore.ts';

/** The job store over one better-sqlite3 connection: every statement prepared once, every transaction synchronous. */
export function createJobStore(db: Db, scope?: ShardScope): JobStore {
  const { spend, ...jobs } = createSyncJobStore(db, scope);
  return { ...promised(jobs), spend: promised(spend) };
}

/**
 * Every job state change, each guarded by the state it leaves and written with its ledger row. With a
 * shard scope, the queue and the resume lists keep to this process's servers; the limits stay bot-wide.
 */
function createSyncJobStore(db: Db, scope?: ShardScope) {
  const spend = createSyncSpendStore(db);
  const queries = createSyncJobQueries(db, scope);
  const writeLedger = createLedgerWriter(db);
  const reservations = createJobReservations(db, spend, queries, writeLedger);
  const resolutions = createJobResolutions(db, spend, queries, writeLedger);
  const read = queries.get;
  const transition = createJobTransition(db, read);
  const priceChecks = createPriceChecks(db);
  const insertMessage = db.prepare(
    'INSERT OR REPLACE INTO job_messages (message_id, job_id, kind) VALUES (?, ?, ?)');
  const updateProgress = db.prepare<[number, number | null, number, number], PollRow>(
    `UPDATE jobs SET progress = ?, estimated_time_sec = COALESCE(?, estimated_time_sec), poll_errors = 0, updated_at = ?
     WHERE id = ? AND status IN ('submitted', 'timed_out') RETURNING ${pollColumns}`);
  const incrementPollErrors = db.prepare<[number, number], { poll_errors: number }>(
    'UPDATE jobs SET poll_errors = poll_errors + 1, updated_at = ? WHERE id = ? RETURNING poll_errors');
  const updateStatusMessage = db.prepare(
    'UPDATE jobs SET status_message_id = ?, status_channel_id = ?, updated_at = ? WHERE id = ?');
  const markPostStarted = db.prepare<[number, number], { at: number }>(
    'UPDATE jobs SET result_post_started_at = COALESCE(result_post_started_at, ?) WHERE id = ? RETURNING result_post_started_at AS at');
  const clearToken = db.prepare('UPDATE jobs SET interaction_token = NULL WHERE id = ?');
  const addDeliveryAttempt = db.prepare<[number, number], { n: number }>(
    "UPDATE jobs SET delivery_attempts = delivery_attempts + 1, updated_at = ? WHERE id = ? AND status = 'completed' RETURNING delivery_attempts AS n");
  const markStatusGone = db.prepare('UPDATE jobs SET status_deleted_at = ? WHERE id = ? AND status_deleted_at IS NULL');

  /**
   * Progress and poll errors are rewritten on every poll and are worthless after a power cut (the next
   * poll learns them again), so they skip the fsync that money and state changes pay for.
   */
  function withoutFsync<T>(write: () => T): T {
    db.pragma('synchronous = NORMAL');
    try {
      return write();
    } finally {
      db.pragma('synchronous = FULL');
    }
  }

  /**
   * Also without the fsync: written for every acknowledged command, where the fsync cost more than the
   * rest of the acknowledgement; lost in a power cut, it costs a re-post that the search for an earlier
   * post already handles.
   */
  const writeStatusMessage = writeTransaction(db, (id: number, channelId: string, messageId: string, now: number) => {
    updateStatusMessage.run(messageId, channelId, now, id);
    insertMessage.run(messageId, id, 'status');
  });

  /** Ends a job that never reached the provider; its reservation is released with it. */
  const endBeforeSubmission = writeTransaction(db, (id: number, to: 'cancelled' | 'expired' | 'failed', code: string, now: number) => {
    const from: JobStatus[] = to === 'failed' ? ['submitting'] : ['awaiting_confirmation', 'queued'];
    const job = transition(id, from, to, now, { failure_code: code, finished_at: now });
    if (job) writeLedger(job, 'release', -job.estimateMicros, now);
    return job;
  });

  return {
    spend,
    ...queries,
    ...reservations,
    ...createDmCopies(db),
    ...createReferenceImageStore(db),
    pricedModels: priceChecks.pricedModels,
    recentPriceChecks: priceChecks.recentPriceChecks,
    ...createJobPlaces(db, read, endBeforeSubmission),
    ...createJobSubmissions(db, transition, scope),
    ...resolutions,

    confirm: (id: number, now: number) =>
      transition(id, ['awaiting_confirmation'], 'queued', now, { confirm_deadline_at: null }),

    endBeforeSubmission,

    /** Returns the job as a poll sees it, with the progress written, so the poller need not read it again. */
    recordProgress(id: number, progress: number, estimatedTimeSec: number | null, now: number): PollJob | undefined {
      const row = withoutFsync(() => updateProgress.get(progress, estimatedTimeSec, now, id));
      return row && pollJobFromRow(row);
    },

    recordPollError(id: number, now: number): number {
      return withoutFsync(() => incrementPollErrors.get(now, id)?.poll_errors ?? 0);
    },

    markTimedOut: (id: number, now: number) => transition(id, ['submitted'], 'timed_out', now),

    /**
     * The provider finished: settle at its reported cost, or the estimate when it reports none. A reported
     * cost is also kept beside the estimate, per model, to tell when the price table has drifted.
     */
    completeTask: writeTransaction(db, (id: number, result: CompletedTask, now: number) => {
      const before = read(id);
      if (!before) return undefined;
      const cost = result.costMicros ?? before.estimateMicros;
      const job = transition(id, ['submitted', 'timed_out'], 'completed', now, {
        video_url: result.videoUrl, video_expires_at: result.videoExpiresAt, cost_micros: cost,
        completed_at: now, progress: 100,
      });
      if (!job) return undefined;
      writeLedger(job, 'settle', cost - job.estimateMicros, now);
      if (result.costMicros !== null) {
        priceChecks.recordPriceCheck(id, job.request.model, { estimateMicros: job.estimateMicros, costMicros: result.costMicros }, now);
      }
      return job;
    }),

    /** The provider reported failure: nothing was made, so the reservation is released. */
    failTask: writeTransaction(db, (id: number, code: string, detail: string | null, now: number) => {
      const job = transition(id, ['submitted', 'timed_out'], 'failed', now,
        { failure_code: code, failure_detail: detail, finished_at: now });
      if (job) writeLedger(job, 'release', -job.estimateMicros, now);
      return job;
    }),

    /** Records the first attempt only; later attempts keep its time. */
    markResultPostStarted(id: number, now: number): number {
      return markPostStarted.get(now, id)?.at ?? now;
    },

    /** `problem` says why it went elsewhere (a DM, a bare link); such a job is listed in the report. */
    markDelivered: writeTransaction(db, (id: number, channelId: string, resultMessageId: string, now: number, problem: string | null = null) => {
      const job = transition(id, ['completed'], 'delivered', now,
        { result_message_id: resultMessageId, status_channel_id: channelId, finished_at: now, delivery_problem: problem });
      if (job) insertMessage.run(resultMessageId, id, 'result');
      return job;
    }),

    /** The link died before delivery; the provider billed it, so the settlement stands. */
    markVideoExpired: (id: number, now: number) =>
      transition(id, ['completed'], 'expired', now, { failure_code: 'video_expired', finished_at: now }),

    /** Nowhere would take the result: ended, still settled (the provider billed it), and listed in the report. */
    markUndeliverable: (id: number, problem: string, now: number) =>
      transition(id, ['completed'], 'expired', now, { failure_code: 'undeliverable', delivery_problem: problem, finished_at: now }),

    /** Returns how many attempts have now failed; 0 when the job is no longer waiting for delivery. */
    recordDeliveryAttempt(id: number, now: number): number {
      return addDeliveryAttempt.get(now, id)?.n ?? 0;
    },

    /** True only the first time, so the requester is told once. */
    markStatusDeleted(id: number, now: number): boolean {
      return markStatusGone.run(now, id).changes === 1;
    },

    /** The provider's link was refused (videoLinkGuard); it billed the video, so the settlement stands. */
    markVideoLinkRefused: (id: number, reason: string, now: number) =>
      transition(id, ['completed'], 'expired', now, { failure_code: 'unusable_link', failure_detail: reason, finished_at: now }),

    setStatusMessage: (id: number, channelId: string, messageId: string, now: number) => withoutFsync(() => writeStatusMessage(id, channelId, messageId, now)),

    forgetInteractionToken(id: number): void {
      clearToken.run(id);
    },
  };
}
