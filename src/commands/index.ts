import type { ChatInputCommandInteraction, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Config } from '../config.ts';
import { executeVideo, type VideoCommandDeps } from './video.ts';
import { videoCommandData } from './videoCommandData.ts';

export interface CommandModule {
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(interaction: ChatInputCommandInteraction): Promise<void>;
}

export type CommandDeps = VideoCommandDeps;

/** What is registered with Discord; needs only the configuration (deploy-commands uses it alone). */
export function commandDefinitions(config: Config): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [videoCommandData(config.models, config.defaultModel)];
}

/** The explicit registry of slash commands that interactions route to. */
export function createCommands(deps: CommandDeps): CommandModule[] {
  const [video] = commandDefinitions(deps.config) as [RESTPostAPIChatInputApplicationCommandsJSONBody];
  return [{ data: video, execute: (i) => executeVideo(i, deps) }];
}
