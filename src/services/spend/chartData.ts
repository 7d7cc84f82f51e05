import type { DaySpend, UserSpend } from '../../db/spendStore.ts';

const dayMs = 86_400_000;
export const usageChartDays = 30;
/**
 * Members the report chart names; past that the rest share one bar. Written at 16 px above its bar, a
 * member takes a row of 40 px: six rows keep the chart about as tall as it is wide.
 */
export const maxChartedMembers = 6;

/** One bar of a chart: what was settled, and what unfinished jobs still hold. */
export interface ChartBar { label: string; spentMicros: number; reservedMicros: number }

export interface UsageChartData { days: ChartBar[]; dailyLimitMicros: number | null }
export interface ReportChartData { members: ChartBar[] }

/** The window of the usage chart: the last `days` UTC days, today included. */
export function usageChartWindow(todayStartMs: number, days = usageChartDays): { fromMs: number; toMs: number } {
  return { fromMs: todayStartMs - (days - 1) * dayMs, toMs: todayStartMs + dayMs };
}

/** Whether any bar holds money: a chart of nothing but zero bars says less than a sentence. */
export function hasSpend(bars: readonly ChartBar[]): boolean {
  return bars.some((b) => b.spentMicros + b.reservedMicros > 0);
}

/** Every day of the window, labelled YYYY-MM-DD; a day without ledger rows is a zero bar. */
export function dailyBars(rows: readonly DaySpend[], fromMs: number, days = usageChartDays): ChartBar[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return Array.from({ length: days }, (_, day) => {
    const row = byDay.get(day);
    const held = row?.heldMicros ?? 0;
    return {
      label: new Date(fromMs + day * dayMs).toISOString().slice(0, 10),
      spentMicros: (row?.totalMicros ?? 0) - held,
      reservedMicros: held,
    };
  });
}

/**
 * The biggest spenders by name, the rest folded into one bar so the chart stays readable.
 * `names` maps user ids to display names; an unknown member shows the end of their id.
 */
export function memberBars(users: readonly UserSpend[], names: ReadonlyMap<string, string>, others: (count: number) => string, max = maxChartedMembers): ChartBar[] {
  const bar = (u: UserSpend): ChartBar => ({ label: names.get(u.userId) ?? `…${u.userId.slice(-6)}`, spentMicros: u.spentMicros, reservedMicros: u.heldMicros });
  const sorted = [...users].sort((a, b) => b.spentMicros + b.heldMicros - (a.spentMicros + a.heldMicros));
  const shown = sorted.length <= max ? sorted : sorted.slice(0, max - 1);
  const rest = sorted.slice(shown.length);
  const bars = distinctLabels(shown.map(bar), shown.map((u) => u.userId));
  if (rest.length === 0) return bars;
  return [...bars, {
    label: others(rest.length),
    spentMicros: rest.reduce((sum, u) => sum + u.spentMicros, 0),
    reservedMicros: rest.reduce((sum, u) => sum + u.heldMicros, 0),
  }];
}

/** Two members may share a display name; each keeps a bar of their own. */
function distinctLabels(bars: ChartBar[], userIds: string[]): ChartBar[] {
  const counts = new Map<string, number>();
  for (const b of bars) counts.set(b.label, (counts.get(b.label) ?? 0) + 1);
  return bars.map((b, i) => ((counts.get(b.label) ?? 0) > 1 ? { ...b, label: `${b.label} (…${userIds[i]!.slice(-4)})` } : b));
}
