import type { JobStatus } from '../db/job.ts';
import type { BudgetOverride, UserSpend } from '../db/spendStore.ts';
import type { Balance } from '../services/apimart/client.ts';
import type { ChartTexts } from './chartTexts.ts';
import type { CommandMention } from './commandNames.ts';
import type { BudgetLine, HistoryEntry, ReportPeriod } from '../services/spend/usageSummary.ts';

/** A job that still holds its reservation although its outcome at the provider is unclear. */
export interface AttentionJob {
  jobId: number; userId: string; status: 'submit_unknown' | 'timed_out' | 'unusable_link';
  reservedMicros: number; taskId: string | null; createdAt: number;
  /** When `/video-admin resolve` accepts it: null = now; later for a timed-out job still polled for a late result. */
  resolvableAt: number | null;
}

/** Why the provider balance could not be read; `detail` is the provider's own (sanitised) words. */
export type BalanceFailure =
  | { kind: 'refused'; status: number; detail: string | null }
  | { kind: 'unreachable' }
  | { kind: 'unexpected' };

/** The texts of `/usage`, `/videos` and `/video-admin`, part of `Messages` in every language. */
export interface SpendMessages {
  usage: {
    title: (userId: string, self: boolean) => string;
    spend: (period: 'today' | 'month' | 'total', totalMicros: number, heldMicros: number) => string;
    budgetsTitle: string;
    budget: (line: BudgetLine) => string;
    activeTitle: (count: number) => string;
    noActiveJobs: string;
    /** Instead of a chart of 30 empty days. */
    noRecentSpend: string;
    othersOnlyForAdmins: string;
  };
  history: {
    title: (userId: string, self: boolean) => string;
    empty: (self: boolean, command: CommandMention) => string;
    status: Record<JobStatus, string>;
    line: (entry: HistoryEntry) => string;
    more: (count: number) => string;
  };
  admin: {
    notAdmin: (command: CommandMention) => string;
    invalidAmount: (option: string) => string;
    clearWithAmounts: string;
    budgetShow: (userId: string, override: BudgetOverride | undefined, dailyDefaultMicros: number, monthlyDefaultMicros: number) => string;
    budgetSet: (userId: string, override: BudgetOverride, dailyDefaultMicros: number, monthlyDefaultMicros: number, command: CommandMention) => string;
    budgetCleared: (userId: string, existed: boolean) => string;
    paused: (command: CommandMention) => string;
    resumed: (command: CommandMention) => string;
    reportTitle: (period: ReportPeriod) => string;
    reportUser: (spend: UserSpend) => string;
    reportTotal: (spentMicros: number, heldMicros: number) => string;
    reportEmpty: string;
    attentionTitle: (count: number) => string;
    attentionJob: (job: AttentionJob, command: CommandMention) => string;
    attentionNone: string;
    more: (count: number) => string;
    balance: (balance: Balance) => string;
    balanceFailed: (failure: BalanceFailure) => string;
  };
  charts: ChartTexts;
}
