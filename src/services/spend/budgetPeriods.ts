/** UTC calendar periods that budgets apply to; everything is epoch milliseconds. */
export interface UtcPeriods { dayStart: number; dayEnd: number; monthStart: number; monthEnd: number }

export function utcPeriods(nowMs: number): UtcPeriods {
  const d = new Date(nowMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  return {
    dayStart: Date.UTC(y, m, day),
    dayEnd: Date.UTC(y, m, day + 1),
    monthStart: Date.UTC(y, m, 1),
    monthEnd: Date.UTC(y, m + 1, 1),
  };
}
