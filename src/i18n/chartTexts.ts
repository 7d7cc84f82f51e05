import { formatUsd } from '../money.ts';
import type { ChartBar } from '../services/spend/chartData.ts';
import type { ReportPeriod } from '../services/spend/usageSummary.ts';
import { plural } from './plural.ts';

/**
 * The words drawn into the /usage and /video-admin report charts, and their alt texts, which carry the
 * numbers the picture shows. `omitted` bars did not fit Discord's limit on an alt text.
 */
export interface ChartTexts {
  usageTitle: string;
  usageSubtitle: string;
  usageAlt: (days: readonly ChartBar[], dailyLimitMicros: number | null, omitted: number) => string;
  spent: string;
  reserved: string;
  dailyBudget: (limitMicros: number) => string;
  reportTitle: string;
  reportSubtitle: (period: ReportPeriod) => string;
  reportAlt: (period: ReportPeriod, members: readonly ChartBar[], omitted: number) => string;
  others: (count: number) => string;
}

const amountEn = (b: ChartBar) => (b.reservedMicros > 0
  ? `${formatUsd(b.spentMicros)} spent and ${formatUsd(b.reservedMicros)} reserved`
  : formatUsd(b.spentMicros));
const amountJa = (b: ChartBar) => (b.reservedMicros > 0
  ? `利用 ${formatUsd(b.spentMicros)}、予約 ${formatUsd(b.reservedMicros)}`
  : formatUsd(b.spentMicros));
const periodEn = { today: 'today (UTC)', month: 'this month (UTC)', all: 'all time' } as const;
const periodJa = { today: '今日・UTC', month: '今月・UTC', all: '全期間' } as const;

export const chartsEn: ChartTexts = {
  usageTitle: 'Spend per day',
  usageSubtitle: 'last 30 days (UTC)',
  usageAlt: (days, limit, omitted) => [
    'Bar chart of the daily spend over the last 30 days (UTC); days without spend are left out.',
    ...(omitted > 0 ? [`${plural(omitted, 'earlier day', 'earlier days')} not listed.`] : []),
    `${days.map((d) => `${d.label}: ${amountEn(d)}`).join('; ')}.`,
    ...(limit === null ? [] : [`Daily budget: ${formatUsd(limit)}.`]),
  ].join(' '),
  spent: 'spent',
  reserved: 'reserved',
  dailyBudget: (limit) => `daily budget ${formatUsd(limit)}`,
  reportTitle: 'Spend by member',
  reportSubtitle: (period) => periodEn[period],
  reportAlt: (period, members, omitted) => [
    `Bar chart of the spend by member in this server, ${periodEn[period]}:`,
    `${members.map((b) => `${b.label}: ${amountEn(b)}`).join('; ')}.`,
    ...(omitted > 0 ? [`${plural(omitted, 'more member', 'more members')} not listed.`] : []),
  ].join(' '),
  others: (count) => plural(count, 'other member', 'other members'),
};

export const chartsJa: ChartTexts = {
  usageTitle: '1日ごとの利用額',
  usageSubtitle: '過去30日・UTC',
  usageAlt: (days, limit, omitted) => [
    '過去30日（UTC）の1日ごとの利用額の棒グラフ。利用のない日は省略。',
    ...(omitted > 0 ? [`それより前の${omitted}日分は省略。`] : []),
    `${days.map((d) => `${d.label}: ${amountJa(d)}`).join('、')}。`,
    ...(limit === null ? [] : [`1日の予算: ${formatUsd(limit)}。`]),
  ].join(''),
  spent: '利用',
  reserved: '予約中',
  dailyBudget: (limit) => `1日の予算 ${formatUsd(limit)}`,
  reportTitle: 'メンバー別の利用額',
  reportSubtitle: (period) => periodJa[period],
  reportAlt: (period, members, omitted) => [
    `このサーバーのメンバー別の利用額（${periodJa[period]}）の棒グラフ。`,
    `${members.map((b) => `${b.label}: ${amountJa(b)}`).join('、')}。`,
    ...(omitted > 0 ? [`ほか${omitted}人分は省略。`] : []),
  ].join(''),
  others: (count) => `その他${count}人`,
};
