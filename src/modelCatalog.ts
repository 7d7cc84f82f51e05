import { z } from 'zod';
import { isUsdAmount, usdToMicros, type Micros } from './money.ts';

export type Resolution = 'standard' | 'high';

export interface ModelSpec {
  name: string;
  durations: readonly number[];
  /** Empty: the model takes no resolution and the field is never sent to the provider. */
  resolutions: readonly Resolution[];
  microsPerSecond: Readonly<Partial<Record<Resolution | 'default', Micros>>>;
}

export interface ModelCatalog {
  models: readonly ModelSpec[];
  find(name: string): ModelSpec | undefined;
  names(): string[];
}

/** Discord allows at most 25 choices for an option, and `/video model` lists the catalog. */
export const MAX_MODELS = 25;

// Placeholder prices: the operator sets real ones through MODELS_FILE.
export const builtInModels: ModelSpec[] = [
  { name: 'sora-2-preview', durations: [4, 8, 12], resolutions: [], microsPerSecond: { default: 100_000 } },
  {
    name: 'sora-2-pro-preview',
    durations: [4, 8, 12],
    resolutions: ['standard', 'high'],
    microsPerSecond: { standard: 300_000, high: 500_000 },
  },
];

export class ModelsFileError extends Error {
  override name = 'ModelsFileError';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a valid models file:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function createModelCatalog(models: ModelSpec[]): ModelCatalog {
  const byName = new Map<string, ModelSpec>();
  for (const model of models) {
    if (byName.has(model.name)) throw new Error(`duplicate model ${model.name} in the catalog`);
    const keys = model.resolutions.length === 0 ? ['default' as const] : model.resolutions;
    for (const key of keys) {
      if (model.microsPerSecond[key] === undefined) {
        throw new Error(`model ${model.name} has no price for ${key}`);
      }
    }
    byName.set(model.name, model);
  }
  const frozen = Object.freeze([...models]);
  return {
    models: frozen,
    find: (name) => byName.get(name),
    names: () => frozen.map((m) => m.name),
  };
}

/**
 * MODELS_FILE shape (exactly one of `usdPerSecond` / `resolutions` per model):
 * { "models": [
 *   { "name": "sora-2-preview", "durations": [4, 8, 12], "usdPerSecond": 0.10 },
 *   { "name": "sora-2-pro-preview", "durations": [4, 8, 12], "resolutions": { "standard": 0.30, "high": 0.50 } }
 * ] }
 */
export function parseModelsFile(json: string, source: string): ModelSpec[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    throw new ModelsFileError(source, [`not valid JSON (${(err as Error).message})`]);
  }
  const result = modelsFileSchema.safeParse(data);
  if (!result.success) {
    throw new ModelsFileError(source, result.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`));
  }
  return result.data.models.map(toModelSpec);
}

const price = z
  .number({ error: 'must be a number of USD' })
  .refine((usd) => isUsdAmount(usd), 'must be a non-negative USD amount with at most 6 decimals');

const seconds = z
  .number({ error: 'must be a positive integer' })
  .int('must be a positive integer')
  .positive('must be a positive integer');

function objectError(expected: string) {
  return (issue: z.core.$ZodRawIssue): string =>
    issue.code === 'unrecognized_keys'
      ? `unknown key ${(issue.keys as string[]).map((k) => `"${k}"`).join(', ')}`
      : `must be ${expected}`;
}

const modelSchema = z
  .strictObject(
    {
      name: z
        .string({ error: 'must be a string' })
        .min(1, 'must not be empty')
        .max(100, 'must be at most 100 characters')
        .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'must be letters, digits, ".", "_" or "-", starting with a letter or digit'),
      durations: z
        .array(seconds, { error: 'must be an array of seconds' })
        .min(1, 'must list at least one duration')
        .max(MAX_MODELS, `must list at most ${MAX_MODELS} durations`)
        .refine((d) => new Set(d).size === d.length, 'must not repeat a duration'),
      usdPerSecond: price.optional(),
      resolutions: z
        .strictObject(
          { standard: price.optional(), high: price.optional() },
          { error: objectError('an object of "standard" / "high" prices') },
        )
        .refine((r) => Object.keys(r).length > 0, 'must price at least one of "standard", "high"')
        .optional(),
    },
    { error: objectError('an object with "name", "durations" and a price') },
  )
  .refine((m) => (m.usdPerSecond === undefined) !== (m.resolutions === undefined), {
    message: 'must set exactly one of "usdPerSecond" or "resolutions"',
  });

const modelsFileSchema = z
  .strictObject(
    {
      models: z
        .array(modelSchema, { error: 'must be an array' })
        .min(1, 'must list at least one model')
        .max(MAX_MODELS, `must list at most ${MAX_MODELS} models (Discord's choice limit)`),
    },
    { error: objectError('an object with a "models" array') },
  )
  .superRefine(({ models }, ctx) => {
    const seen = new Set<string>();
    models.forEach((model, index) => {
      const key = model.name.toLowerCase();
      if (seen.has(key)) {
        const message = `duplicate model name "${model.name}"`;
        ctx.addIssue({ code: 'custom', path: ['models', index, 'name'], message });
      }
      seen.add(key);
    });
  });

function toModelSpec(model: z.output<typeof modelSchema>): ModelSpec {
  const base = { name: model.name, durations: Object.freeze([...model.durations]) };
  if (model.resolutions === undefined) {
    return { ...base, resolutions: [], microsPerSecond: { default: usdToMicros(model.usdPerSecond ?? 0) } };
  }
  const entries = Object.entries(model.resolutions) as [Resolution, number][];
  return {
    ...base,
    resolutions: entries.map(([resolution]) => resolution),
    microsPerSecond: Object.fromEntries(entries.map(([r, usd]) => [r, usdToMicros(usd)])),
  };
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** A model with resolutions prices an unspecified one as 'standard' when listed, else its first. */
export function pricePerSecondMicros(model: ModelSpec, resolution: Resolution | undefined): Micros {
  const key = resolveResolution(model, resolution);
  const micros = model.microsPerSecond[key];
  if (micros === undefined) throw new RangeError(`model ${model.name} has no price for ${key}`);
  return micros;
}

export function estimateCostMicros(model: ModelSpec, durationSec: number, resolution: Resolution | undefined): Micros {
  // A quote for a duration the model does not offer would reserve the wrong amount of money.
  if (!model.durations.includes(durationSec)) {
    throw new RangeError(`model ${model.name} does not offer ${durationSec}s`);
  }
  return durationSec * pricePerSecondMicros(model, resolution);
}

function resolveResolution(model: ModelSpec, resolution: Resolution | undefined): Resolution | 'default' {
  if (model.resolutions.length === 0) {
    if (resolution !== undefined) throw new RangeError(`model ${model.name} takes no resolution`);
    return 'default';
  }
  if (resolution === undefined) {
    return model.resolutions.includes('standard') ? 'standard' : (model.resolutions[0] ?? 'standard');
  }
  if (!model.resolutions.includes(resolution)) {
    throw new RangeError(`model ${model.name} does not offer ${resolution}`);
  }
  return resolution;
}
