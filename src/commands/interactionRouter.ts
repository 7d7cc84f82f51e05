import { DiscordAPIError, MessageFlags, RESTJSONErrorCodes, type AutocompleteInteraction, type Interaction, type RepliableInteraction } from 'discord.js';
import type { CommandModule } from './index.ts';
import type { JobControls } from './jobControls.ts';
import { noMentions } from './replies.ts';
import { messagesFor } from '../i18n/messages.ts';
import type { Logger } from '../logger.ts';

/**
 * Discord refused the answer because the interaction was already answered (a gateway that delivered it
 * twice) or has expired: an "internal error" reply would be refused the same way.
 */
function interactionGone(err: unknown): boolean {
  return err instanceof DiscordAPIError
    && (err.code === RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged || err.code === RESTJSONErrorCodes.UnknownInteraction);
}

async function replyEphemeralTo(interaction: RepliableInteraction, content: string): Promise<void> {
  const message = { content, flags: MessageFlags.Ephemeral as const, allowedMentions: noMentions };
  if (interaction.deferred || interaction.replied) await interaction.followUp(message);
  else await interaction.reply(message);
}

/** The one place where a failing command or job control turns into an ephemeral "something went wrong (ref …)". */
export function createInteractionRouter(commands: CommandModule[], logger: Logger, allowedGuildIds: readonly string[] = [], controls?: JobControls) {
  const byName = new Map(commands.map((c) => [c.data.name, c]));
  const allowed = (guildId: string | null) => allowedGuildIds.length === 0 || guildId === null || allowedGuildIds.includes(guildId);

  /** Suggestions are no answer that can fail visibly: a failure is logged, and the member sees none. */
  async function suggest(interaction: AutocompleteInteraction): Promise<void> {
    const command = byName.get(interaction.commandName);
    try {
      if (!command?.autocomplete || !allowed(interaction.guildId)) return await interaction.respond([]);
      await command.autocomplete(interaction);
    } catch (err) {
      logger.warn('autocomplete_failed', { ref: interaction.id, command: interaction.commandName, err });
    }
  }

  return async (interaction: Interaction): Promise<void> => {
    if (interaction.isAutocomplete()) return suggest(interaction);
    let run: (() => Promise<void>) | undefined;
    let what = '';
    if (interaction.isChatInputCommand()) {
      const command = byName.get(interaction.commandName);
      if (command) run = () => command.execute(interaction);
      what = interaction.commandName;
    } else if ((interaction.isButton() || interaction.isModalSubmit()) && controls?.owns(interaction)) {
      run = () => controls.handle(interaction);
      what = interaction.customId;
    }
    if (!run || !interaction.isRepliable()) return;
    // ALLOWED_GUILD_IDS comes before everything else: no check, no reservation, no audit in another server.
    if (!allowed(interaction.guildId)) {
      logger.warn('command_in_guild_not_allowed', { ref: interaction.id, guildId: interaction.guildId, command: what });
      await replyEphemeralTo(interaction, messagesFor(interaction.locale).ops.guildNotAllowed)
        .catch((err) => logger.warn('error_reply_failed', { ref: interaction.id, err }));
      return;
    }
    try {
      // A server the bot is not in (a user-installed app, or just after a kick): nothing there can work.
      if (interaction.inGuild() && !interaction.inCachedGuild()) {
        await replyEphemeralTo(interaction, messagesFor(interaction.locale).notInServer);
        return;
      }
      await run();
    } catch (err) {
      if (interactionGone(err)) {
        logger.warn('interaction_answer_refused', { ref: interaction.id, command: what, code: (err as DiscordAPIError).code });
        return;
      }
      logger.error('command_failed', { ref: interaction.id, command: what, userId: interaction.user.id, err });
      await replyEphemeralTo(interaction, messagesFor(interaction.locale).internalError(interaction.id))
        .catch((replyErr) => logger.warn('error_reply_failed', { ref: interaction.id, err: replyErr }));
    }
  };
}
