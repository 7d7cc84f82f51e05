import type { Config } from '../../config.ts';

export type OverrideOption = 'daily_usd' | 'monthly_usd';
export interface CeilingExceeded { option: OverrideOption; ceilingMicros: number }

/**
 * The operator's budgets are ceilings for a server admin's per-member overrides: a daily override may
 * not pass USER_DAILY_BUDGET_USD, nor GUILD_DAILY_BUDGET_USD (a member never spends more in a day than
 * the whole server may); a monthly one may not pass USER_MONTHLY_BUDGET_USD. A configured 0 means no
 * limit, so it sets no ceiling. Null: nothing bounds that option.
 */
export function overrideCeilings(config: Pick<Config, 'userDailyBudgetMicros' | 'userMonthlyBudgetMicros' | 'guildDailyBudgetMicros'>): Record<OverrideOption, number | null> {
  const positive = (...micros: number[]) => {
    const set = micros.filter((m) => m > 0);
    return set.length === 0 ? null : Math.min(...set);
  };
  return {
    daily_usd: positive(config.userDailyBudgetMicros, config.guildDailyBudgetMicros),
    monthly_usd: positive(config.userMonthlyBudgetMicros),
  };
}

/** The first amount of an override that is above its ceiling, if any. */
export function ceilingExceeded(
  change: { dailyMicros: number | null; monthlyMicros: number | null },
  ceilings: Record<OverrideOption, number | null>,
): CeilingExceeded | undefined {
  const amounts: [OverrideOption, number | null][] = [['daily_usd', change.dailyMicros], ['monthly_usd', change.monthlyMicros]];
  for (const [option, micros] of amounts) {
    const ceiling = ceilings[option];
    if (micros !== null && ceiling !== null && micros > ceiling) return { option, ceilingMicros: ceiling };
  }
  return undefined;
}
