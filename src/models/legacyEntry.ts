import { z } from 'zod';
import { modelId, objectError, seconds, usd } from './entrySchema.ts';
import type { ModelEntry, PriceRow } from './modelEntry.ts';

/**
 * The original MODELS_FILE entry, which describes a Sora-shaped model:
 * `{ "name": "sora-2-preview", "durations": [4, 8, 12], "usdPerSecond": 0.10 }` or, with resolutions,
 * `{ "name": "sora-2-pro-preview", "durations": [4, 8, 12], "resolutions": { "standard": 0.30, "high": 0.50 } }`.
 */
export const legacyEntrySchema = z
  .strictObject(
    {
      name: modelId,
      durations: z
        .array(seconds, { error: 'must be an array of seconds' })
        .min(1, 'must list at least one duration')
        .max(25, 'must list at most 25 durations')
        .refine((d) => new Set(d).size === d.length, 'must not repeat a duration'),
      usdPerSecond: usd.optional(),
      resolutions: z
        .strictObject({ standard: usd.optional(), high: usd.optional() }, { error: objectError('an object of "standard" / "high" prices') })
        .refine((r) => Object.keys(r).length > 0, 'must price at least one of "standard", "high"')
        .optional(),
    },
    { error: objectError('an object with "name", "durations" and a price') },
  )
  .refine((m) => (m.usdPerSecond === undefined) !== (m.resolutions === undefined), {
    message: 'must set exactly one of "usdPerSecond" or "resolutions"',
  });

/**
 * What such an entry meant, in today's terms: `aspect_ratio` sent as `landscape`/`portrait`,
 * `resolution` as `standard`/`high` (the resolution it is priced at, `standard` when offered, is now
 * sent when the member names none), the image in `image_urls`, 4 s unless the model lacks it.
 */
export function fromLegacyEntry(legacy: z.output<typeof legacyEntrySchema>): ModelEntry {
  const durations = [...legacy.durations].sort((a, b) => a - b);
  const priced = Object.entries(legacy.resolutions ?? {}) as [string, number][];
  const rows: PriceRow[] = priced.length === 0 ? [{ usd: legacy.usdPerSecond ?? 0 }] : priced.map(([resolution, amount]) => ({ resolution, usd: amount }));
  const resolutions = priced.map(([resolution]) => resolution);
  return {
    id: legacy.name,
    label: legacy.name,
    duration: { name: 'duration', seconds: durations, default: durations.includes(4) ? 4 : (durations[0] as number) },
    aspectRatio: { name: 'aspect_ratio', values: { landscape: 'landscape', portrait: 'portrait' }, default: 'landscape' },
    ...(resolutions.length > 0
      ? { resolution: { name: 'resolution', values: Object.fromEntries(resolutions.map((r) => [r, r])), default: resolutions.includes('standard') ? 'standard' : (resolutions[0] as string) } }
      : {}),
    image: { name: 'image_urls', maxImages: 1 },
    rules: [],
    price: { per: 'second', rows },
  };
}
