import type { Statement } from 'better-sqlite3';
import type { VideoGenerationRequest } from '../services/apimart/client.ts';
import { activeStatuses, jobFromRow, type Job, type JobRow, type JobStatus } from './jobRow.ts';
import type { Db } from './openDatabase.ts';
import { createSpendStore } from './spendStore.ts';

export interface NewJob {
  originKey: string;
  parentJobId?: number | null;
  /** A re-roll of the same parent within this window is the same request (a burst of 🔁). */
  rerollDedupeMs?: number;
  guildId: string;
  channelId: string;
  userId: string;
  locale: string;
  applicationId: string;
  interactionToken: string | null;
  interactionAt: number;
  attachmentSizeLimit: number;
  request: VideoGenerationRequest;
  imageName: string | null;
  estimateMicros: number;
  needsConfirmation: boolean;
  confirmDeadlineAt: number | null;
}

/** Limits in micro-USD (0 = none) and the UTC periods they apply to. */
export interface BudgetWindow {
  now: number;
  dayStart: number; dayEnd: number; monthStart: number; monthEnd: number;
  userDailyMicros: number; userMonthlyMicros: number; guildDailyMicros: number;
  userMaxActiveJobs: number;
}

export type BudgetScope = 'user_daily' | 'user_monthly' | 'guild_daily';
export type CreateJobResult =
  | { ok: true; job: Job }
  | { ok: false; reason: 'duplicate' }
  | { ok: false; reason: 'too_many_active'; activeJobIds: number[] }
  | { ok: false; reason: 'budget'; scope: BudgetScope; limitMicros: number; remainingMicros: number; resetsAt: number };

const inList = (statuses: readonly JobStatus[]) => statuses.map((s) => `'${s}'`).join(', ');

export function createJobStore(db: Db) {
  const spend = createSpendStore(db);
  const byId = db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE id = ?');
  const byOrigin = db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE origin_key = ?');
  const activeForUser = db.prepare<[string], { id: number }>(
    `SELECT id FROM jobs WHERE user_id = ? AND status IN (${inList(activeStatuses)}) ORDER BY id`);
  const insertJob = db.prepare(
    `INSERT INTO jobs (origin_key, parent_job_id, guild_id, channel_id, user_id, locale, application_id,
       interaction_token, interaction_at, attachment_size_limit, status, prompt, model, duration_sec, aspect_ratio,
       resolution, image_url, image_name, request_json, estimate_micros, confirm_deadline_at, created_at, updated_at)
     VALUES (@originKey, @parentJobId, @guildId, @channelId, @userId, @locale, @applicationId,
       @interactionToken, @interactionAt, @attachmentSizeLimit, @status, @prompt, @model, @durationSec, @aspectRatio,
       @resolution, @imageUrl, @imageName, @requestJson, @estimateMicros, @confirmDeadlineAt, @now, @now)`);
  const lastChildAt = db.prepare<[number], { at: number | null }>(
    'SELECT MAX(created_at) AS at FROM jobs WHERE parent_job_id = ?');
  const insertLedger = db.prepare(
    `INSERT INTO ledger (job_id, user_id, guild_id, kind, amount_micros, period_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const unfinished = db.prepare<[], JobRow>(
    "SELECT * FROM jobs WHERE status NOT IN ('delivered', 'failed', 'cancelled', 'expired') ORDER BY id");
  const countSubmissions = db.prepare<[], { n: number }>(
    "SELECT COUNT(*) AS n FROM jobs WHERE status IN ('submitting', 'submitted')");
  const nextQueued = db.prepare<[number], JobRow>(
    `SELECT * FROM jobs WHERE status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
     ORDER BY id LIMIT 1`);
  const earliestQueuedRetry = db.prepare<[], { at: number | null }>(
    "SELECT MIN(next_attempt_at) AS at FROM jobs WHERE status = 'queued' AND next_attempt_at IS NOT NULL");
  const queuePositionStmt = db.prepare<[number], { n: number }>(
    "SELECT COUNT(*) AS n FROM jobs WHERE status = 'queued' AND id <= ?");
  const byMessage = db.prepare<[string], JobRow & { message_kind: 'status' | 'result' }>(
    `SELECT j.*, m.kind AS message_kind FROM job_messages m JOIN jobs j ON j.id = m.job_id WHERE m.message_id = ?`);
  const insertMessage = db.prepare(
    'INSERT OR REPLACE INTO job_messages (message_id, job_id, kind) VALUES (?, ?, ?)');
  const recentForUser = db.prepare<[string, number], JobRow>(
    'SELECT * FROM jobs WHERE user_id = ? ORDER BY id DESC LIMIT ?');
  const updateProgress = db.prepare(
    `UPDATE jobs SET progress = ?, estimated_time_sec = COALESCE(?, estimated_time_sec), poll_errors = 0, updated_at = ?
     WHERE id = ? AND status IN ('submitted', 'timed_out')`);
  const incrementPollErrors = db.prepare<[number, number], { poll_errors: number }>(
    'UPDATE jobs SET poll_errors = poll_errors + 1, updated_at = ? WHERE id = ? RETURNING poll_errors');
  const updateStatusMessage = db.prepare(
    'UPDATE jobs SET status_message_id = ?, status_channel_id = ?, updated_at = ? WHERE id = ?');
  const markPostStarted = db.prepare<[number, number], { at: number }>(
    'UPDATE jobs SET result_post_started_at = COALESCE(result_post_started_at, ?) WHERE id = ? RETURNING result_post_started_at AS at');
  const clearToken = db.prepare('UPDATE jobs SET interaction_token = NULL WHERE id = ?');
  const submittingIds = db.prepare<[], { id: number }>("SELECT id FROM jobs WHERE status = 'submitting'");
  const needingAttention = db.prepare<[string], JobRow>(
    "SELECT * FROM jobs WHERE guild_id = ? AND status IN ('submit_unknown', 'timed_out') ORDER BY id");

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

  const read = (id: number): Job | undefined => {
    const row = byId.get(id);
    return row && jobFromRow(row);
  };

  const transitionStatements = new Map<string, Statement>();
  /** The one way a job changes state: guarded by its current status, so a repeated event is a no-op. */
  function transition(id: number, from: readonly JobStatus[], to: JobStatus, now: number, set: Record<string, unknown> = {}): Job | undefined {
    const assignments = Object.keys(set).map((column) => `, ${column} = @${column}`).join('');
    const sql = `UPDATE jobs SET status = @to, updated_at = @now${assignments} WHERE id = @id AND status IN (${inList(from)})`;
    let statement = transitionStatements.get(sql);
    if (!statement) transitionStatements.set(sql, (statement = db.prepare(sql)));
    const result = statement.run({ ...set, id, to, now });
    return result.changes === 1 ? read(id) : undefined;
  }

  function writeLedger(job: Job, kind: 'reserve' | 'settle' | 'release', amountMicros: number, now: number): void {
    insertLedger.run(job.id, job.userId, job.guildId, kind, amountMicros, job.createdAt, now);
  }

  function budgetRejection(input: NewJob, w: BudgetWindow): CreateJobResult | undefined {
    const override = spend.budgetOverride(input.guildId, input.userId);
    // A configured limit of 0 means "no limit"; an admin's override of 0 means "nothing", so it is kept apart.
    const limit = (overrideMicros: number | null | undefined, configured: number) =>
      overrideMicros ?? (configured > 0 ? configured : null);
    const checks: { scope: BudgetScope; limit: number | null; used: () => number; resetsAt: number }[] = [
      { scope: 'user_daily', limit: limit(override?.dailyMicros, w.userDailyMicros), resetsAt: w.dayEnd,
        used: () => spend.userSpendMicros(input.userId, w.dayStart, w.dayEnd) },
      { scope: 'user_monthly', limit: limit(override?.monthlyMicros, w.userMonthlyMicros), resetsAt: w.monthEnd,
        used: () => spend.userSpendMicros(input.userId, w.monthStart, w.monthEnd) },
      { scope: 'guild_daily', limit: limit(undefined, w.guildDailyMicros), resetsAt: w.dayEnd,
        used: () => spend.guildSpendMicros(input.guildId, w.dayStart, w.dayEnd) },
    ];
    for (const check of checks) {
      if (check.limit === null) continue;
      const remaining = check.limit - check.used();
      if (input.estimateMicros > remaining) {
        return { ok: false, reason: 'budget', scope: check.scope, limitMicros: check.limit,
          remainingMicros: Math.max(0, remaining), resetsAt: check.resetsAt };
      }
    }
    return undefined;
  }

  const createJobTxn = db.transaction((input: NewJob, w: BudgetWindow): CreateJobResult => {
    if (byOrigin.get(input.originKey)) return { ok: false, reason: 'duplicate' };
    if (input.parentJobId && (lastChildAt.get(input.parentJobId)?.at ?? -Infinity) > w.now - (input.rerollDedupeMs ?? 0)) {
      return { ok: false, reason: 'duplicate' };
    }
    const active = activeForUser.all(input.userId).map((r) => r.id);
    if (w.userMaxActiveJobs > 0 && active.length >= w.userMaxActiveJobs) {
      return { ok: false, reason: 'too_many_active', activeJobIds: active };
    }
    const rejection = budgetRejection(input, w);
    if (rejection) return rejection;
    const r = input.request;
    const { rerollDedupeMs: _window, needsConfirmation: _confirm, ...columns } = input;
    const info = insertJob.run({
      ...columns,
      parentJobId: input.parentJobId ?? null,
      status: input.needsConfirmation ? 'awaiting_confirmation' : 'queued',
      prompt: r.prompt, model: r.model, durationSec: r.duration, aspectRatio: r.aspect_ratio,
      resolution: r.resolution ?? null, imageUrl: r.image_urls?.[0] ?? null,
      requestJson: JSON.stringify(r), now: w.now,
    });
    const job = read(Number(info.lastInsertRowid)) as Job;
    writeLedger(job, 'reserve', job.estimateMicros, w.now);
    return { ok: true, job };
  });

  const createJobsTxn = db.transaction((inputs: readonly NewJob[], w: BudgetWindow) => inputs.map((input) => {
    try {
      return createJobTxn(input, w);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }));

  return {
    spend,
    get: read,
    /** Budget check, active-job check and the reservation, as one write transaction. */
    createJob: (input: NewJob, window: BudgetWindow): CreateJobResult => createJobTxn.immediate(input, window),
    /**
     * Several reservations in one commit (one fsync): each is checked in order against the ones before
     * it, exactly as separate transactions would be; one that throws is rolled back alone.
     */
    createJobs: (inputs: readonly NewJob[], window: BudgetWindow): (CreateJobResult | Error)[] => createJobsTxn.immediate(inputs, window),
    unfinishedJobs: () => unfinished.all().map(jobFromRow),
    recentJobsForUser: (userId: string, limit: number) => recentForUser.all(userId, limit).map(jobFromRow),
    jobsNeedingAttention: (guildId: string) => needingAttention.all(guildId).map(jobFromRow),
    activeJobIdsForUser: (userId: string) => activeForUser.all(userId).map((r) => r.id),
    queuePosition: (jobId: number) => queuePositionStmt.get(jobId)?.n ?? 0,
    earliestQueuedRetryAt: () => earliestQueuedRetry.get()?.at ?? null,
    findByMessageId(messageId: string): { job: Job; kind: 'status' | 'result' } | undefined {
      const row = byMessage.get(messageId);
      return row && { job: jobFromRow(row), kind: row.message_kind };
    },

    confirm: (id: number, now: number) =>
      transition(id, ['awaiting_confirmation'], 'queued', now, { confirm_deadline_at: null }),

    /** Ends a job that never reached the provider; its reservation is released with it. */
    endBeforeSubmission: db.transaction((id: number, to: 'cancelled' | 'expired' | 'failed', code: string, now: number) => {
      const from: JobStatus[] = to === 'failed' ? ['submitting'] : ['awaiting_confirmation', 'queued'];
      const job = transition(id, from, to, now, { failure_code: code, finished_at: now });
      if (job) writeLedger(job, 'release', -job.estimateMicros, now);
      return job;
    }),

    /** Takes the oldest due queued job if a provider slot is free. */
    claimForSubmission: db.transaction((maxConcurrent: number, now: number): Job | undefined => {
      if ((countSubmissions.get()?.n ?? 0) >= maxConcurrent) return undefined;
      const row = nextQueued.get(now);
      if (!row) return undefined;
      return transition(row.id, ['queued'], 'submitting', now, { submit_attempts: row.submit_attempts + 1 });
    }),

    recordSubmitted: (id: number, taskId: string, now: number) =>
      transition(id, ['submitting'], 'submitted', now, { task_id: taskId, submitted_at: now, next_attempt_at: null }),

    requeue: (id: number, retryAt: number, now: number) =>
      transition(id, ['submitting'], 'queued', now, { next_attempt_at: retryAt }),

    markSubmitUnknown: (id: number, detail: string, now: number) =>
      transition(id, ['submitting'], 'submit_unknown', now, { failure_code: 'submit_unknown', failure_detail: detail }),

    recordProgress(id: number, progress: number, estimatedTimeSec: number | null, now: number): void {
      withoutFsync(() => updateProgress.run(progress, estimatedTimeSec, now, id));
    },

    recordPollError(id: number, now: number): number {
      return withoutFsync(() => incrementPollErrors.get(now, id)?.poll_errors ?? 0);
    },

    markTimedOut: (id: number, now: number) => transition(id, ['submitted'], 'timed_out', now),

    /** The provider finished: settle at its reported cost, or the estimate when it reports none. */
    completeTask: db.transaction((id: number, result: { videoUrl: string | null; videoExpiresAt: number | null; costMicros: number | null }, now: number) => {
      const before = read(id);
      if (!before) return undefined;
      const cost = result.costMicros ?? before.estimateMicros;
      const job = transition(id, ['submitted', 'timed_out'], 'completed', now, {
        video_url: result.videoUrl, video_expires_at: result.videoExpiresAt, cost_micros: cost,
        completed_at: now, progress: 100,
      });
      if (job) writeLedger(job, 'settle', cost - job.estimateMicros, now);
      return job;
    }),

    /** The provider reported failure: nothing was made, so the reservation is released. */
    failTask: db.transaction((id: number, code: string, detail: string | null, now: number) => {
      const job = transition(id, ['submitted', 'timed_out'], 'failed', now,
        { failure_code: code, failure_detail: detail, finished_at: now });
      if (job) writeLedger(job, 'release', -job.estimateMicros, now);
      return job;
    }),

    /** Records the first attempt only; later attempts keep its time. */
    markResultPostStarted(id: number, now: number): number {
      return markPostStarted.get(now, id)?.at ?? now;
    },

    markDelivered: db.transaction((id: number, channelId: string, resultMessageId: string, now: number) => {
      const job = transition(id, ['completed'], 'delivered', now,
        { result_message_id: resultMessageId, status_channel_id: channelId, finished_at: now });
      if (job) insertMessage.run(resultMessageId, id, 'result');
      return job;
    }),

    /** The link died before delivery; the provider billed it, so the settlement stands. */
    markVideoExpired: (id: number, now: number) =>
      transition(id, ['completed'], 'expired', now, { failure_code: 'video_expired', finished_at: now }),

    setStatusMessage: db.transaction((id: number, channelId: string, messageId: string, now: number) => {
      updateStatusMessage.run(messageId, channelId, now, id);
      insertMessage.run(messageId, id, 'status');
    }),

    forgetInteractionToken(id: number): void {
      clearToken.run(id);
    },

    /** At start-up: a POST that may have left before the crash is never sent again. */
    quarantineInterruptedSubmissions(now: number): Job[] {
      return submittingIds.all().flatMap((row) => {
        const job = transition(row.id, ['submitting'], 'submit_unknown', now,
          { failure_code: 'submit_unknown', failure_detail: 'process stopped during submission' });
        return job ? [job] : [];
      });
    },
  };
}

export type JobStore = ReturnType<typeof createJobStore>;
