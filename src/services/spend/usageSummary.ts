import { escapeMarkdown } from 'discord.js';
import type { BudgetScope } from '../../db/jobStore.ts';
import type { Job, JobStatus } from '../../db/job.ts';
import type { BudgetOverride } from '../../db/spendStore.ts';
import { formatUsd } from '../../money.ts';
import type { VideoSettings } from '../../videoGenerationRequest.ts';
import { utcPeriods } from './budgetPeriods.ts';

/** One budget as a member sees it; a null limit (and remainder) means no limit. */
export interface BudgetLine {
  scope: BudgetScope;
  limitMicros: number | null;
  usedMicros: number;
  remainingMicros: number | null;
  resetsAt: number;
  overridden: boolean;
}

export interface BudgetDefaults { userDailyMicros: number; userMonthlyMicros: number; guildDailyMicros: number }
export interface BudgetUse { userDayMicros: number; userMonthMicros: number; guildDayMicros: number }

/**
 * The limits `createJob` enforces: a configured 0 means no limit, while an admin's override is taken
 * as given (an override of 0 allows nothing).
 */
export function budgetLines(defaults: BudgetDefaults, override: BudgetOverride | undefined, use: BudgetUse, nowMs: number): BudgetLine[] {
  const p = utcPeriods(nowMs);
  const line = (scope: BudgetScope, configured: number, overrideMicros: number | null, usedMicros: number, resetsAt: number): BudgetLine => {
    const limitMicros = overrideMicros ?? (configured > 0 ? configured : null);
    return {
      scope, limitMicros, usedMicros, resetsAt, overridden: overrideMicros !== null,
      remainingMicros: limitMicros === null ? null : Math.max(0, limitMicros - usedMicros),
    };
  };
  const lines = [
    line('user_daily', defaults.userDailyMicros, override?.dailyMicros ?? null, use.userDayMicros, p.dayEnd),
    line('user_monthly', defaults.userMonthlyMicros, override?.monthlyMicros ?? null, use.userMonthMicros, p.monthEnd),
    line('guild_daily', defaults.guildDailyMicros, null, use.guildDayMicros, p.dayEnd),
  ];
  // A server without a daily cap has nothing to tell its members about it.
  return lines.filter((l) => l.scope !== 'guild_daily' || l.limitMicros !== null);
}

export const reportPeriods = ['today', 'month', 'all'] as const;
export type ReportPeriod = (typeof reportPeriods)[number];

export function reportWindow(period: ReportPeriod, nowMs: number): { fromMs: number; toMs: number } {
  const p = utcPeriods(nowMs);
  if (period === 'today') return { fromMs: p.dayStart, toMs: p.dayEnd };
  if (period === 'month') return { fromMs: p.monthStart, toMs: p.monthEnd };
  return { fromMs: 0, toMs: Number.MAX_SAFE_INTEGER };
}

export type HistoryCost =
  | { kind: 'charged'; micros: number }
  | { kind: 'reserved'; micros: number }
  | { kind: 'none' };
export type HistoryLink = { kind: 'video' | 'result' | 'status'; url: string };

export interface HistoryEntry {
  jobId: number;
  createdAt: number;
  prompt: string;
  status: JobStatus;
  cost: HistoryCost;
  link: HistoryLink | null;
  /** What was asked, in the member's words (the label escaped for Markdown). */
  settings: VideoSettings;
  /** RETENTION_DAYS erased the prompt: say so rather than show empty quotes. */
  erased?: true;
}

const endedWithoutCharge: readonly JobStatus[] = ['failed', 'cancelled', 'expired'];

export function messageUrl(guildId: string, channelId: string, messageId: string): string {
  return `https://discord.com/channels/${guildId}/${channelId}/${messageId}`;
}

/** One line of text, at most `maxChars` characters (code points, so emoji are never cut in half). */
export function shortPrompt(prompt: string, maxChars: number): string {
  const flat = prompt.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length > maxChars ? `${chars.slice(0, maxChars - 1).join('').trimEnd()}…` : flat;
}

export function historyEntry(job: Job, nowMs: number, promptChars = 48): HistoryEntry {
  const cost: HistoryCost = job.costMicros !== null ? { kind: 'charged', micros: job.costMicros }
    : endedWithoutCharge.includes(job.status) ? { kind: 'none' }
      : { kind: 'reserved', micros: job.estimateMicros };
  const channelId = job.statusChannelId ?? job.channelId;
  let link: HistoryLink | null = null;
  if (job.videoUrl && (job.videoExpiresAt === null || job.videoExpiresAt > nowMs)) link = { kind: 'video', url: job.videoUrl };
  else if (job.resultMessageId) link = { kind: 'result', url: messageUrl(job.guildId, channelId, job.resultMessageId) };
  else if (job.statusMessageId) link = { kind: 'status', url: messageUrl(job.guildId, channelId, job.statusMessageId) };
  return { jobId: job.id, createdAt: job.createdAt, prompt: escapeMarkdown(shortPrompt(job.request.prompt, promptChars), { maskedLink: true }), status: job.status, cost, link,
    settings: { ...job.settings, modelLabel: escapeMarkdown(job.settings.modelLabel) },
    ...(job.erasedAt != null ? { erased: true as const } : {}) };
}

/**
 * Joins lines under a header without passing Discord's 2000-character limit: lines that do not fit
 * are dropped from the end and counted in `more(n)`.
 */
export function fitLines(header: string, lines: readonly string[], more: (n: number) => string, maxChars = 2000): string {
  for (let shown = lines.length; shown >= 0; shown--) {
    const tail = shown < lines.length ? [more(lines.length - shown)] : [];
    const text = [header, ...lines.slice(0, shown), ...tail].join('\n');
    if (text.length <= maxChars) return text;
  }
  return header.slice(0, maxChars);
}

/** The provider reports balances as decimal USD; shown like every other amount. */
export function formatProviderUsd(usd: number): string {
  return formatUsd(Math.round(usd * 1_000_000));
}
