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

/** The rows a chart plots: one per bar and kind, in USD. Tests compare them with the ledger. */
export interface ChartRow { label: string; kind: string; usd: number; order: number }

const usd = (micros: number) => micros / 1_000_000;

export function chartRows(bars: readonly ChartBar[], t: ChartTexts): ChartRow[] {
  return bars.flatMap((b) => [
    { label: b.label, kind: t.spent, usd: usd(b.spentMicros), order: 0 },
    { label: b.label, kind: t.reserved, usd: usd(b.reservedMicros), order: 1 },
  ]);
}

function frame(t: ChartTexts, title: string) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: palette.background,
    padding: 16,
    title: { text: title, color: palette.text, fontSize: 16, anchor: 'start' as const, offset: 12 },
    config: {
      font: chartFontFamily,
      view: { stroke: null },
      axis: {
        labelColor: palette.muted, titleColor: palette.muted, gridColor: palette.grid, domainColor: palette.grid,
        tickColor: palette.grid, labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' as const,
      },
      legend: { labelColor: palette.text, labelFontSize: 12, labelLimit: 400, orient: 'top' as const, title: null, symbolType: 'square' },
    },
    color: { field: 'kind', type: 'nominal' as const, scale: { domain: [t.spent, t.reserved], range: [palette.spent, palette.reserved] }, legend: { title: null } },
  };
}

/** Bars of spent and reserved USD per UTC day, with the daily budget as a dashed line when there is one. */
export function usageChartSpec(data: UsageChartData, t: ChartTexts): TopLevelSpec {
  const f = frame(t, t.usageTitle);
  const labels = data.days.map((d) => d.label);
  // Every fifth day is labelled, counted back from today so today always is.
  const shownLabels = labels.filter((_, i) => (labels.length - 1 - i) % 5 === 0);
  // Headroom above the tallest bar or the budget line, so the budget's label stays clear of the legend.
  const highest = Math.max(data.dailyLimitMicros ?? 0, ...data.days.map((d) => d.spentMicros + d.reservedMicros));
  const budget = data.dailyLimitMicros === null ? [] : [
    { mark: { type: 'rule' as const, color: palette.budget, strokeWidth: 2, strokeDash: [6, 4] }, encoding: { y: { datum: usd(data.dailyLimitMicros) } } },
    {
      mark: { type: 'text' as const, color: palette.budget, align: 'left' as const, baseline: 'bottom' as const, dy: -4, fontSize: 12 },
      encoding: { x: { value: 4 }, y: { datum: usd(data.dailyLimitMicros) }, text: { value: t.dailyBudget(data.dailyLimitMicros) } },
    },
  ];
  return {
    $schema: f.$schema, background: f.background, padding: f.padding, title: f.title, config: f.config,
    width: 640, height: 240,
    data: { values: chartRows(data.days, t) },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'label', type: 'ordinal', sort: null, title: t.day, axis: { values: shownLabels, labelAngle: 0, labelExpr: 'slice(datum.label, 5)' } },
          y: {
            field: 'usd', type: 'quantitative', stack: 'zero', title: t.amount, axis: { format: '$.2f', tickCount: 5 },
            // An empty month still gets a readable axis, from $0 up.
            scale: { domainMin: 0, domainMax: highest > 0 ? usd(highest) * 1.15 : 1 },
          },
          color: f.color,
          order: { field: 'order' },
        },
      },
      ...budget,
    ],
  } as TopLevelSpec;
}

/** One horizontal bar per member (biggest first), spent and reserved stacked. */
export function reportChartSpec(data: ReportChartData, period: ReportPeriod, t: ChartTexts): TopLevelSpec {
  const f = frame(t, t.reportTitle(period));
  return {
    $schema: f.$schema, background: f.background, padding: f.padding, title: f.title, config: f.config,
    width: 560, height: Math.max(60, data.members.length * 28),
    data: { values: chartRows(data.members, t) },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: null, title: t.member, axis: { labelLimit: 200 } },
      x: { field: 'usd', type: 'quantitative', stack: 'zero', title: t.amount, axis: { format: '$.2f', tickCount: 5 } },
      color: f.color,
      order: { field: 'order' },
    },
  } as TopLevelSpec;
}
