import type { Config } from '../../config.ts';
import type { Job } from '../../db/job.ts';
import type { JobStore } from '../../db/jobStore.ts';
import type { PeriodSpend, UserSpend } from '../../db/spendStore.ts';
import type { AttentionJob } from '../../i18n/spendMessages.ts';
import type { DeliveryProblemJob } from '../../i18n/deliveryMessages.ts';
import { utcPeriods } from './budgetPeriods.ts';
import { defaultLatePollWindowMs, resolvableAt, type LatePollWindow } from './resolvable.ts';
import type { Clock } from '../../clock.ts';
import { stalePrices, type PriceDrift } from './priceDrift.ts';
import { budgetLines, historyEntry, reportWindow, type BudgetLine, type HistoryEntry, type ReportPeriod } from './usageSummary.ts';

/** For src/commands, which may not reach into src/db even for types. */
export type { BudgetOverride } from '../../db/spendStore.ts';
export type { JobStore };

export interface UsageSummary {
  today: PeriodSpend;
  month: PeriodSpend;
  total: PeriodSpend;
  budgets: BudgetLine[];
  activeJobs: HistoryEntry[];
  /** An admin's view of another member: every amount is this server's only. */
  thisServerOnly: boolean;
}

export interface GuildReport {
  period: ReportPeriod;
  users: UserSpend[];
  attention: AttentionJob[];
  /** Results of the period that could not be posted in their channel (DM, bare link, or nowhere). */
  deliveryProblems?: DeliveryProblemJob[];
  /** Models whose settled costs (every server's) drifted from their estimates: the price table looks out of date. */
  stalePrices?: PriceDrift[];
}

export const historyLength = 10;

/** What `/usage`, `/videos` and `/video-admin report` show, read from the store at the clock's now. */
export function createUsageReports(deps: { config: Config; store: JobStore; clock: Clock; latePoll?: LatePollWindow }) {
  const { config, store, clock } = deps;
  const latePoll = deps.latePoll ?? { jobTimeoutMs: config.jobTimeoutMs, latePollWindowMs: defaultLatePollWindowMs };
  const { spend } = store;
  return {
    /**
     * Your own view: your whole ledger, as the budget check counts it, and this server's limits. An
     * admin's view of someone else: this server's jobs and spend only, and no budget line whose
     * remainder would reveal what the member spent elsewhere.
     */
    async usage(guildId: string, userId: string, self = true): Promise<UsageSummary> {
      const now = clock.now();
      const p = utcPeriods(now);
      const period = (from: number, to: number) =>
        self ? spend.userPeriodSpend(userId, from, to) : spend.userPeriodSpendInGuild(guildId, userId, from, to);
      const today = await period(p.dayStart, p.dayEnd);
      const month = await period(p.monthStart, p.monthEnd);
      const lines = budgetLines(
        { userDailyMicros: config.userDailyBudgetMicros, userMonthlyMicros: config.userMonthlyBudgetMicros, guildDailyMicros: config.guildDailyBudgetMicros },
        await spend.budgetOverride(guildId, userId),
        { userDayMicros: today.totalMicros, userMonthMicros: month.totalMicros, guildDayMicros: await spend.guildDaySpendMicros(guildId, p.dayStart) },
        now,
      );
      const budgets = self ? lines : lines.filter((line) => line.scope === 'guild_daily');
      // Prompts from other servers are not this server's admins' to read.
      const activeJobs: HistoryEntry[] = [];
      for (const id of await store.activeJobIdsForUser(userId)) {
        const job = await store.get(id);
        if (job?.guildId === guildId) activeJobs.push(historyEntry(job, now));
      }
      const total = await (self ? spend.userTotalSpend(userId) : period(0, Number.MAX_SAFE_INTEGER));
      return { today, month, total, budgets, activeJobs, thisServerOnly: !self };
    },

    async history(guildId: string, userId: string): Promise<HistoryEntry[]> {
      const now = clock.now();
      return (await spend.recentJobsInGuild(guildId, userId, historyLength)).map((job) => historyEntry(job, now));
    },

    async report(guildId: string, period: ReportPeriod): Promise<GuildReport> {
      const { fromMs, toMs } = reportWindow(period, clock.now());
      return {
        period,
        users: await spend.guildSpendByUser(guildId, fromMs, toMs),
        // Every unresolved job, whatever the period: each one is money the provider may have billed.
        attention: [
          ...(await store.jobsNeedingAttention(guildId)).map((job) => attentionJob(job, resolvableAt(job, latePoll, clock.now()))),
          // Settled and never posted: nothing to resolve, but the admins should know the provider sent a bad link.
          ...(await store.jobsWithUnusableLink(guildId)).map((job) => attentionJob(job, null)),
        ],
        deliveryProblems: (await store.jobsWithDeliveryProblems(guildId, fromMs, toMs)).map(deliveryProblemJob),
        stalePrices: await stalePrices(store),
      };
    },
  };
}

function attentionJob(job: Job, resolvable: number | null): AttentionJob {
  return {
    resolvableAt: resolvable,
    jobId: job.id, userId: job.userId, status: job.failureCode === 'unusable_link' ? 'unusable_link' : job.status === 'timed_out' ? 'timed_out' : 'submit_unknown',
    reservedMicros: job.estimateMicros, taskId: job.taskId, createdAt: job.createdAt,
  };
}

function deliveryProblemJob(job: Job): DeliveryProblemJob {
  const delivered = job.status !== 'delivered' ? 'nowhere' : job.statusChannelId === job.channelId ? 'link' : 'dm';
  return {
    jobId: job.id, userId: job.userId, channelId: job.channelId, problem: job.deliveryProblem ?? '',
    delivered, finishedAt: job.finishedAt ?? job.updatedAt,
  };
}

export type UsageReports = ReturnType<typeof createUsageReports>;
