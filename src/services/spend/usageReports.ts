import type { Config } from '../../config.ts';
import type { Job } from '../../db/jobRow.ts';
import type { JobStore } from '../../db/jobStore.ts';
import type { PeriodSpend, UserSpend } from '../../db/spendStore.ts';
import type { AttentionJob } from '../../i18n/spendMessages.ts';
import { utcPeriods } from './budgetPeriods.ts';
import type { Clock } from '../../clock.ts';
import { budgetLines, historyEntry, reportWindow, type BudgetLine, type HistoryEntry, type ReportPeriod } from './usageSummary.ts';

export interface UsageSummary {
  today: PeriodSpend;
  month: PeriodSpend;
  total: PeriodSpend;
  budgets: BudgetLine[];
  activeJobs: HistoryEntry[];
}

export interface GuildReport {
  period: ReportPeriod;
  users: UserSpend[];
  attention: AttentionJob[];
}

export const historyLength = 10;

/** What `/usage`, `/videos` and `/video-admin report` show, read from the store at the clock's now. */
export function createUsageReports(deps: { config: Config; store: JobStore; clock: Clock }) {
  const { config, store, clock } = deps;
  const { spend } = store;
  return {
    /** Spend is the user's whole ledger, as the budget check counts it; limits are this server's. */
    usage(guildId: string, userId: string): UsageSummary {
      const now = clock.now();
      const p = utcPeriods(now);
      const today = spend.userPeriodSpend(userId, p.dayStart, p.dayEnd);
      const month = spend.userPeriodSpend(userId, p.monthStart, p.monthEnd);
      const budgets = budgetLines(
        { userDailyMicros: config.userDailyBudgetMicros, userMonthlyMicros: config.userMonthlyBudgetMicros, guildDailyMicros: config.guildDailyBudgetMicros },
        spend.budgetOverride(guildId, userId),
        { userDayMicros: today.totalMicros, userMonthMicros: month.totalMicros, guildDayMicros: spend.guildSpendMicros(guildId, p.dayStart, p.dayEnd) },
        now,
      );
      // Prompts from other servers are not this server's admins' to read.
      const activeJobs = store.activeJobIdsForUser(userId)
        .flatMap((id) => store.get(id) ?? [])
        .filter((job) => job.guildId === guildId)
        .map((job) => historyEntry(job, now));
      return { today, month, total: spend.userTotalSpend(userId), budgets, activeJobs };
    },

    history(guildId: string, userId: string): HistoryEntry[] {
      const now = clock.now();
      return spend.recentJobsInGuild(guildId, userId, historyLength).map((job) => historyEntry(job, now));
    },

    report(guildId: string, period: ReportPeriod): GuildReport {
      const { fromMs, toMs } = reportWindow(period, clock.now());
      return {
        period,
        users: spend.guildSpendByUser(guildId, fromMs, toMs),
        // Every unresolved job, whatever the period: each one is money the provider may have billed.
        attention: store.jobsNeedingAttention(guildId).map(attentionJob),
      };
    },
  };
}

function attentionJob(job: Job): AttentionJob {
  return {
    jobId: job.id, userId: job.userId, status: job.status === 'timed_out' ? 'timed_out' : 'submit_unknown',
    reservedMicros: job.estimateMicros, taskId: job.taskId, createdAt: job.createdAt,
  };
}

export type UsageReports = ReturnType<typeof createUsageReports>;
