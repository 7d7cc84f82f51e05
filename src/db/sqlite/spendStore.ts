import { inList } from './jobQueries.ts';
import { unfinishedStatuses, type Job } from '../job.ts';
import type { AuditEntry, AuditRecord, BudgetOverride, DaySpend, PeriodSpend, UserSpend } from '../spendStore.ts';
import { jobFromRow, type JobRow } from '../jobRow.ts';
import type { Db } from './openDatabase.ts';

const dayMs = 86_400_000;

/**
 * A member's ledger per UTC day: a range on the (user_id, period_at) index, or for one server on the
 * (guild_id, period_at) one. The day is the row's offset from the window's first midnight, cast because
 * JavaScript numbers are bound as REAL.
 */
const dailySpendSql = (scope: string) =>
  `SELECT CAST((l.period_at - @fromMs) / @dayMs AS INTEGER) AS day, l.amount_micros AS total,
       CASE WHEN NOT EXISTS (SELECT 1 FROM ledger o WHERE o.job_id = l.job_id AND o.kind IN ('settle', 'release')) THEN l.amount_micros ELSE 0 END AS held
     FROM ledger l WHERE ${scope} AND l.period_at >= @fromMs AND l.period_at < @toMs`;

/** Sums a member's ledger rows per day in code: a month of one member's rows is small, and SQLite would sort them. */
function sumByDay(rows: readonly { day: number; total: number; held: number }[]): DaySpend[] {
  const byDay = new Map<number, DaySpend>();
  for (const row of rows) {
    const day = byDay.get(row.day) ?? { day: row.day, totalMicros: 0, heldMicros: 0 };
    day.totalMicros += row.total;
    day.heldMicros += row.held;
    byDay.set(row.day, day);
  }
  return [...byDay.values()].sort((a, b) => a.day - b.day);
}
export const userDailySpendSql = dailySpendSql('l.user_id = @userId');
export const userDailySpendInGuildSql = dailySpendSql('l.guild_id = @guildId AND l.user_id = @userId');

/** Ledger sums, budget overrides, per-server settings, the audit log, and the reports read from them. */
export function createSyncSpendStore(db: Db) {
  const sumUser = db.prepare<[string, number, number], { total: number }>(
    'SELECT COALESCE(SUM(amount_micros), 0) AS total FROM ledger WHERE user_id = ? AND period_at >= ? AND period_at < ?');
  // A server's and the bot's spend of one UTC day, kept by a trigger on the ledger (migrations).
  const dayTotal = db.prepare<[string, string, number], { total: number }>(
    'SELECT total_micros AS total FROM daily_spend_totals WHERE scope = ? AND scope_id = ? AND day = ?');
  // Only an unfinished job can hold a reservation, so the candidates come from the small partial index.
  const sumHeldForUser = db.prepare<[string], { total: number }>(
    `SELECT COALESCE(SUM(l.amount_micros), 0) AS total FROM jobs j INDEXED BY jobs_unfinished_by_user JOIN ledger l ON l.job_id = j.id AND l.kind = 'reserve'
     WHERE j.user_id = ? AND j.status IN (${inList(unfinishedStatuses)})
       AND NOT EXISTS (SELECT 1 FROM ledger o WHERE o.job_id = l.job_id AND o.kind IN ('settle', 'release'))`);
  const userTotal = db.prepare<[string], { total: number }>(
    'SELECT total_micros AS total FROM user_spend_totals WHERE user_id = ?');
  const userBreakdown = db.prepare<[string, number, number], { total: number; held: number }>(
    `SELECT COALESCE(SUM(l.amount_micros), 0) AS total,
       COALESCE(SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM ledger o WHERE o.job_id = l.job_id AND o.kind IN ('settle', 'release')) THEN l.amount_micros END), 0) AS held
     FROM ledger l WHERE l.user_id = ? AND l.period_at >= ? AND l.period_at < ?`);
  const userByDay = db.prepare<{ userId: string; fromMs: number; toMs: number; dayMs: number }, { day: number; total: number; held: number }>(userDailySpendSql);
  const userInGuildByDay = db.prepare<{ guildId: string; userId: string; fromMs: number; toMs: number; dayMs: number }, { day: number; total: number; held: number }>(userDailySpendInGuildSql);
  // guild_id and user_id first, so a (guild_id, user_id, …) index serves it.
  const userBreakdownInGuild = db.prepare<[string, string, number, number], { total: number; held: number }>(
    `SELECT COALESCE(SUM(l.amount_micros), 0) AS total,
       COALESCE(SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM ledger o WHERE o.job_id = l.job_id AND o.kind IN ('settle', 'release')) THEN l.amount_micros END), 0) AS held
     FROM ledger l WHERE l.guild_id = ? AND l.user_id = ? AND l.period_at >= ? AND l.period_at < ?`);
  const recentInGuild = db.prepare<[string, string, number], JobRow>(
    'SELECT * FROM jobs WHERE guild_id = ? AND user_id = ? ORDER BY id DESC LIMIT ?');
  // One pass over the period's rows (a job's rows share its period); grouped in code, so nothing is sorted on disk.
  const guildPeriodRows = db.prepare<[string, number, number], [string, number, string, number]>(
    'SELECT user_id, job_id, kind, amount_micros FROM ledger WHERE guild_id = ? AND period_at >= ? AND period_at < ?').raw();
  const getOverride = db.prepare<[string, string], { daily_micros: number | null; monthly_micros: number | null }>(
    'SELECT daily_micros, monthly_micros FROM budget_overrides WHERE guild_id = ? AND user_id = ?');
  const upsertOverride = db.prepare(
    `INSERT INTO budget_overrides (guild_id, user_id, daily_micros, monthly_micros, updated_by, updated_at)
     VALUES (@guildId, @userId, @dailyMicros, @monthlyMicros, @actorId, @now)
     ON CONFLICT (guild_id, user_id) DO UPDATE SET daily_micros = @dailyMicros, monthly_micros = @monthlyMicros,
       updated_by = @actorId, updated_at = @now`);
  const deleteOverride = db.prepare('DELETE FROM budget_overrides WHERE guild_id = ? AND user_id = ?');
  const getPaused = db.prepare<[string], { paused: number }>('SELECT paused FROM guild_settings WHERE guild_id = ?');
  const setPausedStmt = db.prepare(
    `INSERT INTO guild_settings (guild_id, paused, updated_by, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (guild_id) DO UPDATE SET paused = excluded.paused, updated_by = excluded.updated_by, updated_at = excluded.updated_at`);
  const insertAudit = db.prepare(
    `INSERT INTO audit_log (guild_id, actor_id, action, target_user_id, job_id, detail, created_at)
     VALUES (@guildId, @actorId, @action, @targetUserId, @jobId, @detail, @now)`);
  const listAudit = db.prepare<[string, number], { actor_id: string; action: string; target_user_id: string | null; job_id: number | null; detail: string | null; created_at: number }>(
    'SELECT actor_id, action, target_user_id, job_id, detail, created_at FROM audit_log WHERE guild_id = ? ORDER BY id DESC LIMIT ?');

  return {
    userSpendMicros: (userId: string, fromMs: number, toMs: number) => sumUser.get(userId, fromMs, toMs)?.total ?? 0,
    /** A server's ledger sum for the UTC day that starts at `dayStart`. */
    guildDaySpendMicros: (guildId: string, dayStart: number) => dayTotal.get('guild', guildId, Math.floor(dayStart / dayMs))?.total ?? 0,
    /** Every server's ledger sum for the UTC day that starts at `dayStart`. */
    botDaySpendMicros: (dayStart: number) => dayTotal.get('bot', '', Math.floor(dayStart / dayMs))?.total ?? 0,
    userHeldMicros: (userId: string) => sumHeldForUser.get(userId)?.total ?? 0,
    /** The whole ledger of a member, from the running total rather than a walk through their history. */
    userTotalSpend: (userId: string): PeriodSpend => ({
      totalMicros: userTotal.get(userId)?.total ?? 0, heldMicros: sumHeldForUser.get(userId)?.total ?? 0,
    }),
    userPeriodSpend(userId: string, fromMs: number, toMs: number): PeriodSpend {
      const row = userBreakdown.get(userId, fromMs, toMs);
      return { totalMicros: row?.total ?? 0, heldMicros: row?.held ?? 0 };
    },
    /** Days without ledger rows are left out; `fromMs` should be a UTC midnight. */
    userDailySpend(userId: string, fromMs: number, toMs: number): DaySpend[] {
      return sumByDay(userByDay.all({ userId, fromMs, toMs, dayMs }));
    },
    /** The same, counting only what the member spent in one server. */
    userDailySpendInGuild(guildId: string, userId: string, fromMs: number, toMs: number): DaySpend[] {
      return sumByDay(userInGuildByDay.all({ guildId, userId, fromMs, toMs, dayMs }));
    },
    /** The same, counting only what the member spent in one server. */
    userPeriodSpendInGuild(guildId: string, userId: string, fromMs: number, toMs: number): PeriodSpend {
      const row = userBreakdownInGuild.get(guildId, userId, fromMs, toMs);
      return { totalMicros: row?.total ?? 0, heldMicros: row?.held ?? 0 };
    },
    recentJobsInGuild: (guildId: string, userId: string, limit: number): Job[] =>
      recentInGuild.all(guildId, userId, limit).map(jobFromRow),
    guildSpendByUser: (guildId: string, fromMs: number, toMs: number): UserSpend[] =>
      spendByUser(guildPeriodRows.all(guildId, fromMs, toMs)),
    budgetOverride(guildId: string, userId: string): BudgetOverride | undefined {
      const row = getOverride.get(guildId, userId);
      return row && { dailyMicros: row.daily_micros, monthlyMicros: row.monthly_micros };
    },
    setBudgetOverride(o: { guildId: string; userId: string; dailyMicros: number | null; monthlyMicros: number | null; actorId: string; now: number }) {
      upsertOverride.run(o);
    },
    clearBudgetOverride: (guildId: string, userId: string) => deleteOverride.run(guildId, userId).changes > 0,
    isPaused: (guildId: string) => (getPaused.get(guildId)?.paused ?? 0) === 1,
    setPaused(guildId: string, paused: boolean, actorId: string, now: number) {
      setPausedStmt.run(guildId, paused ? 1 : 0, actorId, now);
    },
    audit(entry: AuditEntry) {
      insertAudit.run({ targetUserId: null, jobId: null, detail: null, ...entry });
    },
    recentAudit: (guildId: string, limit: number): AuditRecord[] => listAudit.all(guildId, limit).map((r) => ({
      actorId: r.actor_id, action: r.action, targetUserId: r.target_user_id, jobId: r.job_id, detail: r.detail, createdAt: r.created_at,
    })),
  };
}

export type SyncSpendStore = ReturnType<typeof createSyncSpendStore>;

/** Spent: jobs with a settlement; held: reservations neither settled nor released; largest first. */
function spendByUser(rows: readonly [userId: string, jobId: number, kind: string, amount: number][]): UserSpend[] {
  const jobs = new Map<number, { userId: string; amount: number; settled: boolean; closed: boolean }>();
  for (const [userId, jobId, kind, amount] of rows) {
    let job = jobs.get(jobId);
    if (!job) jobs.set(jobId, (job = { userId, amount: 0, settled: false, closed: false }));
    job.amount += amount;
    if (kind === 'settle') job.settled = job.closed = true;
    else if (kind === 'release') job.closed = true;
  }
  const users = new Map<string, UserSpend>();
  for (const job of jobs.values()) {
    let user = users.get(job.userId);
    if (!user) users.set(job.userId, (user = { userId: job.userId, spentMicros: 0, heldMicros: 0, jobs: 0 }));
    user.jobs++;
    if (job.settled) user.spentMicros += job.amount;
    else if (!job.closed) user.heldMicros += job.amount;
  }
  return [...users.values()].sort((a, b) => b.spentMicros + b.heldMicros - (a.spentMicros + a.heldMicros));
}
