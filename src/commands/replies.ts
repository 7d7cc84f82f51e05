import { MessageFlags, type ChatInputCommandInteraction } from 'discord.js';

/** Every reply mentions nobody: prompts and names are echoed, never pinged. */
export const noMentions = { parse: [] as never[] };

export async function replyEphemeral(interaction: ChatInputCommandInteraction, content: string): Promise<void> {
  const message = { content, flags: MessageFlags.Ephemeral as const, allowedMentions: noMentions };
  if (interaction.deferred || interaction.replied) await interaction.followUp(message);
  else await interaction.reply(message);
}
