import type { BudgetOverride } from './spendStore.ts';
import type { BudgetScope, BudgetWindow, CreateJobResult, NewJob } from './newJob.ts';

/** What a reservation has used so far in each budget's period; read only for the limits that apply. */
export type BudgetUse = (scope: BudgetScope) => number;

/**
 * The first budget a new job would exceed, with what remains and when it resets; undefined when it
 * fits them all. Both engines decide with this, each reading the sums inside its own reservation.
 */
export function budgetRejection(input: NewJob, w: BudgetWindow, override: BudgetOverride | undefined, used: BudgetUse): CreateJobResult | undefined {
  // A configured limit of 0 means "no limit"; an admin's override of 0 means "nothing", so it is kept apart.
  const limit = (overrideMicros: number | null | undefined, configured: number) =>
    overrideMicros ?? (configured > 0 ? configured : null);
  const checks: { scope: BudgetScope; limit: number | null; resetsAt: number }[] = [
    { scope: 'user_daily', limit: limit(override?.dailyMicros, w.userDailyMicros), resetsAt: w.dayEnd },
    { scope: 'user_monthly', limit: limit(override?.monthlyMicros, w.userMonthlyMicros), resetsAt: w.monthEnd },
    { scope: 'guild_daily', limit: limit(undefined, w.guildDailyMicros), resetsAt: w.dayEnd },
    { scope: 'bot_daily', limit: limit(undefined, w.botDailyMicros), resetsAt: w.dayEnd },
  ];
  for (const check of checks) {
    if (check.limit === null) continue;
    const remaining = check.limit - used(check.scope);
    if (input.estimateMicros > remaining) {
      return { ok: false, reason: 'budget', scope: check.scope, limitMicros: check.limit,
        remainingMicros: Math.max(0, remaining), resetsAt: check.resetsAt };
    }
  }
  return undefined;
}

/** A re-roll of the same parent within its dedupe window is the same request (a burst of 🔁). */
export function isRepeatedReroll(input: NewJob, w: BudgetWindow, lastChildAt: number | null | undefined): boolean {
  return Boolean(input.parentJobId) && (lastChildAt ?? -Infinity) > w.now - (input.rerollDedupeMs ?? 0);
}
