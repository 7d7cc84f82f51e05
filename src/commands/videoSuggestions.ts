import type { ModelMessages } from '../i18n/modelMessages.ts';
import { formatUsd } from '../money.ts';
import { checkSettings, type AskedSettings } from '../models/checkSettings.ts';
import type { ModelCatalog } from '../models/modelCatalog.ts';
import { offeredDurations, offeredResolutions, type ModelEntry } from '../models/modelEntry.ts';
import { estimateMicros } from '../models/priceRule.ts';
import { maxChoiceNameLength, maxChoices, modelChoiceLabel, type IsOffered } from './catalogChoices.ts';

/** What a member has typed so far in `/video`: the focused option's text and the other options' values. */
export interface PartialVideoOptions {
  focused: { name: string; text: string };
  model: string | null;
  duration: number | null;
  aspectRatio: string | null;
  resolution: string | null;
  audio: boolean | null;
  image: boolean;
}

export interface Suggestion { name: string; value: string | number }

/**
 * Autocomplete for `/video`: the models on offer that match the text, or the durations and
 * resolutions the chosen model (the default when none is chosen yet) accepts together with what else
 * is filled in, each with the job's estimate.
 */
export function videoSuggestions(
  catalog: ModelCatalog, defaultModel: string, isOffered: IsOffered, typed: PartialVideoOptions, m: ModelMessages,
): Suggestion[] {
  const text = typed.focused.text.trim().toLowerCase();
  if (typed.focused.name === 'model') {
    return catalog.models
      .filter((e) => isOffered(e.id) && (e.id.toLowerCase().includes(text) || e.label.toLowerCase().includes(text)))
      .slice(0, maxChoices)
      .map((e) => ({ name: modelChoiceLabel(e, m), value: e.id }));
  }
  const entry = catalog.find(typed.model ?? defaultModel);
  if (!entry || !isOffered(entry.id)) return [];
  const others = usableOthers(entry, typed);
  const priced = (asked: AskedSettings): string | undefined => {
    const checked = checkSettings(entry, asked);
    return checked.ok ? formatUsd(estimateMicros(entry, checked.settings)) : undefined;
  };
  if (typed.focused.name === 'duration') {
    return offeredDurations(entry.duration)
      .filter((d) => String(d).startsWith(text))
      .flatMap((d) => {
        const price = priced({ ...others, durationSec: d });
        return price === undefined ? [] : [{ name: `${m.seconds(d)} · ${price}`, value: d }];
      })
      .slice(0, maxChoices);
  }
  if (typed.focused.name === 'resolution') {
    return offeredResolutions(entry)
      .filter((r) => r.includes(text) || m.resolution(r).toLowerCase().includes(text))
      .flatMap((r) => {
        const price = priced({ ...others, resolution: r });
        return price === undefined ? [] : [{ name: `${m.resolution(r)} · ${price}`.slice(0, maxChoiceNameLength), value: r }];
      })
      .slice(0, maxChoices);
  }
  return [];
}

/**
 * The other options, each kept only when the model could take it: an option the model refuses on its
 * own (square on a model without it) would otherwise leave nothing to suggest. One that only a rule
 * refuses stays, so the suggestions follow the rule (sound on Kling v2.6 leaves only 1080p).
 */
function usableOthers(entry: ModelEntry, typed: PartialVideoOptions): AskedSettings {
  const none: AskedSettings = { durationSec: null, aspectRatio: null, resolution: null, audio: null, image: false };
  const usable = (one: Partial<AskedSettings>) => {
    const checked = checkSettings(entry, { ...none, ...one });
    return checked.ok || checked.problem.kind === 'rule';
  };
  return {
    durationSec: typed.focused.name !== 'duration' && typed.duration !== null && usable({ durationSec: typed.duration }) ? typed.duration : null,
    aspectRatio: typed.aspectRatio !== null && usable({ aspectRatio: typed.aspectRatio, image: typed.image }) ? typed.aspectRatio : null,
    resolution: typed.focused.name !== 'resolution' && typed.resolution !== null && usable({ resolution: typed.resolution }) ? typed.resolution : null,
    audio: typed.audio !== null && usable({ audio: typed.audio }) ? typed.audio : null,
    image: typed.image && usable({ image: true }),
  };
}
