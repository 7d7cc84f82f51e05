import { ApplicationCommandType, ApplicationIntegrationType, InteractionContextType, MessageFlags, type ChatInputCommandInteraction, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { messagesFor } from '../i18n/messages.ts';
import { targetMember } from '../services/memberAccess.ts';
import { renderHistory } from '../services/usageText.ts';
import { noMentions, replyEphemeral } from './replies.ts';
import { adminUserOption, type SpendCommandDeps } from './usage.ts';

export const videosCommandData = {
  name: 'videos',
  type: ApplicationCommandType.ChatInput,
  description: 'Your last 10 videos in this server: status, cost and links',
  description_localizations: { ja: 'このサーバーで作った最近の動画10件（状態・費用・リンク）を表示します' },
  contexts: [InteractionContextType.Guild],
  integration_types: [ApplicationIntegrationType.GuildInstall],
  options: [adminUserOption],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export async function executeVideos(interaction: ChatInputCommandInteraction, deps: SpendCommandDeps): Promise<void> {
  const m = messagesFor(interaction.locale);
  if (!interaction.inGuild()) return replyEphemeral(interaction, m.guildOnly);
  const target = targetMember(interaction, deps.config.adminRoleIds);
  if (!target) return replyEphemeral(interaction, m.usage.othersOnlyForAdmins);
  if (!target.self) {
    deps.store.spend.audit({ guildId: interaction.guildId, actorId: interaction.user.id, action: 'videos_view', targetUserId: target.userId, now: deps.clock.now() });
  }
  const entries = deps.reports.history(interaction.guildId, target.userId);
  await interaction.reply({
    content: renderHistory(m, target.userId, target.self, entries),
    // Ten links would otherwise unfurl into ten video previews.
    flags: MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds,
    allowedMentions: noMentions,
  });
}
