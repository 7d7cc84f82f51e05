import {
  aspectWords, offeredAspects, offeredDurations, offeredResolutions,
  type AspectWord, type Condition, type ModelEntry, type ResolvedSettings,
} from './modelEntry.ts';

/** A member's `/video` options; `null` where the option was not given. */
export interface AskedSettings {
  durationSec: number | null;
  aspectRatio: string | null;
  resolution: string | null;
  audio: boolean | null;
  image: boolean;
}

export type DurationOffer = { seconds: readonly number[] } | { min: number; max: number };

/** Why a combination is refused, as data: the message catalog says it in the member's language. */
export type SettingsProblem =
  | { kind: 'duration'; label: string; asked: number; offered: DurationOffer }
  /** `imageDecides`: the model takes no ratio, so only a reference image gives another orientation. */
  | { kind: 'aspectRatio'; label: string; asked: string; offered: readonly AspectWord[]; imageDecides: boolean }
  | { kind: 'resolution'; label: string; asked: string; offered: readonly string[] }
  | { kind: 'audio'; label: string }
  | { kind: 'image'; label: string }
  | { kind: 'rule'; label: string; when: Condition; allow: Condition };

export type CheckedSettings = { ok: true; settings: ResolvedSettings } | { ok: false; problem: SettingsProblem };

export function durationOffer(entry: ModelEntry): DurationOffer {
  const field = entry.duration;
  return 'seconds' in field ? { seconds: offeredDurations(field) } : { min: field.min, max: field.max };
}

/**
 * The one validator: every option against the model's fields and rules, defaults filled in. Pure, so
 * `/video`, Again, 🔁, Edit & retry and autocomplete all ask the same question.
 */
export function checkSettings(entry: ModelEntry, asked: AskedSettings): CheckedSettings {
  const label = entry.label;
  const refuse = (problem: SettingsProblem): CheckedSettings => ({ ok: false, problem });

  const durationSec = asked.durationSec ?? entry.duration.default;
  if (!offeredDurations(entry.duration).includes(durationSec)) {
    return refuse({ kind: 'duration', label, asked: durationSec, offered: durationOffer(entry) });
  }

  const aspectRatio = (asked.aspectRatio ?? entry.aspectRatio?.default ?? 'landscape') as AspectWord;
  const aspects = offeredAspects(entry);
  const imageDecides = entry.aspectRatio === undefined;
  const knownWord = (aspectWords as readonly string[]).includes(aspectRatio);
  if (!knownWord || (!aspects.includes(aspectRatio) && !(imageDecides && asked.image))) {
    return refuse({ kind: 'aspectRatio', label, asked: aspectRatio, offered: aspects, imageDecides });
  }

  let resolution: string | null = null;
  if (entry.resolution) {
    resolution = asked.resolution ?? entry.resolution.default;
    if (entry.resolution.values[resolution] === undefined) {
      return refuse({ kind: 'resolution', label, asked: resolution, offered: offeredResolutions(entry) });
    }
  } else if (asked.resolution !== null) {
    return refuse({ kind: 'resolution', label, asked: asked.resolution, offered: [] });
  }

  if (!entry.audio && asked.audio !== null) return refuse({ kind: 'audio', label });
  const audio = entry.audio ? (asked.audio ?? entry.audio.default) : null;

  if (asked.image && !entry.image) return refuse({ kind: 'image', label });

  const settings: ResolvedSettings = { durationSec, aspectRatio, resolution, audio, image: asked.image };
  const broken = entry.rules.find((rule) => matches(rule.when, settings) && !matches(rule.allow, settings));
  if (broken) return refuse({ kind: 'rule', label, when: broken.when, allow: broken.allow });
  return { ok: true, settings };
}

/** Whether every setting the condition names has one of its values. */
export function matches(condition: Condition, s: ResolvedSettings): boolean {
  const d = condition.durationSec;
  if (d !== undefined) {
    const inRange = Array.isArray(d)
      ? (d as readonly number[]).includes(s.durationSec)
      : s.durationSec >= ((d as { min?: number }).min ?? -Infinity) && s.durationSec <= ((d as { max?: number }).max ?? Infinity);
    if (!inRange) return false;
  }
  if (condition.resolution && !condition.resolution.includes(s.resolution ?? '')) return false;
  if (condition.aspectRatio && !condition.aspectRatio.includes(s.aspectRatio)) return false;
  if (condition.audio && (s.audio === null || !condition.audio.includes(s.audio))) return false;
  if (condition.image && !condition.image.includes(s.image)) return false;
  return true;
}
