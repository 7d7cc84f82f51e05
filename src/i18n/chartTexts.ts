import { formatUsd } from '../money.ts';
import type { ReportPeriod } from '../services/spend/usageSummary.ts';
import { plural } from './plural.ts';

/** The words drawn into the /usage and /video-admin report charts, and their alt texts. */
export interface ChartTexts {
  usageTitle: string;
  usageAlt: string;
  day: string;
  amount: string;
  spent: string;
  reserved: string;
  dailyBudget: (limitMicros: number) => string;
  reportTitle: (period: ReportPeriod) => string;
  reportAlt: string;
  member: string;
  others: (count: number) => string;
}

export const chartsEn: ChartTexts = {
  usageTitle: 'Daily spend, last 30 days (UTC)',
  usageAlt: 'Bar chart of the daily spend over the last 30 days, with the daily budget as a line',
  day: 'Day (UTC)',
  amount: 'USD',
  spent: 'spent',
  reserved: 'reserved (unfinished jobs)',
  dailyBudget: (limit) => `daily budget ${formatUsd(limit)}`,
  reportTitle: (period) => `Spend by member, ${{ today: 'today (UTC)', month: 'this month (UTC)', all: 'all time' }[period]}`,
  reportAlt: 'Bar chart of the spend of each member in this server for the period',
  member: 'Member',
  others: (count) => plural(count, 'other member', 'other members'),
};

export const chartsJa: ChartTexts = {
  usageTitle: '1日ごとの利用額（過去30日・UTC）',
  usageAlt: '過去30日の1日ごとの利用額の棒グラフ（線は1日の予算）',
  day: '日付（UTC）',
  amount: 'ドル',
  spent: '利用',
  reserved: '予約中（未完了のジョブ）',
  dailyBudget: (limit) => `1日の予算 ${formatUsd(limit)}`,
  reportTitle: (period) => `メンバー別の利用額（${{ today: '今日・UTC', month: '今月・UTC', all: '全期間' }[period]}）`,
  reportAlt: 'このサーバーのメンバー別の利用額の棒グラフ',
  member: 'メンバー',
  others: (count) => `その他${count}人`,
};
