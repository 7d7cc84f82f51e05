import type { AutocompleteInteraction, ChatInputCommandInteraction, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Config } from '../config.ts';
import { executeUsage, usageCommandData } from './usage.ts';
import { executeVideo, type VideoCommandDeps } from './video.ts';
import { autocompleteVideo, type VideoAutocompleteDeps } from './videoAutocomplete.ts';
import { executeVideoAdmin, type VideoAdminDeps } from './videoAdmin.ts';
import { videoAdminCommandData } from './videoAdminCommandData.ts';
import { videoCommandData } from './videoCommandData.ts';
import { offerAll, type IsOffered } from './catalogChoices.ts';
import { executeVideos, videosCommandData } from './videos.ts';

export interface CommandModule {
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(interaction: ChatInputCommandInteraction): Promise<void>;
  /** For commands with options that suggest their values as the member types. */
  autocomplete?(interaction: AutocompleteInteraction): Promise<void>;
}

export type CommandDeps = VideoCommandDeps & VideoAdminDeps & VideoAutocompleteDeps;

/**
 * What is registered with Discord: the configuration, and which catalog models the provider's list
 * offers (the `model` option lists only those).
 */
export function commandDefinitions(config: Config, isOffered: IsOffered = offerAll): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [videoCommandData(config.models, config.defaultModel, isOffered), usageCommandData, videosCommandData, videoAdminCommandData];
}

/** The explicit registry of slash commands that interactions route to, keyed by command name. */
const handlers: Record<string, (interaction: ChatInputCommandInteraction, deps: CommandDeps) => Promise<void>> = {
  video: executeVideo,
  usage: executeUsage,
  videos: executeVideos,
  'video-admin': executeVideoAdmin,
};

const autocompleters: Record<string, (interaction: AutocompleteInteraction, deps: CommandDeps) => Promise<void>> = {
  video: autocompleteVideo,
};

export function createCommands(deps: CommandDeps): CommandModule[] {
  return commandDefinitions(deps.config, deps.isOffered).map((data) => {
    const handler = handlers[data.name];
    if (!handler) throw new Error(`no handler for /${data.name}`);
    const suggest = autocompleters[data.name];
    return {
      data,
      execute: (interaction) => handler(interaction, deps),
      ...(suggest ? { autocomplete: (interaction: AutocompleteInteraction) => suggest(interaction, deps) } : {}),
    };
  });
}
