import { ApplicationCommandOptionType, ApplicationCommandType, ApplicationIntegrationType, InteractionContextType, type ChatInputCommandInteraction, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Config } from '../config.ts';
import type { CommandMention } from '../i18n/commandNames.ts';
import { messagesFor } from '../i18n/messages.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import { hasSpend } from '../services/spend/chartData.ts';
import type { SpendCharts } from '../services/spend/spendCharts.ts';
import { targetMember } from '../services/discord/memberAccess.ts';
import type { JobStore, UsageReports } from '../services/spend/usageReports.ts';
import { renderUsage } from '../services/spend/usageText.ts';
import { attachChart } from './chartReplies.ts';
import { replyEphemeral } from './replies.ts';

export interface SpendCommandDeps {
  config: Config; store: JobStore; reports: UsageReports; clock: Clock; mention: CommandMention; charts: SpendCharts; logger: Logger;
}

/** The `user` option of `/usage` and `/videos`; the command checks that its caller is an admin. */
export const adminUserOption = {
  type: ApplicationCommandOptionType.User, name: 'user', required: false,
  description: 'Admins only: the member to look at (default: you)',
  name_localizations: { ja: 'ユーザー' },
  description_localizations: { ja: '管理者のみ: 表示するメンバー（既定は自分）' },
} as const;

export const usageCommandData = {
  name: 'usage',
  type: ApplicationCommandType.ChatInput,
  description: 'Your video spend, what is left of your budgets and your active jobs',
  description_localizations: { ja: '動画の利用額、予算の残り、実行中のジョブを表示します' },
  contexts: [InteractionContextType.Guild],
  integration_types: [ApplicationIntegrationType.GuildInstall],
  options: [adminUserOption],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

/**
 * The member `/usage` or `/videos` is about, after its checks: guild only, others only for admins (an
 * admin's look at someone else is audited). Undefined once the refusal has been sent.
 */
export async function viewedMember(interaction: ChatInputCommandInteraction, deps: SpendCommandDeps, action: string): Promise<{ guildId: string; userId: string; self: boolean } | undefined> {
  const m = messagesFor(interaction.locale);
  if (!interaction.inGuild()) return void (await replyEphemeral(interaction, m.guildOnly));
  const target = targetMember(interaction, deps.config.adminRoleIds);
  if (!target) return void (await replyEphemeral(interaction, m.usage.othersOnlyForAdmins));
  if (!target.self) {
    await deps.store.spend.audit({ guildId: interaction.guildId, actorId: interaction.user.id, action, targetUserId: target.userId, now: deps.clock.now() });
  }
  return { guildId: interaction.guildId, ...target };
}

export async function executeUsage(interaction: ChatInputCommandInteraction, deps: SpendCommandDeps): Promise<void> {
  const target = await viewedMember(interaction, deps, 'usage_view');
  if (!target) return;
  const m = messagesFor(interaction.locale);
  const summary = await deps.reports.usage(target.guildId, target.userId, target.self);
  const dailyLimit = summary.budgets.find((line) => line.scope === 'user_daily')?.limitMicros ?? null;
  // An admin looking at someone else sees this server's spend only, in the chart as in the text.
  const scope = target.self ? { userId: target.userId } : { userId: target.userId, guildId: target.guildId };
  const chart = await deps.charts.usageData(scope, dailyLimit);
  await replyEphemeral(interaction, renderUsage(m, target.userId, target.self, summary, deps.mention, hasSpend(chart.days)));
  await attachChart(deps, interaction, () => deps.charts.usage(chart, interaction.locale));
}
