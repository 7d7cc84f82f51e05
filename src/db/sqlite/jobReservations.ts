import { randomUUID } from 'node:crypto';
import { budgetRejection, isRepeatedReroll } from '../budgetRules.ts';
import type { BudgetScope, BudgetWindow, CreateJobResult, NewJob } from '../newJob.ts';
import type { SyncJobQueries } from './jobQueries.ts';
import { jobFromRow, type JobRow } from '../jobRow.ts';
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

  /** Each sum is read only when its limit applies, inside the reservation's write transaction. */
  function rejection(input: NewJob, w: BudgetWindow): CreateJobResult | undefined {
    const used: Record<BudgetScope, () => number> = {
      user_daily: () => spend.userSpendMicros(input.userId, w.dayStart, w.dayEnd),
      user_monthly: () => spend.userSpendMicros(input.userId, w.monthStart, w.monthEnd),
      guild_daily: () => spend.guildDaySpendMicros(input.guildId, w.dayStart),
      bot_daily: () => spend.botDaySpendMicros(w.dayStart),
    };
    return budgetRejection(input, w, spend.budgetOverride(input.guildId, input.userId), (scope) => used[scope]());
  }

  const createJobTxn = db.transaction((input: NewJob, w: BudgetWindow): CreateJobResult => {
    if (byOrigin.get(input.originKey)) return { ok: false, reason: 'duplicate' };
    if (input.parentJobId && isRepeatedReroll(input, w, lastChildAt.get(input.parentJobId)?.at)) return { ok: false, reason: 'duplicate' };
    const active = queries.limitedJobIdsForUser(input.userId);
    if (w.userMaxActiveJobs > 0 && active.length >= w.userMaxActiveJobs) {
      return { ok: false, reason: 'too_many_active', activeJobIds: active };
    }
    const refused = rejection(input, w);
    if (refused) return refused;
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
