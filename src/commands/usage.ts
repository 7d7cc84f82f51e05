import { ApplicationCommandOptionType, ApplicationCommandType, ApplicationIntegrationType, InteractionContextType, type ChatInputCommandInteraction, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Config } from '../config.ts';
import type { JobStore } from '../db/jobStore.ts';
import { messagesFor } from '../i18n/messages.ts';
import type { Clock } from '../services/clock.ts';
import { targetMember } from '../services/memberAccess.ts';
import type { UsageReports } from '../services/usageReports.ts';
import { renderUsage } from '../services/usageText.ts';
import { replyEphemeral } from './replies.ts';

export interface SpendCommandDeps { config: Config; store: JobStore; reports: UsageReports; clock: Clock }

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

export async function executeUsage(interaction: ChatInputCommandInteraction, deps: SpendCommandDeps): Promise<void> {
  const m = messagesFor(interaction.locale);
  if (!interaction.inGuild()) return replyEphemeral(interaction, m.guildOnly);
  const target = targetMember(interaction, deps.config.adminRoleIds);
  if (!target) return replyEphemeral(interaction, m.usage.othersOnlyForAdmins);
  if (!target.self) {
    deps.store.spend.audit({ guildId: interaction.guildId, actorId: interaction.user.id, action: 'usage_view', targetUserId: target.userId, now: deps.clock.now() });
  }
  const summary = deps.reports.usage(interaction.guildId, target.userId);
  await replyEphemeral(interaction, renderUsage(m, target.userId, target.self, summary));
}
