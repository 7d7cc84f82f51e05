import type { AutocompleteInteraction } from 'discord.js';
import type { Config } from '../config.ts';
import { messagesFor } from '../i18n/messages.ts';
import { offerAll, type IsOffered } from './catalogChoices.ts';
import { videoSuggestions } from './videoSuggestions.ts';

export interface VideoAutocompleteDeps {
  config: Config;
  /** The models the provider lists for this key (default: all); see catalogChoices.ts. */
  isOffered?: IsOffered;
}

/** Discord sends what was typed: a number may still be text, and a value of the wrong type counts as absent. */
function typedValue(interaction: AutocompleteInteraction, name: string): unknown {
  return interaction.options.data.find((o) => o.name === name)?.value;
}

/** Answers an autocomplete interaction of `/video` (callback type 8) with the values the chosen model takes. */
export async function autocompleteVideo(interaction: AutocompleteInteraction, deps: VideoAutocompleteDeps): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const text = (name: string) => {
    const value = typedValue(interaction, name);
    return typeof value === 'string' && value !== '' ? value : null;
  };
  const duration = Number(typedValue(interaction, 'duration'));
  const audio = typedValue(interaction, 'audio');
  const suggestions = videoSuggestions(deps.config.models, deps.config.defaultModel, deps.isOffered ?? offerAll, {
    focused: { name: focused.name, text: String(focused.value) },
    model: text('model'),
    duration: Number.isInteger(duration) && duration > 0 ? duration : null,
    aspectRatio: text('aspect_ratio'),
    resolution: text('resolution'),
    audio: typeof audio === 'boolean' ? audio : null,
    image: typedValue(interaction, 'image') !== undefined,
  }, messagesFor(interaction.locale).models);
  await interaction.respond(suggestions);
}
