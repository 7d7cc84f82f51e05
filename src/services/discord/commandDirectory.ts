import { chatInputApplicationCommandMention } from 'discord.js';
import type { CommandMention, CommandName } from '../../i18n/commandNames.ts';

export interface RegisteredCommand { name: string; id: string }

/** A command as plain code, for texts written before (or without) the command sync. */
export const plainCommandMention: CommandMention = (command, subcommand) => `\`/${subcommand ? `${command} ${subcommand}` : command}\``;

/**
 * The ids Discord gave the slash commands, learned from the command sync, so texts can name a command
 * as a mention the reader clicks (Discord shows it in their language). Before the first sync a
 * command is named as plain code.
 */
export function createCommandDirectory() {
  const ids = new Map<string, string>();
  const mention: CommandMention = (command: CommandName, subcommand?: string) => {
    const id = ids.get(command);
    if (!id) return plainCommandMention(command, subcommand);
    return subcommand ? chatInputApplicationCommandMention(command, subcommand, id) : chatInputApplicationCommandMention(command, id);
  };
  return {
    remember(commands: readonly RegisteredCommand[]): void {
      for (const c of commands) ids.set(c.name, c.id);
    },
    mention,
  };
}

export type CommandDirectory = ReturnType<typeof createCommandDirectory>;
