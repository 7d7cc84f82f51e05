import { chatInputApplicationCommandMention } from 'discord.js';
import type { CommandMention } from '../../src/i18n/commandNames.ts';
import type { FakeDiscord } from '../fakes/fakeDiscord.ts';

/** Command mentions with the ids the fake Discord gave the registered commands. */
export function registeredMentions(discord: FakeDiscord): CommandMention {
  return (command, subcommand) => {
    const registered = [...discord.commands.global, ...[...discord.commands.guild.values()].flat()] as { name: string; id: string }[];
    const id = registered.find((c) => c.name === command)?.id;
    if (!id) throw new Error(`/${command} is not registered`);
    return subcommand ? chatInputApplicationCommandMention(command, subcommand, id) : chatInputApplicationCommandMention(command, id);
  };
}
