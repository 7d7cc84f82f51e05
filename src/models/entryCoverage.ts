import { checkSettings } from './checkSettings.ts';
import { offeredAspects, offeredDurations, offeredResolutions, type Condition, type ModelEntry } from './modelEntry.ts';
import { priceRowFor } from './priceRule.ts';

export interface EntryProblem { path: (string | number)[]; message: string }

/**
 * What a schema cannot say about one field alone: names that collide, defaults the model does not
 * offer, rules naming values that do not exist, and any combination a member could ask for that no
 * price row covers (a quote would then be impossible, after the member was told "yes").
 */
export function entryProblems(entry: ModelEntry): EntryProblem[] {
  const problems: EntryProblem[] = [];
  const add = (path: (string | number)[], message: string) => problems.push({ path, message });

  const names = [entry.duration.name, entry.aspectRatio?.name, entry.resolution?.name, entry.audio?.name, entry.image?.name]
    .filter((n): n is string => n !== undefined);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated) add([], `two fields are both sent as "${repeated}"`);

  const durations = offeredDurations(entry.duration);
  if (!durations.includes(entry.duration.default)) add(['duration', 'default'], `must be one of the offered durations`);
  if (entry.aspectRatio && entry.aspectRatio.values[entry.aspectRatio.default] === undefined) {
    add(['aspectRatio', 'default'], 'must be one of "values"');
  }
  if (entry.resolution && entry.resolution.values[entry.resolution.default] === undefined) {
    add(['resolution', 'default'], 'must be one of "values"');
  }

  entry.rules.forEach((rule, i) => {
    for (const side of ['when', 'allow'] as const) {
      const unknown = unknownValue(entry, rule[side], durations);
      if (unknown) add(['rules', i, side, unknown.field], unknown.message);
    }
  });
  entry.price.rows.forEach((row, i) => {
    if (row.resolution !== undefined && entry.resolution?.values[row.resolution] === undefined) add(['price', 'rows', i, 'resolution'], 'is not one of the model\'s resolutions');
    if (row.audio !== undefined && !entry.audio) add(['price', 'rows', i, 'audio'], 'the model has no "audio" field');
    if (row.durationSec !== undefined && !durations.includes(row.durationSec)) add(['price', 'rows', i, 'durationSec'], 'is not one of the model\'s durations');
  });
  if (problems.length > 0) return problems;

  const defaults = checkSettings(entry, { durationSec: null, aspectRatio: null, resolution: null, audio: null, image: false });
  if (!defaults.ok) add([], 'its defaults break one of its own rules');
  const unpriced = reachableSettings(entry).find((s) => priceRowFor(entry, s) === undefined);
  if (unpriced) {
    const what = [`${unpriced.durationSec} s`, unpriced.resolution, unpriced.audio === null ? null : unpriced.audio ? 'with sound' : 'without sound']
      .filter((part) => part !== null).join(', ');
    add(['price', 'rows'], `no price covers ${what}`);
  }
  return problems;
}

function unknownValue(entry: ModelEntry, c: Condition, durations: number[]): { field: string; message: string } | undefined {
  if (Array.isArray(c.durationSec) && (c.durationSec as number[]).some((d) => !durations.includes(d))) {
    return { field: 'durationSec', message: 'names a duration the model does not offer' };
  }
  if (c.resolution?.some((r) => entry.resolution?.values[r] === undefined)) return { field: 'resolution', message: 'names a resolution the model does not offer' };
  if (c.aspectRatio?.some((a) => !offeredAspects(entry).includes(a))) return { field: 'aspectRatio', message: 'names a ratio the model does not offer' };
  if (c.audio && !entry.audio) return { field: 'audio', message: 'the model has no "audio" field' };
  if (c.image?.includes(true) && !entry.image) return { field: 'image', message: 'the model takes no image' };
  return undefined;
}

/** Every combination of priced settings that some member could have accepted. */
function reachableSettings(entry: ModelEntry) {
  const resolutions: (string | null)[] = entry.resolution ? offeredResolutions(entry) : [null];
  const audios: (boolean | null)[] = entry.audio ? [false, true] : [null];
  const images = entry.image ? [false, true] : [false];
  const found = [];
  for (const durationSec of offeredDurations(entry.duration)) {
    for (const resolution of resolutions) {
      for (const audio of audios) {
        const accepted = images.some((image) => offeredAspects(entry).some((aspectRatio) => checkSettings(entry, { durationSec, aspectRatio, resolution, audio, image }).ok));
        if (accepted) found.push({ durationSec, resolution, audio });
      }
    }
  }
  return found;
}
