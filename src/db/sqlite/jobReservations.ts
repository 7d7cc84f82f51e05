import { randomUUID } from 'node:crypto';
import type { Job } from '../job.ts';
import type { BudgetScope, BudgetWindow, CreateJobResult, NewJob } from '../newJob.ts';
import type { SyncJobQueries } from './jobQueries.ts';
import { jobFromRow, type JobRow } from './jobRow.ts';
import type { LedgerWriter } from './ledgerWriter.ts';
import { retryOnBusy } from './busyRetry.ts';
import type { Db } from './openDatabase.ts';
import type { SyncSpendStore } from './spendStore.ts';

/** New jobs: the duplicate, active-job and budget checks and the reservation, in one transaction. */
export function createJobReservations(db: Db, spend: SyncSpendStore, queries: SyncJobQueries, writeLedger: LedgerWriter) {
  const byOrigin = db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE origin_key = ?');
  const queuedCount = db.prepare<[], number>('SELECT queued FROM queue_length WHERE id = 1').pluck();
  const lastChildAt = db.prepare<[number], { at: number | null }>(
    'SELECT MAX(created_at) AS at FROM jobs WHERE parent_job_id = ?');
  const insertJob = db.prepare(
    `INSERT INTO jobs (origin_key, parent_job_id, guild_id, channel_id, user_id, locale, application_id,
       interaction_token, interaction_at, attachment_size_limit, status, prompt, model, model_label, duration_sec, aspect_ratio,
       resolution, audio, image_url, image_name, image_sha256, image_orientation, request_json, estimate_micros, confirm_deadline_at, idempotency_key, created_at, updated_at)
     VALUES (@originKey, @parentJobId, @guildId, @channelId, @userId, @locale, @applicationId,
       @interactionToken, @interactionAt, @attachmentSizeLimit, @status, @prompt, @model, @modelLabel, @durationSec, @aspectRatio,
       @resolution, @audio, @imageUrl, @imageName, @imageSha256, @imageOrientation, @requestJson, @estimateMicros, @confirmDeadlineAt, @idempotencyKey, @now, @now)
     RETURNING *`);

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
        used: () => spend.guildDaySpendMicros(input.guildId, w.dayStart) },
      // Checked here, inside the reservation's transaction (and each group commit's), like the others.
      { scope: 'bot_daily', limit: limit(undefined, w.botDailyMicros), resetsAt: w.dayEnd,
        used: () => spend.botDaySpendMicros(w.dayStart) },
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
    const active = queries.limitedJobIdsForUser(input.userId);
    if (w.userMaxActiveJobs > 0 && active.length >= w.userMaxActiveJobs) {
      return { ok: false, reason: 'too_many_active', activeJobIds: active };
    }
    const rejection = budgetRejection(input, w);
    if (rejection) return rejection;
    const r = input.request;
    const s = input.settings;
    const { rerollDedupeMs: _window, needsConfirmation: _confirm, settings: _settings, ...columns } = input;
    const row = insertJob.get({
      ...columns,
      parentJobId: input.parentJobId ?? null,
      imageOrientation: input.imageOrientation ?? null,
      imageSha256: input.imageSha256 ?? null,
      status: input.needsConfirmation ? 'awaiting_confirmation' : 'queued',
      prompt: r.prompt, model: s.model, modelLabel: s.modelLabel, durationSec: s.durationSec, aspectRatio: s.aspectRatio,
      resolution: s.resolution, audio: s.audio === null ? null : Number(s.audio), imageUrl: s.imageUrl,
      requestJson: JSON.stringify(r), idempotencyKey: randomUUID(), now: w.now,
    });
    const job = jobFromRow(row as JobRow);
    writeLedger(job, 'reserve', job.estimateMicros, w.now);
    // The newest job: every queued job is ahead of it or is it.
    return { ok: true, job, queuePosition: job.status === 'queued' ? queuedCount.get() ?? 0 : 0 };
  });

  const createJobsTxn = db.transaction((inputs: readonly NewJob[], w: BudgetWindow) => inputs.map((input) => {
    try {
      return createJobTxn(input, w);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }));

  return {
    /** Budget check, active-job check and the reservation, as one write transaction. */
    createJob: retryOnBusy((input: NewJob, window: BudgetWindow): CreateJobResult => createJobTxn.immediate(input, window)),
    /**
     * Several reservations in one commit (one fsync): each is checked in order against the ones before
     * it, exactly as separate transactions would be; one that throws is rolled back alone.
     */
    createJobs: retryOnBusy((inputs: readonly NewJob[], window: BudgetWindow): (CreateJobResult | Error)[] => createJobsTxn.immediate(inputs, window)),
  };
}
