import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { budgetRejection, isRepeatedReroll } from '../budgetRules.ts';
import { limitedStatuses, unfinishedStatuses } from '../job.ts';
import { jobFromRow, type JobRow } from '../jobRow.ts';
import type { BudgetScope, BudgetWindow, CreateJobResult, NewJob } from '../newJob.ts';
import { lockArgs, lockSpaces, textKey } from './lockKeys.ts';
import { firstRow, inList } from './sql.ts';
import { transaction } from './transaction.ts';

const dayMs = 86_400_000;

interface Checks {
  duplicate: boolean; last_child_at: number | null; limited_ids: string[];
  override_daily: number | null; override_monthly: number | null; has_override: boolean;
  user_day: number; user_month: number; guild_day: number; bot_day: number;
}

/** Everything a reservation decides on, read in one statement after its locks are held. */
const checksSql = `SELECT
    EXISTS (SELECT 1 FROM jobs WHERE origin_key = $1) AS duplicate,
    (SELECT MAX(created_at) FROM jobs WHERE parent_job_id = $2) AS last_child_at,
    ARRAY(SELECT id::text FROM jobs WHERE user_id = $3 AND status IN (${inList(unfinishedStatuses)})
      AND status IN (${inList(limitedStatuses)}) ORDER BY id) AS limited_ids,
    o.daily_micros AS override_daily, o.monthly_micros AS override_monthly, o.user_id IS NOT NULL AS has_override,
    (SELECT COALESCE(SUM(amount_micros), 0) FROM ledger WHERE user_id = $3 AND period_at >= $5 AND period_at < $6) AS user_day,
    (SELECT COALESCE(SUM(amount_micros), 0) FROM ledger WHERE user_id = $3 AND period_at >= $7 AND period_at < $8) AS user_month,
    COALESCE((SELECT total_micros FROM daily_spend_totals WHERE scope = 'guild' AND scope_id = $4 AND day = $9), 0) AS guild_day,
    COALESCE((SELECT total_micros FROM daily_spend_totals WHERE scope = 'bot' AND scope_id = '' AND day = $9), 0) AS bot_day
  FROM (SELECT 1) one LEFT JOIN budget_overrides o ON o.guild_id = $4 AND o.user_id = $3`;

/** The job and its reserve row in one statement (the ledger trigger keeps the totals). */
const insertSql = `WITH job AS (
    INSERT INTO jobs (origin_key, parent_job_id, guild_id, channel_id, user_id, locale, application_id,
      interaction_token, interaction_at, attachment_size_limit, status, prompt, model, model_label, duration_sec, aspect_ratio,
      resolution, audio, image_url, image_name, image_sha256, image_orientation, request_json, estimate_micros, confirm_deadline_at,
      idempotency_key, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $27)
    RETURNING *),
  reserve AS (INSERT INTO ledger (job_id, user_id, guild_id, kind, amount_micros, period_at, created_at)
    SELECT id, user_id, guild_id, 'reserve', estimate_micros, created_at, created_at FROM job)
  SELECT * FROM job`;

/**
 * The locks that make the checks and the reservation atomic between hosts, always taken in this order
 * (member, re-rolled parent, server, bot) so two reservations never wait for each other in a cycle.
 * The server's and the bot's are taken only when their budget applies: members never wait for each
 * other otherwise.
 */
function lockStatements(input: NewJob, w: BudgetWindow): string {
  const locks = [lockArgs(lockSpaces.member, textKey(input.userId))];
  if (input.parentJobId) locks.push(lockArgs(lockSpaces.member, textKey(`parent:${input.parentJobId}`)));
  if (w.guildDailyMicros > 0) locks.push(lockArgs(lockSpaces.guild, textKey(input.guildId)));
  if (w.botDailyMicros > 0) locks.push(lockArgs(lockSpaces.botBudget, 0));
  return `BEGIN; ${locks.map((args) => `SELECT pg_advisory_xact_lock(${args});`).join(' ')}`;
}

/** New jobs: one short transaction per reservation (its locks with BEGIN, the checks, the insert, COMMIT). */
export function createJobReservations(pool: pg.Pool) {
  function reserve(input: NewJob, w: BudgetWindow): Promise<CreateJobResult> {
    return transaction(pool, async (client) => {
      const c = await firstRow<Checks>(client, checksSql, [
        input.originKey, input.parentJobId ?? null, input.userId, input.guildId,
        w.dayStart, w.dayEnd, w.monthStart, w.monthEnd, Math.floor(w.dayStart / dayMs),
      ]) as Checks;
      if (c.duplicate || isRepeatedReroll(input, w, c.last_child_at)) return { ok: false, reason: 'duplicate' };
      const active = c.limited_ids.map(Number);
      if (w.userMaxActiveJobs > 0 && active.length >= w.userMaxActiveJobs) return { ok: false, reason: 'too_many_active', activeJobIds: active };
      const used: Record<BudgetScope, number> = { user_daily: c.user_day, user_monthly: c.user_month, guild_daily: c.guild_day, bot_daily: c.bot_day };
      const override = c.has_override ? { dailyMicros: c.override_daily, monthlyMicros: c.override_monthly } : undefined;
      const refused = budgetRejection(input, w, override, (scope) => used[scope]);
      if (refused) return refused;
      const r = input.request;
      const s = input.settings;
      const row = await firstRow<JobRow>(client, insertSql, [
        input.originKey, input.parentJobId ?? null, input.guildId, input.channelId, input.userId, input.locale, input.applicationId,
        input.interactionToken, input.interactionAt, input.attachmentSizeLimit, input.needsConfirmation ? 'awaiting_confirmation' : 'queued',
        r.prompt, s.model, s.modelLabel, s.durationSec, s.aspectRatio, s.resolution, s.audio === null ? null : Number(s.audio), s.imageUrl,
        input.imageName, input.imageSha256 ?? null, input.imageOrientation ?? null, JSON.stringify(r), input.estimateMicros,
        input.confirmDeadlineAt, randomUUID(), w.now,
      ]);
      const job = jobFromRow(row as JobRow);
      // The newest job: every queued job is ahead of it or is it (the count includes this transaction's insert).
      const queuePosition = job.status === 'queued'
        ? Number((await firstRow<{ queued: number }>(client, 'SELECT queued FROM queue_length WHERE id = 1'))?.queued ?? 0) : 0;
      return { ok: true, job, queuePosition };
    }, lockStatements(input, w));
  }

  return {
    createJob: reserve,
    /**
     * No group commit across hosts: each reservation is its own short transaction. One member's
     * commands run in order (the first asked is the first served); different members' run side by
     * side over the pool, and PostgreSQL shares the flush of commits that arrive together.
     */
    async createJobs(inputs: readonly NewJob[], window: BudgetWindow): Promise<(CreateJobResult | Error)[]> {
      const results: (CreateJobResult | Error)[] = new Array(inputs.length);
      const byMember = new Map<string, number[]>();
      inputs.forEach((input, i) => byMember.set(input.userId, [...(byMember.get(input.userId) ?? []), i]));
      await Promise.all([...byMember.values()].map(async (indexes) => {
        for (const i of indexes) {
          try {
            results[i] = await reserve(inputs[i] as NewJob, window);
          } catch (err) {
            results[i] = err instanceof Error ? err : new Error(String(err));
          }
        }
      }));
      return results;
    },
  };
}
