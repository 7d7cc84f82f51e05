import { time, TimestampStyles, userMention, type TimestampStylesString } from 'discord.js';
import { formatUsd } from '../money.ts';
import { chartsEn } from './chartTexts.ts';
import { plural } from './plural.ts';
import { formatProviderUsd } from '../services/spend/usageSummary.ts';
import { opsEn } from './opsEn.ts';
import type { SpendMessages } from './spendMessages.ts';
import { settingsSummary } from '../models/describeSettings.ts';
import { modelEn } from './modelEn.ts';

const ts = (ms: number, style: TimestampStylesString = TimestampStyles.RelativeTime) => time(Math.floor(ms / 1000), style);
const configured = (micros: number) => (micros > 0 ? formatUsd(micros) : 'no limit');
const limitOf = (override: number | null | undefined, fallback: number) =>
  override === null || override === undefined ? `${configured(fallback)} (default)` : `${formatUsd(override)} (override)`;

export const spendEn: SpendMessages = {
  usage: {
    title: (userId, self) => (self ? '📊 **Your usage**' : `📊 **Usage of ${userMention(userId)}**`),
    spend: (period, total, held) => {
      const label = { today: 'Today (UTC)', month: 'This month (UTC)', total: 'In total' }[period];
      return `${label}: **${formatUsd(total)}**${held > 0 ? ` (${formatUsd(held)} of it reserved for unfinished jobs)` : ''}`;
    },
    budgetsTitle: '**Budgets**',
    budget: (line) => {
      const name = { user_daily: 'Daily', user_monthly: 'Monthly', guild_daily: "This server's daily", bot_daily: "The bot's daily (all servers)" }[line.scope];
      if (line.limitMicros === null || line.remainingMicros === null) return `${name}: no limit`;
      return `${name}: ${formatUsd(line.remainingMicros)} left of ${formatUsd(line.limitMicros)}${line.overridden ? ' (set by an admin)' : ''}, resets ${ts(line.resetsAt)}`;
    },
    activeTitle: (count) => `**Active jobs (${count})**`,
    noActiveJobs: 'No active jobs.',
    noRecentSpend: 'Nothing spent in the last 30 days.',
    othersOnlyForAdmins: 'Only admins (Manage Server or an admin role) can look at another member. Leave out `user` to see your own.',
  },
  history: {
    title: (userId, self) => (self ? '🎞️ **Your latest videos in this server**' : `🎞️ **Latest videos of ${userMention(userId)} in this server**`),
    empty: (self, command) => (self ? `You have not made any videos in this server yet. Try ${command('video')}.` : 'This member has not made any videos in this server.'),
    status: {
      awaiting_confirmation: 'waiting for ✅', queued: 'queued', submitting: 'sending', submitted: 'generating',
      completed: 'posting', delivered: 'done', failed: 'failed', cancelled: 'cancelled', expired: 'expired',
      timed_out: 'timed out', submit_unknown: 'outcome unknown',
    },
    line: (e) => {
      const cost = e.cost.kind === 'charged' ? formatUsd(e.cost.micros)
        : e.cost.kind === 'reserved' ? `${formatUsd(e.cost.micros)} reserved` : 'not charged';
      const label = e.link && { video: 'video', result: 'result', status: 'message' }[e.link.kind];
      return `\`#${e.jobId}\` ${ts(e.createdAt)} · ${spendEn.history.status[e.status]} · ${settingsSummary(e.settings, modelEn)} · ${cost} · ${e.erased ? '(prompt erased)' : `“${e.prompt}”`}${e.link ? ` · [${label}](${e.link.url})` : ''}`;
    },
    more: (count) => `…and ${count} more not shown.`,
  },
  admin: {
    notAdmin: (command) => `Only admins can use ${command('video-admin')}: it needs Manage Server or one of the admin roles.`,
    invalidAmount: (option) => `\`${option}\` must be a USD amount of 0 or more with at most 6 decimals (0 stops this member's videos).`,
    clearWithAmounts: 'Use either `clear` or new amounts, not both.',
    budgetShow: (userId, o, dailyDefault, monthlyDefault) =>
      `Limits of ${userMention(userId)}: daily ${limitOf(o?.dailyMicros, dailyDefault)}, monthly ${limitOf(o?.monthlyMicros, monthlyDefault)}. Pass \`daily_usd\`, \`monthly_usd\` or \`clear\` to change them.`,
    budgetSet: (userId, o, dailyDefault, monthlyDefault, command) =>
      `Limits of ${userMention(userId)} are now: daily ${limitOf(o.dailyMicros, dailyDefault)}, monthly ${limitOf(o.monthlyMicros, monthlyDefault)}. They apply from their next ${command('video')}.`,
    budgetCleared: (userId, existed) => (existed
      ? `${userMention(userId)} is back on the default limits.`
      : `${userMention(userId)} had no override; the default limits apply.`),
    paused: (command) => `⏸️ Paused: new ${command('video')} requests and confirmations in this server are refused, and queued jobs wait; jobs already started will finish. ${command('video-admin', 'resume')} allows them again.`,
    resumed: (command) => `▶️ Resumed: ${command('video')} works again in this server.`,
    reportTitle: (period) => `📒 **Spend in this server ${{ today: 'today (UTC)', month: 'this month (UTC)', all: 'in total' }[period]}**`,
    reportUser: (s) =>
      `${userMention(s.userId)}: ${formatUsd(s.spentMicros)} spent${s.heldMicros > 0 ? `, ${formatUsd(s.heldMicros)} reserved` : ''} · ${plural(s.jobs, 'job', 'jobs')}`,
    reportTotal: (spent, held) => `Total: **${formatUsd(spent)}** spent, ${formatUsd(held)} reserved`,
    reportEmpty: 'Nothing was spent in this period.',
    attentionTitle: (count) =>
      `**To reconcile with the provider's bill (${count})**: jobs whose submit got no answer, or that timed out, still hold their reservation.`,
    attentionJob: (j, command) => {
      const what = j.status === 'submit_unknown' ? 'submit outcome unknown' : 'timed out';
      const task = j.taskId ? `task \`${j.taskId}\`` : 'no task id (the submit got no answer)';
      if (j.status === 'unusable_link') {
        return `\`#${j.jobId}\` ${userMention(j.userId)} · the provider returned an unusable video link: settled, never posted · ${task} · ${ts(j.createdAt, TimestampStyles.ShortDateTime)}`;
      }
      return `\`#${j.jobId}\` ${userMention(j.userId)} · ${what} · ${formatUsd(j.reservedMicros)} reserved · ${task} · ${ts(j.createdAt, TimestampStyles.ShortDateTime)}\n  → ${opsEn.ops.resolveHint(j.jobId, j.resolvableAt, command)}`;
    },
    attentionNone: 'No jobs with an unknown outcome or a timeout: nothing to reconcile.',
    more: (count) => `…and ${count} more not shown.`,
    balance: (b) => {
      const used = b.usedUsd !== null ? `, ${formatProviderUsd(b.usedUsd)} used` : '';
      if (b.unlimited) return `💳 Provider balance: unlimited quota${used}.`;
      return `💳 Provider balance: **${b.remainingUsd !== null ? formatProviderUsd(b.remainingUsd) : 'unknown'}** left${used}.`;
    },
    balanceFailed: (f) => {
      if (f.kind === 'refused') {
        return `Could not read the provider balance: apimart refused the request${f.status >= 300 ? ` (HTTP ${f.status})` : ''}${f.detail ? `: “${f.detail}”` : ''}. Check \`APIMART_API_KEY\` and the apimart account.`;
      }
      if (f.kind === 'unreachable') return 'Could not read the provider balance: apimart did not answer. Try again in a minute.';
      return "Could not read the provider balance: apimart's answer had an unexpected shape. The details are in the bot's log.";
    },
  },
  charts: chartsEn,
};
