import { jobFromRow, type Job, type JobRow } from './jobRow.ts';
import type { Db } from './openDatabase.ts';

export interface BudgetOverride { dailyMicros: number | null; monthlyMicros: number | null }
export interface UserSpend { userId: string; spentMicros: number; heldMicros: number; jobs: number }
/** `totalMicros` is the ledger sum (what budgets count); `heldMicros` of it is reserved by unfinished jobs. */
export interface PeriodSpend { totalMicros: number; heldMicros: number }

/** Ledger sums, budget overrides, per-server settings, the audit log, and the reports read from them. */
export function createSpendStore(db: Db) {
  const sumUser = db.prepare<[string, number, number], { total: number }>(
    'SELECT COALESCE(SUM(amount_micros), 0) AS total FROM ledger WHERE user_id = ? AND period_at >= ? AND period_at < ?');
  const sumGuild = db.prepare<[string, number, number], { total: number }>(
    'SELECT COALESCE(SUM(amount_micros), 0) AS total FROM ledger WHERE guild_id = ? AND period_at >= ? AND period_at < ?');
  const sumBot = db.prepare<[number, number], { total: number }>(
    'SELECT COALESCE(SUM(amount_micros), 0) AS total FROM ledger WHERE period_at >= ? AND period_at < ?');
  const sumHeldForUser = db.prepare<[string], { total: number }>(
    `SELECT COALESCE(SUM(l.amount_micros), 0) AS total FROM ledger l
     WHERE l.user_id = ? AND l.kind = 'reserve'
       AND NOT EXISTS (SELECT 1 FROM ledger o WHERE o.job_id = l.job_id AND o.kind IN ('settle', 'release'))`);
  const userBreakdown = db.prepare<[string, number, number], { total: number; held: number }>(
    `SELECT COALESCE(SUM(l.amount_micros), 0) AS total,
       COALESCE(SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM ledger o WHERE o.job_id = l.job_id AND o.kind IN ('settle', 'release')) THEN l.amount_micros END), 0) AS held
     FROM ledger l WHERE l.user_id = ? AND l.period_at >= ? AND l.period_at < ?`);
  // guild_id and user_id first, so a (guild_id, user_id, …) index serves it.
  const userBreakdownInGuild = db.prepare<[string, string, number, number], { total: number; held: number }>(
    `SELECT COALESCE(SUM(l.amount_micros), 0) AS total,
       COALESCE(SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM ledger o WHERE o.job_id = l.job_id AND o.kind IN ('settle', 'release')) THEN l.amount_micros END), 0) AS held
     FROM ledger l WHERE l.guild_id = ? AND l.user_id = ? AND l.period_at >= ? AND l.period_at < ?`);
  const recentInGuild = db.prepare<[string, string, number], JobRow>(
    'SELECT * FROM jobs WHERE guild_id = ? AND user_id = ? ORDER BY id DESC LIMIT ?');
  const byUserInGuild = db.prepare<[string, number, number], { user_id: string; spent: number; held: number; jobs: number }>(
    `SELECT l.user_id,
       COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM ledger s WHERE s.job_id = l.job_id AND s.kind = 'settle') THEN l.amount_micros END), 0) AS spent,
       COALESCE(SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM ledger s WHERE s.job_id = l.job_id AND s.kind IN ('settle', 'release')) THEN l.amount_micros END), 0) AS held,
       COUNT(DISTINCT l.job_id) AS jobs
     FROM ledger l WHERE l.guild_id = ? AND l.period_at >= ? AND l.period_at < ?
     GROUP BY l.user_id ORDER BY spent + held DESC`);
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
    guildSpendMicros: (guildId: string, fromMs: number, toMs: number) => sumGuild.get(guildId, fromMs, toMs)?.total ?? 0,
    botSpendMicros: (fromMs: number, toMs: number) => sumBot.get(fromMs, toMs)?.total ?? 0,
    userHeldMicros: (userId: string) => sumHeldForUser.get(userId)?.total ?? 0,
    userPeriodSpend(userId: string, fromMs: number, toMs: number): PeriodSpend {
      const row = userBreakdown.get(userId, fromMs, toMs);
      return { totalMicros: row?.total ?? 0, heldMicros: row?.held ?? 0 };
    },
    /** The same, counting only what the member spent in one server. */
    userPeriodSpendInGuild(guildId: string, userId: string, fromMs: number, toMs: number): PeriodSpend {
      const row = userBreakdownInGuild.get(guildId, userId, fromMs, toMs);
      return { totalMicros: row?.total ?? 0, heldMicros: row?.held ?? 0 };
    },
    recentJobsInGuild: (guildId: string, userId: string, limit: number): Job[] =>
      recentInGuild.all(guildId, userId, limit).map(jobFromRow),
    guildSpendByUser(guildId: string, fromMs: number, toMs: number): UserSpend[] {
      return byUserInGuild.all(guildId, fromMs, toMs)
        .map((r) => ({ userId: r.user_id, spentMicros: r.spent, heldMicros: r.held, jobs: r.jobs }));
    },
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
    audit(entry: { guildId: string; actorId: string; action: string; targetUserId?: string | null; jobId?: number | null; detail?: string | null; now: number }) {
      insertAudit.run({ targetUserId: null, jobId: null, detail: null, ...entry });
    },
    recentAudit: (guildId: string, limit: number) => listAudit.all(guildId, limit),
  };
}

export type SpendStore = ReturnType<typeof createSpendStore>;
