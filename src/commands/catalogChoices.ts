import { formatUsd } from '../money.ts';
import { jaChoiceNames } from '../i18n/commandNames.ts';
import type { ModelCatalog, ModelSpec } from '../modelCatalog.ts';

/** Discord's limits on an option's choices: how many, and how long each name may be. */
export const maxChoices = 25;
export const maxChoiceNameLength = 100;

interface Labels { perSecond: string; standard: string; high: string }
const en: Labels = { perSecond: '/s', standard: 'standard', high: 'high' };
const ja: Labels = { perSecond: '/秒', standard: jaChoiceNames.standard, high: jaChoiceNames.high };

/**
 * `sora-2-preview · $0.10/s`, or per resolution `sora-2-pro-preview · standard $0.30/s · high $0.50/s`.
 * When that passes Discord's 100 characters, the price range, and failing that the bare name.
 */
export function modelChoiceLabel(model: ModelSpec, labels: Labels = en): string {
  const prices = model.resolutions.length === 0
    ? [`${formatUsd(model.microsPerSecond.default ?? 0)}${labels.perSecond}`]
    : model.resolutions.map((r) => `${labels[r]} ${formatUsd(model.microsPerSecond[r] ?? 0)}${labels.perSecond}`);
  const micros = Object.values(model.microsPerSecond).filter((m): m is number => m !== undefined);
  const low = Math.min(...micros);
  const high = Math.max(...micros);
  const range = low === high ? formatUsd(low) : `${formatUsd(low)}–${formatUsd(high)}`;
  const candidates = [[model.name, ...prices].join(' · '), `${model.name} · ${range}${labels.perSecond}`, model.name];
  return candidates.find((c) => c.length <= maxChoiceNameLength) ?? model.name;
}

export function modelChoices(catalog: ModelCatalog) {
  return catalog.models.map((model) => {
    const name = modelChoiceLabel(model);
    const jaName = modelChoiceLabel(model, ja);
    return { name, ...(jaName !== name ? { name_localizations: { ja: jaName } } : {}), value: model.name };
  });
}

/** Every duration some model offers, shortest first; the chosen model's own list is checked on use. */
export function catalogDurations(catalog: ModelCatalog): number[] {
  return [...new Set(catalog.models.flatMap((m) => m.durations))].sort((a, b) => a - b);
}

/**
 * The `duration` option's limits: choices when they fit Discord's 25, else a range (a catalog may
 * offer more distinct durations than Discord can list).
 */
export function durationLimits(catalog: ModelCatalog) {
  const durations = catalogDurations(catalog);
  if (durations.length <= maxChoices) {
    return { choices: durations.map((s) => ({ name: `${s} s`, name_localizations: { ja: `${s}秒` }, value: s })) };
  }
  return { min_value: durations[0], max_value: durations[durations.length - 1] };
}
