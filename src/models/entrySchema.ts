import { z } from 'zod';
import { isUsdAmount } from '../money.ts';
import { aspectWords } from './modelEntry.ts';
import { entryProblems } from './entryCoverage.ts';
import type { ModelEntry } from './modelEntry.ts';

/** Set by the bot itself, so no model field may take these names. */
const reservedFields = new Set(['model', 'prompt', 'webhook']);

export function objectError(expected: string) {
  return (issue: z.core.$ZodRawIssue): string =>
    issue.code === 'unrecognized_keys'
      ? `unknown key ${(issue.keys as string[]).map((k) => `"${k}"`).join(', ')}`
      : `must be ${expected}`;
}

export const modelId = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'must be letters, digits, ".", "_" or "-", starting with a letter or digit');

export const usd = z
  .number({ error: 'must be a number of USD' })
  .refine((amount) => isUsdAmount(amount), 'must be a non-negative USD amount with at most 6 decimals');

export const seconds = z
  .number({ error: 'must be a whole number of seconds' })
  .int('must be a whole number of seconds')
  .min(1, 'must be at least 1 second')
  .max(600, 'must be at most 600 seconds');

const fieldName = z
  .string({ error: 'must be a field name' })
  .regex(/^[a-z][a-z0-9_]{0,63}$/i, 'must be a field name such as "aspect_ratio"')
  .refine((name) => !reservedFields.has(name), 'is a field the bot sets itself');

const wireValue = z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(40, 'must be at most 40 characters');
const memberWord = z
  .string({ error: 'must be a string' })
  .regex(/^[a-z0-9][a-z0-9._-]{0,19}$/, 'must be a short lower-case word such as "720p"');
const aspectWord = z.enum(aspectWords, { error: `must be one of ${aspectWords.join(', ')}` });

const durationField = z
  .strictObject({
    name: fieldName,
    seconds: z.array(seconds, { error: 'must be an array of seconds' }).min(1, 'must list at least one duration').max(60, 'must list at most 60 durations').optional(),
    min: seconds.optional(),
    max: seconds.optional(),
    default: seconds,
  }, { error: objectError('an object with "name", "seconds" (or "min" and "max") and "default"') })
  .superRefine((d, ctx) => {
    const listed = d.seconds !== undefined;
    const ranged = d.min !== undefined || d.max !== undefined;
    if (listed === ranged || (ranged && (d.min === undefined || d.max === undefined))) {
      ctx.addIssue({ code: 'custom', message: 'must set either "seconds" or both "min" and "max"' });
    } else if (ranged && (d.min ?? 0) > (d.max ?? 0)) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: 'must not exceed "max"' });
    } else if (listed && new Set(d.seconds).size !== d.seconds?.length) {
      ctx.addIssue({ code: 'custom', path: ['seconds'], message: 'must not repeat a duration' });
    }
  })
  .transform((d) => (d.seconds !== undefined
    ? { name: d.name, seconds: d.seconds, default: d.default }
    : { name: d.name, min: d.min as number, max: d.max as number, default: d.default }));

const aspectField = z.strictObject({
  name: fieldName,
  values: z.partialRecord(aspectWord, wireValue, { error: 'must map "landscape", "portrait" or "square" to the model\'s spelling' })
    .refine((v) => Object.keys(v).length > 0, 'must offer at least one ratio'),
  default: aspectWord,
  omitWithImage: z.boolean({ error: 'must be true or false' }).optional(),
}, { error: objectError('an object with "name", "values" and "default"') });

const resolutionField = z.strictObject({
  name: fieldName,
  values: z.record(memberWord, wireValue, { error: 'must map resolution words to the model\'s spelling' })
    .refine((v) => Object.keys(v).length > 0, 'must offer at least one resolution')
    .refine((v) => Object.keys(v).length <= 25, 'must offer at most 25 resolutions'),
  default: memberWord,
}, { error: objectError('an object with "name", "values" and "default"') });

const audioField = z.strictObject({ name: fieldName, default: z.boolean({ error: 'must be true or false' }) },
  { error: objectError('an object with "name" and "default"') });

const imageField = z.union([
  z.strictObject({ name: z.literal('image_urls'), maxImages: z.number().int().min(1).max(50) }),
  z.strictObject({ name: z.literal('first_frame_image') }),
], { error: 'must be { "name": "image_urls", "maxImages": n } or { "name": "first_frame_image" }' });

const condition = z.strictObject({
  durationSec: z.union([
    z.array(seconds),
    z.strictObject({ min: seconds.optional(), max: seconds.optional() }),
  ], { error: 'must be an array of seconds or { "min", "max" }' }).optional(),
  resolution: z.array(memberWord).optional(),
  aspectRatio: z.array(aspectWord).optional(),
  audio: z.array(z.boolean()).optional(),
  image: z.array(z.boolean()).optional(),
}, { error: objectError('an object naming durationSec, resolution, aspectRatio, audio or image') });

const rule = z.strictObject({ when: condition, allow: condition, source: z.string().optional() },
  { error: objectError('an object with "when" and "allow"') });

const isoDate = z
  .string({ error: 'must be a date YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)), 'must be a real date');

const priceRow = z.strictObject({
  resolution: memberWord.optional(),
  audio: z.boolean().optional(),
  durationSec: seconds.optional(),
  usd,
  placeholder: z.boolean().optional(),
}, { error: objectError('an object with "usd" and optionally "resolution", "audio", "durationSec"') });

const priceRule = z.strictObject({
  per: z.enum(['second', 'clip'], { error: 'must be "second" or "clip"' }),
  readOn: isoDate,
  source: z.string().optional(),
  placeholder: z.boolean().optional(),
  rows: z.array(priceRow, { error: 'must be an array of prices' }).min(1, 'must list at least one price'),
}, { error: objectError('an object with "per", "readOn" and "rows"') });

/** A catalog entry in the current format, as MODELS_FILE and the built-in catalog write it. */
export const entrySchema = z
  .strictObject({
    id: modelId,
    label: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(60, 'must be at most 60 characters'),
    duration: durationField,
    aspectRatio: aspectField.optional(),
    resolution: resolutionField.optional(),
    audio: audioField.optional(),
    image: imageField.optional(),
    rules: z.array(rule, { error: 'must be an array of rules' }).default([]),
    price: priceRule,
    source: z.string().optional(),
  }, { error: objectError('a model entry with "id", "label", "duration" and "price"') })
  .superRefine((entry, ctx) => {
    for (const { path, message } of entryProblems(entry as ModelEntry)) ctx.addIssue({ code: 'custom', path, message });
  });
