import type { TopLevelSpec } from 'vega-lite';
import type { ChartTexts } from '../../i18n/chartTexts.ts';
import type { ReportPeriod } from './usageSummary.ts';
import type { ChartBar, ReportChartData, UsageChartData } from './chartData.ts';

/**
 * A solid card in Discord's own dark grey with light text: the picture carries its background, so it
 * reads the same on the dark and the light theme.
 */
const palette = { background: '#313338', text: '#f2f3f5', muted: '#b5bac1', grid: '#4e5058', spent: '#5865f2', reserved: '#a4abf9', budget: '#f0b232' };
/** Latin text in DejaVu Sans (Debian's default); resvg falls back per glyph to whatever CJK font is installed. */
export const chartFontFamily = 'DejaVu Sans, Noto Sans CJK JP, Noto Sans JP, IPAGothic, IPAexGothic, sans-serif';

/**
 * Discord shows a picture about 550 px wide on a desktop and 340 px on a phone. Drawn 340 px wide, the
 * chart appears on a phone at its own size and on a desktop enlarged, so text drawn at 16 px (Discord's
 * message text) is never smaller than the messages around it.
 */
export const chartWidthPx = 340;
export const chartTextPx = 16;
const chartTitlePx = 17;

/** The rows a chart plots: one per bar and kind, in USD. Tests compare them with the ledger. */
export interface ChartRow { label: string; kind: string; usd: number; order: number }

const usd = (micros: number) => micros / 1_000_000;

export function chartRows(bars: readonly ChartBar[], t: ChartTexts): ChartRow[] {
  return bars.flatMap((b) => [
    { label: b.label, kind: t.spent, usd: usd(b.spentMicros), order: 0 },
    { label: b.label, kind: t.reserved, usd: usd(b.reservedMicros), order: 1 },
  ]);
}

/** What both charts share. Axis titles are left out: the title, the $ on every amount and the dates say it, in less room. */
function frame(t: ChartTexts, title: { text: string; subtitle: string }, heightPx: number) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: palette.background,
    padding: 10,
    // The whole picture (axes, legend and title included) is `width` wide.
    autosize: { type: 'fit', contains: 'padding' },
    width: chartWidthPx,
    height: heightPx,
    title: {
      ...title, color: palette.text, fontSize: chartTitlePx, subtitleColor: palette.muted, subtitleFontSize: chartTextPx,
      anchor: 'start' as const, offset: 10, limit: chartWidthPx - 20,
    },
    config: {
      font: chartFontFamily,
      view: { stroke: null },
      axis: {
        labelColor: palette.muted, gridColor: palette.grid, domainColor: palette.grid, tickColor: palette.grid,
        labelFontSize: chartTextPx, title: null,
      },
      legend: {
        labelColor: palette.text, labelFontSize: chartTextPx, labelLimit: chartWidthPx, orient: 'top' as const, direction: 'horizontal' as const,
        title: null, symbolType: 'square', symbolSize: 160, columnPadding: 16,
      },
      text: { fontSize: chartTextPx },
    },
    color: { field: 'kind', type: 'nominal' as const, scale: { domain: [t.spent, t.reserved], range: [palette.spent, palette.reserved] }, legend: { title: null } },
  };
}

/** Bars of spent and reserved USD per UTC day, with the daily budget as a dashed line when there is one. */
export function usageChartSpec(data: UsageChartData, t: ChartTexts): TopLevelSpec {
  const { color, ...f } = frame(t, { text: t.usageTitle, subtitle: t.usageSubtitle }, 280);
  const labels = data.days.map((d) => d.label);
  // Every tenth day is labelled, counted back from today so today always is: three dates sit apart at 16 px.
  const shownLabels = labels.filter((_, i) => (labels.length - 1 - i) % 10 === 0);
  // Headroom above the tallest bar or the budget line, so the budget's label stays clear of the legend.
  const highest = Math.max(data.dailyLimitMicros ?? 0, ...data.days.map((d) => d.spentMicros + d.reservedMicros));
  const budget = data.dailyLimitMicros === null ? [] : [
    { mark: { type: 'rule' as const, color: palette.budget, strokeWidth: 2, strokeDash: [6, 4] }, encoding: { y: { datum: usd(data.dailyLimitMicros) } } },
    {
      mark: { type: 'text' as const, color: palette.budget, align: 'left' as const, baseline: 'bottom' as const, dy: -4, fontSize: chartTextPx },
      encoding: { x: { value: 4 }, y: { datum: usd(data.dailyLimitMicros) }, text: { value: t.dailyBudget(data.dailyLimitMicros) } },
    },
  ];
  return {
    ...f,
    data: { values: chartRows(data.days, t) },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'label', type: 'ordinal', sort: null, axis: { values: shownLabels, labelAngle: 0, labelExpr: 'slice(datum.label, 5)' } },
          y: {
            field: 'usd', type: 'quantitative', stack: 'zero', axis: { format: '$.2f', tickCount: 4 },
            // An empty month still gets a readable axis, from $0 up.
            scale: { domainMin: 0, domainMax: highest > 0 ? usd(highest) * 1.2 : 1 },
          },
          color,
          order: { field: 'order' },
        },
      },
      ...budget,
    ],
  } as TopLevelSpec;
}

/** A member's row: their name and total on one line, their bar on the next. */
const memberRowPx = 40;

/**
 * One row per member (biggest first): the name and the amount written above a bar of spent and
 * reserved stacked. Beside an axis, names would get a third of 340 px; above the bar they get all of it.
 */
export function reportChartSpec(data: ReportChartData, period: ReportPeriod, t: ChartTexts): TopLevelSpec {
  const { color, ...f } = frame(t, { text: t.reportTitle, subtitle: t.reportSubtitle(period) }, 100 + data.members.length * memberRowPx);
  const y = { field: 'label', type: 'nominal', sort: null, axis: null, scale: { paddingInner: 0, paddingOuter: 0 } };
  const totals = data.members.map((b) => ({ label: b.label, total: usd(b.spentMicros + b.reservedMicros) }));
  const words = { type: 'text', baseline: 'bottom', dy: -1, fontSize: chartTextPx } as const;
  return {
    ...f,
    layer: [
      {
        data: { values: chartRows(data.members, t) },
        mark: { type: 'bar', height: 14, yOffset: 9 },
        encoding: { y, x: { field: 'usd', type: 'quantitative', stack: 'zero', axis: null }, color, order: { field: 'order' } },
      },
      {
        data: { values: totals },
        mark: { ...words, align: 'left', color: palette.text, limit: chartWidthPx - 110 },
        encoding: { y, x: { value: 0 }, text: { field: 'label' } },
      },
      {
        data: { values: totals },
        mark: { ...words, align: 'right', color: palette.muted },
        encoding: { y, x: { value: { expr: 'width' } }, text: { field: 'total', format: '$.2f' } },
      },
    ],
  } as TopLevelSpec;
}
