import type { Interaction } from 'discord.js';
import type { CommandModule } from './index.ts';
import { replyEphemeral } from './replies.ts';
import { messagesFor } from '../i18n/messages.ts';
import type { Logger } from '../logger.ts';

/** The one place where a failing command turns into an ephemeral "something went wrong (ref …)". */
export function createInteractionRouter(commands: CommandModule[], logger: Logger, allowedGuildIds: readonly string[] = []) {
  const byName = new Map(commands.map((c) => [c.data.name, c]));
  return async (interaction: Interaction): Promise<void> => {
    if (!interaction.isChatInputCommand()) return;
    const command = byName.get(interaction.commandName);
    if (!command) return;
    // ALLOWED_GUILD_IDS comes before everything else: no check, no reservation, no audit in another server.
    if (allowedGuildIds.length > 0 && interaction.guildId !== null && !allowedGuildIds.includes(interaction.guildId)) {
      logger.warn('command_in_guild_not_allowed', { ref: interaction.id, guildId: interaction.guildId, command: interaction.commandName });
      await replyEphemeral(interaction, messagesFor(interaction.locale).ops.guildNotAllowed)
        .catch((err) => logger.warn('error_reply_failed', { ref: interaction.id, err }));
      return;
    }
    try {
      // A server the bot is not in (a user-installed app, or just after a kick): nothing there can work.
      if (interaction.inGuild() && !interaction.inCachedGuild()) {
        await replyEphemeral(interaction, messagesFor(interaction.locale).notInServer);
        return;
      }
      await command.execute(interaction);
    } catch (err) {
      logger.error('command_failed', { ref: interaction.id, command: interaction.commandName, userId: interaction.user.id, err });
      await replyEphemeral(interaction, messagesFor(interaction.locale).internalError(interaction.id))
        .catch((replyErr) => logger.warn('error_reply_failed', { ref: interaction.id, err: replyErr }));
    }
  };
}
