import { unfinishedStatuses } from '../job.ts';
import { jobFromRow, type JobRow } from '../jobRow.ts';
import type { AuditEntry, DaySpend, PeriodSpend, SpendStore, UserSpend } from '../spendStore.ts';
import { changes, firstRow, inList, rows, type Queryable } from './sql.ts';

const dayMs = 86_400_000;
const unsettled = "NOT EXISTS (SELECT 1 FROM ledger o WHERE o.job_id = l.job_id AND o.kind IN ('settle', 'release'))";

/** A member's ledger per day of the window, summed by the database. */
const dailySpendSql = (scope: string) =>
  `SELECT (l.period_at - $1) / ${dayMs} AS day, SUM(l.amount_micros) AS total,
     COALESCE(SUM(CASE WHEN ${unsettled} THEN l.amount_micros END), 0) AS held
   FROM ledger l WHERE ${scope} AND l.period_at >= $1 AND l.period_at < $2 GROUP BY 1 ORDER BY 1`;

const breakdownSql = (scope: string) =>
  `SELECT COALESCE(SUM(l.amount_micros), 0) AS total, COALESCE(SUM(CASE WHEN ${unsettled} THEN l.amount_micros END), 0) AS held
   FROM ledger l WHERE ${scope} AND l.period_at >= $1 AND l.period_at < $2`;

const heldSql = `SELECT COALESCE(SUM(l.amount_micros), 0) AS total FROM jobs j JOIN ledger l ON l.job_id = j.id AND l.kind = 'reserve'
  WHERE j.user_id = $1 AND j.status IN (${inList(unfinishedStatuses)}) AND ${unsettled}`;

type TotalRow = { total: number };
type BreakdownRow = { total: number; held: number };

/** Ledger sums, budget overrides, per-server settings, the audit log, and the reports read from them. */
export function createSpendStore(db: Queryable): SpendStore {
  const total = async (sql: string, values: unknown[]) => (await firstRow<TotalRow>(db, sql, values))?.total ?? 0;
  const breakdown = async (sql: string, values: unknown[]): Promise<PeriodSpend> => {
    const row = await firstRow<BreakdownRow>(db, sql, values);
    return { totalMicros: row?.total ?? 0, heldMicros: row?.held ?? 0 };
  };
  const days = async (sql: string, values: unknown[]): Promise<DaySpend[]> =>
    (await rows<{ day: number; total: number; held: number }>(db, sql, values)).map((r) => ({ day: r.day, totalMicros: r.total, heldMicros: r.held }));
  const dayTotal = (scope: 'guild' | 'bot', scopeId: string, dayStart: number) =>
    total('SELECT total_micros AS total FROM daily_spend_totals WHERE scope = $1 AND scope_id = $2 AND day = $3', [scope, scopeId, Math.floor(dayStart / dayMs)]);

  return {
    userSpendMicros: (userId, fromMs, toMs) =>
      total('SELECT COALESCE(SUM(amount_micros), 0) AS total FROM ledger WHERE user_id = $1 AND period_at >= $2 AND period_at < $3', [userId, fromMs, toMs]),
    guildDaySpendMicros: (guildId, dayStart) => dayTotal('guild', guildId, dayStart),
    botDaySpendMicros: (dayStart) => dayTotal('bot', '', dayStart),
    userHeldMicros: (userId) => total(heldSql, [userId]),
    async userTotalSpend(userId: string): Promise<PeriodSpend> {
      const [totalMicros, heldMicros] = await Promise.all([
        total('SELECT total_micros AS total FROM user_spend_totals WHERE user_id = $1', [userId]),
        total(heldSql, [userId]),
      ]);
      return { totalMicros, heldMicros };
    },
    userPeriodSpend: (userId, fromMs, toMs) => breakdown(breakdownSql('l.user_id = $3'), [fromMs, toMs, userId]),
    userDailySpend: (userId, fromMs, toMs) => days(dailySpendSql('l.user_id = $3'), [fromMs, toMs, userId]),
    userDailySpendInGuild: (guildId, userId, fromMs, toMs) =>
      days(dailySpendSql('l.guild_id = $3 AND l.user_id = $4'), [fromMs, toMs, guildId, userId]),
    userPeriodSpendInGuild: (guildId, userId, fromMs, toMs) =>
      breakdown(breakdownSql('l.guild_id = $3 AND l.user_id = $4'), [fromMs, toMs, guildId, userId]),
    recentJobsInGuild: async (guildId, userId, limit) =>
      (await rows<JobRow>(db, 'SELECT * FROM jobs WHERE guild_id = $1 AND user_id = $2 ORDER BY id DESC LIMIT $3', [guildId, userId, limit])).map(jobFromRow),
    guildSpendByUser: async (guildId, fromMs, toMs) => spendByUser(await rows<UserSpendRow>(db,
      `SELECT user_id, COUNT(*) AS jobs,
         COALESCE(SUM(amount) FILTER (WHERE settled), 0) AS spent, COALESCE(SUM(amount) FILTER (WHERE NOT closed), 0) AS held
       FROM (SELECT user_id, SUM(amount_micros) AS amount, bool_or(kind = 'settle') AS settled, bool_or(kind IN ('settle', 'release')) AS closed
             FROM ledger WHERE guild_id = $1 AND period_at >= $2 AND period_at < $3 GROUP BY job_id, user_id) per_job
       GROUP BY user_id`, [guildId, fromMs, toMs])),
    async budgetOverride(guildId, userId) {
      const row = await firstRow<{ daily_micros: number | null; monthly_micros: number | null }>(db,
        'SELECT daily_micros, monthly_micros FROM budget_overrides WHERE guild_id = $1 AND user_id = $2', [guildId, userId]);
      return row && { dailyMicros: row.daily_micros, monthlyMicros: row.monthly_micros };
    },
    async setBudgetOverride(o) {
      await changes(db,
        `INSERT INTO budget_overrides (guild_id, user_id, daily_micros, monthly_micros, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (guild_id, user_id) DO UPDATE SET daily_micros = excluded.daily_micros, monthly_micros = excluded.monthly_micros,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
        [o.guildId, o.userId, o.dailyMicros, o.monthlyMicros, o.actorId, o.now]);
    },
    clearBudgetOverride: async (guildId, userId) =>
      (await changes(db, 'DELETE FROM budget_overrides WHERE guild_id = $1 AND user_id = $2', [guildId, userId])) > 0,
    isPaused: async (guildId) => (await firstRow<{ paused: boolean }>(db, 'SELECT paused FROM guild_settings WHERE guild_id = $1', [guildId]))?.paused ?? false,
    async setPaused(guildId, paused, actorId, now) {
      await changes(db,
        `INSERT INTO guild_settings (guild_id, paused, updated_by, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (guild_id) DO UPDATE SET paused = excluded.paused, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
        [guildId, paused, actorId, now]);
    },
    async audit(entry: AuditEntry) {
      await insertAudit(db, entry);
    },
    recentAudit: async (guildId, limit) => (await rows<{ actor_id: string; action: string; target_user_id: string | null; job_id: number | null; detail: string | null; created_at: number }>(db,
      'SELECT actor_id, action, target_user_id, job_id, detail, created_at FROM audit_log WHERE guild_id = $1 ORDER BY id DESC LIMIT $2', [guildId, limit]))
      .map((r) => ({ actorId: r.actor_id, action: r.action, targetUserId: r.target_user_id, jobId: r.job_id, detail: r.detail, createdAt: r.created_at })),
  };
}

export async function insertAudit(db: Queryable, entry: AuditEntry): Promise<void> {
  await changes(db,
    `INSERT INTO audit_log (guild_id, actor_id, action, target_user_id, job_id, detail, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [entry.guildId, entry.actorId, entry.action, entry.targetUserId ?? null, entry.jobId ?? null, entry.detail ?? null, entry.now]);
}

interface UserSpendRow { user_id: string; jobs: number; spent: number; held: number }

/** Largest first, as the SQLite store orders them. */
function spendByUser(rowsByUser: readonly UserSpendRow[]): UserSpend[] {
  return rowsByUser
    .map((r) => ({ userId: r.user_id, spentMicros: r.spent, heldMicros: r.held, jobs: r.jobs }))
    .sort((a, b) => b.spentMicros + b.heldMicros - (a.spentMicros + a.heldMicros));
}
