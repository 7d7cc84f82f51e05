import { FakeApiError, type FakeInteraction } from './fakeDiscordState.ts';

// Autocomplete as Discord does it: while a member types in an option marked `autocomplete`, Discord
// sends INTERACTION_CREATE type 4 with every option filled in so far; the focused one is marked and
// carries the raw text typed (a string even for an integer option). The only answer is callback type
// 8 with at most 25 choices, and an autocomplete interaction takes no other answer.

interface Option { name: string; type: number; value?: unknown; focused?: boolean }

/**
 * The type-2 payload of the same command, turned into the autocomplete interaction Discord sends:
 * the focused option (of the registered `type`) carries `text`, in place of any value given for it.
 */
export function autocompletePayload<P extends { type: number; data: { options?: unknown } }>(
  payload: P, focused: { name: string; type: number; text: string },
): P {
  const others = ((payload.data.options ?? []) as Option[]).filter((o) => o.name !== focused.name);
  return {
    ...payload,
    type: 4,
    data: { ...payload.data, options: [...others, { name: focused.name, type: focused.type, value: focused.text, focused: true }] },
  };
}

/** Refuses what Discord refuses: choices for anything but autocomplete, anything else for autocomplete. */
export function checkAutocompleteCallback(interaction: FakeInteraction, callbackType: number, data: unknown): void {
  const invalid = (message: string) =>
    new FakeApiError(400, 50035, 'Invalid Form Body', { type: { _errors: [{ code: 'INTERACTION_RESPONSE_TYPE_INVALID', message }] } });
  if (interaction.type === 4 && callbackType !== 8) throw invalid('An autocomplete interaction can only be answered with choices.');
  if (callbackType === 8 && interaction.type !== 4) throw invalid('Only an autocomplete interaction can be answered with choices.');
  if (callbackType === 8) interaction.choices = ((data as { choices?: unknown }).choices ?? []) as FakeInteraction['choices'];
}
