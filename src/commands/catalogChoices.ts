import { jaChoiceNames } from '../i18n/commandNames.ts';
import type { ModelMessages } from '../i18n/modelMessages.ts';
import { modelEn } from '../i18n/modelEn.ts';
import { modelJa } from '../i18n/modelJa.ts';
import { formatUsd } from '../money.ts';
import type { ModelCatalog } from '../models/modelCatalog.ts';
import { aspectWords, offeredAspects, offeredDurations, type AspectWord, type ModelEntry } from '../models/modelEntry.ts';
import { priceRange } from '../models/priceRule.ts';

/** Discord's limits on an option's choices: how many, and how long each name may be. */
export const maxChoices = 25;
export const maxChoiceNameLength = 100;

/** Which catalog models members may be offered (the provider's list decides); all by default. */
export type IsOffered = (modelId: string) => boolean;
export const offerAll: IsOffered = () => true;

/** `Seedance 2.0 Fast · $0.03984–$0.0856/s`, `Veo 3.1 Fast · $0.14/clip`; the bare label past 100 characters. */
export function modelChoiceLabel(model: ModelEntry, m: ModelMessages = modelEn): string {
  const { lowMicros, highMicros } = priceRange(model);
  const range = lowMicros === highMicros ? formatUsd(lowMicros) : `${formatUsd(lowMicros)}–${formatUsd(highMicros)}`;
  const priced = `${model.label} · ${range}${model.price.per === 'second' ? m.perSecond : m.perClip}`;
  return [priced, model.label, model.id].find((c) => c.length <= maxChoiceNameLength) ?? model.id.slice(0, maxChoiceNameLength);
}

export function modelChoice(model: ModelEntry) {
  const name = modelChoiceLabel(model);
  const jaName = modelChoiceLabel(model, modelJa);
  return { name, ...(jaName !== name ? { name_localizations: { ja: jaName } } : {}), value: model.id };
}

/** The `model` option's values: choices while Discord can list them, autocomplete past 25 models. */
export function modelOptionValues(catalog: ModelCatalog, isOffered: IsOffered) {
  const offered = catalog.models.filter((m) => isOffered(m.id));
  return offered.length <= maxChoices ? { choices: offered.map(modelChoice) } : { autocomplete: true as const };
}

/** The range every catalog duration falls in; autocomplete narrows it to the chosen model's. */
export function durationBounds(catalog: ModelCatalog): { min_value: number; max_value: number } {
  const all = catalog.models.flatMap((m) => offeredDurations(m.duration));
  return { min_value: Math.min(...all), max_value: Math.max(...all) };
}

const ratioOf: Record<AspectWord, string> = { landscape: '16:9', portrait: '9:16', square: '1:1' };

/** `landscape (16:9)`, `portrait (9:16)`, and `square (1:1)` when some model makes square videos. */
export function aspectChoices(catalog: ModelCatalog) {
  // landscape and portrait are /video's own words whatever the catalog; a model refuses what it lacks.
  const offered = new Set<AspectWord>(['landscape', 'portrait', ...catalog.models.flatMap(offeredAspects)]);
  return aspectWords.filter((a) => offered.has(a)).map((a) => ({
    name: `${a} (${ratioOf[a]})`, name_localizations: { ja: `${jaChoiceNames[a]} (${ratioOf[a]})` }, value: a,
  }));
}
