import { ApplicationCommandType, ApplicationIntegrationType, InteractionContextType, MessageFlags, type ChatInputCommandInteraction, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { messagesFor } from '../i18n/messages.ts';
import { renderHistory } from '../services/spend/usageText.ts';
import { noMentions } from './replies.ts';
import { adminUserOption, viewedMember, type SpendCommandDeps } from './usage.ts';

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
  const target = await viewedMember(interaction, deps, 'videos_view');
  if (!target) return;
  const m = messagesFor(interaction.locale);
  const entries = await deps.reports.history(target.guildId, target.userId);
  await interaction.reply({
    content: renderHistory(m, target.userId, target.self, entries, deps.mention),
    // Ten links would otherwise unfurl into ten video previews.
    flags: MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds,
    allowedMentions: noMentions,
  });
}
