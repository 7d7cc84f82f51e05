import type { Clock } from '../../clock.ts';
import type { JobStore } from '../../db/jobStore.ts';
import { chartsEn, type ChartTexts } from '../../i18n/chartTexts.ts';
import { languageFor, messagesFor } from '../../i18n/messages.ts';
import { utcPeriods } from './budgetPeriods.ts';
import { dailyBars, hasSpend, memberBars, usageChartWindow, type ChartBar, type UsageChartData } from './chartData.ts';
import type { ChartRenderer } from './chartRenderer.ts';
import { reportChartSpec, usageChartSpec } from './chartSpecs.ts';
import type { GuildReport } from './usageReports.ts';

/** A chart ready to attach: PNG bytes, a file name and the alt text Discord shows for it. */
export interface ChartFile { name: string; data: Buffer; description: string }

/** Whose spend: a member's whole ledger, or (for an admin looking at them) one server's part of it. */
export interface SpendScope { userId: string; guildId?: string }

/** Discord's limit on an attachment's description. */
const maxAltTextLength = 1024;

/**
 * The alt text with as many bars as fit Discord's limit: `drop` says which bars go first (the oldest
 * days, the smallest spenders), and the text counts the ones left out.
 */
export function fittedAltText(bars: readonly ChartBar[], text: (shown: readonly ChartBar[], omitted: number) => string, drop: 'first' | 'last'): string {
  for (let omitted = 0; omitted <= bars.length; omitted++) {
    const shown = drop === 'first' ? bars.slice(omitted) : bars.slice(0, bars.length - omitted);
    const alt = text(shown, omitted);
    if (alt.length <= maxAltTextLength) return alt;
  }
  return text([], bars.length).slice(0, maxAltTextLength);
}

/** The pictures of `/usage` and `/video-admin report`, read from the ledger at the clock's now. */
export function createSpendCharts(deps: { store: JobStore; clock: Clock; renderer: ChartRenderer }) {
  const { store, clock, renderer } = deps;

  /** Japanese labels only where a font can draw them; English is better than empty boxes. */
  async function textsFor(locale: string | null | undefined): Promise<ChartTexts> {
    if (languageFor(locale) === 'ja' && !(await renderer.canDrawJapanese())) return chartsEn;
    return messagesFor(locale).charts;
  }

  /** The ledger per UTC day (the whole of it as budgets count it, or one server's), today and the 29 days before. */
  async function usageData(scope: SpendScope, dailyLimitMicros: number | null): Promise<UsageChartData> {
    const { fromMs, toMs } = usageChartWindow(utcPeriods(clock.now()).dayStart);
    const rows = await (scope.guildId === undefined
      ? store.spend.userDailySpend(scope.userId, fromMs, toMs)
      : store.spend.userDailySpendInGuild(scope.guildId, scope.userId, fromMs, toMs));
    return { days: dailyBars(rows, fromMs), dailyLimitMicros };
  }

  return {
    usageData,

    /** Nothing to draw for 30 days without spend: the text says so in a sentence instead. */
    async usage(data: UsageChartData, locale: string | null | undefined): Promise<ChartFile | undefined> {
      if (!hasSpend(data.days)) return undefined;
      const t = await textsFor(locale);
      const png = await renderer.render(usageChartSpec(data, t));
      const spendDays = data.days.filter((d) => d.spentMicros + d.reservedMicros > 0);
      const description = fittedAltText(spendDays, (shown, omitted) => t.usageAlt(shown, data.dailyLimitMicros, omitted), 'first');
      return { name: 'daily-spend.png', data: png, description };
    },

    /** Nothing to draw for a period without spend. */
    async report(report: GuildReport, names: ReadonlyMap<string, string>, locale: string | null | undefined): Promise<ChartFile | undefined> {
      if (report.users.length === 0) return undefined;
      const t = await textsFor(locale);
      const members = memberBars(report.users, names, t.others);
      const png = await renderer.render(reportChartSpec({ members }, report.period, t));
      const description = fittedAltText(members, (shown, omitted) => t.reportAlt(report.period, shown, omitted), 'last');
      return { name: 'spend-by-member.png', data: png, description };
    },
  };
}

export type SpendCharts = ReturnType<typeof createSpendCharts>;
