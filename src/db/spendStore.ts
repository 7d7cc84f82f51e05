import type { Job } from './job.ts';

export interface BudgetOverride { dailyMicros: number | null; monthlyMicros: number | null }
export interface UserSpend { userId: string; spentMicros: number; heldMicros: number; jobs: number }
/** `totalMicros` is the ledger sum (what budgets count); `heldMicros` of it is reserved by unfinished jobs. */
export interface PeriodSpend { totalMicros: number; heldMicros: number }
/** One UTC day of a member's ledger: `day` counts days from the start of the window. */
export interface DaySpend extends PeriodSpend { day: number }

export interface AuditEntry {
  guildId: string; actorId: string; action: string; targetUserId?: string | null; jobId?: number | null; detail?: string | null; now: number;
}
export interface AuditRecord {
  actorId: string; action: string; targetUserId: string | null; jobId: number | null; detail: string | null; createdAt: number;
}

/** Ledger sums, budget overrides, per-server settings, the audit log, and the reports read from them. */
export interface SpendStore {
  userSpendMicros(userId: string, fromMs: number, toMs: number): Promise<number>;
  /** A server's ledger sum for the UTC day that starts at `dayStart`. */
  guildDaySpendMicros(guildId: string, dayStart: number): Promise<number>;
  /** Every server's ledger sum for the UTC day that starts at `dayStart`. */
  botDaySpendMicros(dayStart: number): Promise<number>;
  userHeldMicros(userId: string): Promise<number>;
  /** The whole ledger of a member. */
  userTotalSpend(userId: string): Promise<PeriodSpend>;
  userPeriodSpend(userId: string, fromMs: number, toMs: number): Promise<PeriodSpend>;
  /** Days without ledger rows are left out; `fromMs` should be a UTC midnight. */
  userDailySpend(userId: string, fromMs: number, toMs: number): Promise<DaySpend[]>;
  /** The same, counting only what the member spent in one server. */
  userDailySpendInGuild(guildId: string, userId: string, fromMs: number, toMs: number): Promise<DaySpend[]>;
  /** The same, counting only what the member spent in one server. */
  userPeriodSpendInGuild(guildId: string, userId: string, fromMs: number, toMs: number): Promise<PeriodSpend>;
  recentJobsInGuild(guildId: string, userId: string, limit: number): Promise<Job[]>;
  /** Spent: jobs with a settlement; held: reservations neither settled nor released; largest first. */
  guildSpendByUser(guildId: string, fromMs: number, toMs: number): Promise<UserSpend[]>;
  budgetOverride(guildId: string, userId: string): Promise<BudgetOverride | undefined>;
  setBudgetOverride(o: { guildId: string; userId: string; dailyMicros: number | null; monthlyMicros: number | null; actorId: string; now: number }): Promise<void>;
  /** False when there was none. */
  clearBudgetOverride(guildId: string, userId: string): Promise<boolean>;
  isPaused(guildId: string): Promise<boolean>;
  setPaused(guildId: string, paused: boolean, actorId: string, now: number): Promise<void>;
  audit(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  recentAudit(guildId: string, limit: number): Promise<AuditRecord[]>;
}
