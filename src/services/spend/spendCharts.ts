import type { Clock } from '../../clock.ts';
import type { JobStore } from '../../db/jobStore.ts';
import { chartsEn, type ChartTexts } from '../../i18n/chartTexts.ts';
import { languageFor, messagesFor } from '../../i18n/messages.ts';
import { utcPeriods } from './budgetPeriods.ts';
import { dailyBars, memberBars, usageChartWindow, type UsageChartData } from './chartData.ts';
import type { ChartRenderer } from './chartRenderer.ts';
import { reportChartSpec, usageChartSpec } from './chartSpecs.ts';
import type { GuildReport } from './usageReports.ts';

/** A chart ready to attach: PNG bytes, a file name and the alt text Discord shows for it. */
export interface ChartFile { name: string; data: Buffer; description: string }

/** Whose spend: a member's whole ledger, or (for an admin looking at them) one server's part of it. */
export interface SpendScope { userId: string; guildId?: string }

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

    async usage(scope: SpendScope, dailyLimitMicros: number | null, locale: string | null | undefined): Promise<ChartFile> {
      const t = await textsFor(locale);
      const data = await renderer.render(usageChartSpec(await usageData(scope, dailyLimitMicros), t));
      return { name: 'daily-spend.png', data, description: t.usageAlt };
    },

    /** Nothing to draw for a period without spend. */
    async report(report: GuildReport, names: ReadonlyMap<string, string>, locale: string | null | undefined): Promise<ChartFile | undefined> {
      if (report.users.length === 0) return undefined;
      const t = await textsFor(locale);
      const data = await renderer.render(reportChartSpec({ members: memberBars(report.users, names, t.others) }, report.period, t));
      return { name: 'spend-by-member.png', data, description: t.reportAlt };
    },
  };
}

export type SpendCharts = ReturnType<typeof createSpendCharts>;
