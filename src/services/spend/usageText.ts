import type { CommandMention } from '../../i18n/commandNames.ts';
import type { Messages } from '../../i18n/messages.ts';
import type { HistoryEntry } from './usageSummary.ts';
import { fitLines } from './usageSummary.ts';
import type { GuildReport, UsageSummary } from './usageReports.ts';

const discordMaxChars = 2000;
// The reconciliation list matters most in a report, so it gets its share of the message first.
const attentionMaxChars = 1100;
const deliveryProblemsMaxChars = 400;
// Each ~110 characters: the report keeps its room for the money that needs reconciling.
const stalePricesShown = 3;

/** `recentSpend`: whether the last 30 days hold any spend, which a chart then shows; else a sentence says there was none. */
export function renderUsage(m: Messages, userId: string, self: boolean, s: UsageSummary, mention: CommandMention, recentSpend: boolean): string {
  const header = [
    m.usage.title(userId, self),
    ...(s.thisServerOnly ? [m.ops.thisServerOnly(userId, mention)] : []),
    m.usage.spend('today', s.today.totalMicros, s.today.heldMicros),
    m.usage.spend('month', s.month.totalMicros, s.month.heldMicros),
    m.usage.spend('total', s.total.totalMicros, s.total.heldMicros),
    ...(recentSpend ? [] : [m.usage.noRecentSpend]),
    '',
    m.usage.budgetsTitle,
    ...s.budgets.map((line) => m.usage.budget(line)),
    '',
    m.usage.activeTitle(s.activeJobs.length),
    ...(s.activeJobs.length === 0 ? [m.usage.noActiveJobs] : []),
  ].join('\n');
  return fitLines(header, s.activeJobs.map((e) => m.history.line(e)), m.history.more, discordMaxChars);
}

export function renderHistory(m: Messages, userId: string, self: boolean, entries: HistoryEntry[], mention: CommandMention): string {
  if (entries.length === 0) return m.history.empty(self, mention);
  return fitLines(m.history.title(userId, self), entries.map((e) => m.history.line(e)), m.history.more, discordMaxChars);
}

export function renderReport(m: Messages, r: GuildReport, mention: CommandMention): string {
  const attention = r.attention.length === 0 ? m.admin.attentionNone
    : fitLines(m.admin.attentionTitle(r.attention.length), r.attention.map((j) => m.admin.attentionJob(j, mention)), m.admin.more, attentionMaxChars);
  const undelivered = r.deliveryProblems ?? [];
  const drifts = (r.stalePrices ?? []).slice(0, stalePricesShown);
  const problems = (undelivered.length === 0 ? ''
    : `\n\n${fitLines(m.delivery.reportTitle(undelivered.length), undelivered.map((j) => m.delivery.reportJob(j)), m.admin.more, deliveryProblemsMaxChars)}`)
    + (drifts.length === 0 ? '' : `\n\n${m.ops.pricesLookStale(drifts)}`);
  const spent = r.users.reduce((sum, u) => sum + u.spentMicros, 0);
  const held = r.users.reduce((sum, u) => sum + u.heldMicros, 0);
  const header = [m.admin.reportTitle(r.period), r.users.length === 0 ? m.admin.reportEmpty : m.admin.reportTotal(spent, held)].join('\n');
  const spend = fitLines(header, r.users.map((u) => m.admin.reportUser(u)), m.admin.more, discordMaxChars - attention.length - problems.length - 2);
  return `${spend}\n\n${attention}${problems}`;
}
