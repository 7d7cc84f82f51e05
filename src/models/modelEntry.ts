import type { ImageFieldName } from '../videoGenerationRequest.ts';

/**
 * A video model as data: what it is called, which fields it takes under which names and spellings,
 * the rules across fields, and its price. One mapper (providerRequest.ts) and one validator
 * (checkSettings.ts) read every entry; nothing else knows a model by name.
 */
export interface ModelEntry {
  /** The `model` sent to apimart. */
  id: string;
  /** What members see: `Seedance 2.0 Fast`. */
  label: string;
  duration: DurationField;
  /** Absent: the model takes no ratio (the reference image decides; from text it makes landscape). */
  aspectRatio?: AspectField;
  /** Absent: no resolution choice, and nothing is sent. */
  resolution?: ResolutionField;
  /** Absent: no sound switch. */
  audio?: AudioField;
  /** Absent: text-to-video only. */
  image?: ImageField;
  rules: readonly Rule[];
  price: PriceRule;
  /** Where the entry's facts come from, and the choices made where sources disagree. */
  source?: string;
}

/** `/video`'s `aspect_ratio` choices, in the members' words. */
export const aspectWords = ['landscape', 'portrait', 'square'] as const;
export type AspectWord = (typeof aspectWords)[number];

export type DurationField =
  | { name: string; seconds: readonly number[]; default: number }
  | { name: string; min: number; max: number; default: number };

export interface AspectField {
  name: string;
  /** Member word → the model's spelling: `{ "landscape": "16:9", "portrait": "9:16" }`. */
  values: Readonly<Partial<Record<AspectWord, string>>>;
  default: AspectWord;
  /** The model ignores or refuses the ratio with a reference image: it is not sent then. */
  omitWithImage?: boolean;
}

export interface ResolutionField {
  name: string;
  /** Member word → the model's spelling: `{ "720p": "std", "1080p": "pro" }` or `{ "768p": "768P" }`. */
  values: Readonly<Record<string, string>>;
  default: string;
}

export interface AudioField { name: string; default: boolean }

export type ImageField = { name: Extract<ImageFieldName, 'image_urls'>; maxImages: number } | { name: Extract<ImageFieldName, 'first_frame_image'> };

/** The settings a rule or a price row can name. */
export interface Condition {
  durationSec?: readonly number[] | { min?: number; max?: number };
  resolution?: readonly string[];
  aspectRatio?: readonly AspectWord[];
  audio?: readonly boolean[];
  image?: readonly boolean[];
}

/** When every setting in `when` matches, the settings in `allow` must too: Hailuo's 1080p only at 6 s. */
export interface Rule { when: Condition; allow: Condition; source?: string }

export interface PriceRule {
  per: 'second' | 'clip';
  /** YYYY-MM-DD, the day the price was read; absent only in files of the original format. */
  readOn?: string;
  source?: string;
  /** No source gave this price: a guess the operator must replace. */
  placeholder?: boolean;
  /** The first row whose settings all match prices the job. */
  rows: readonly PriceRow[];
}

export interface PriceRow {
  resolution?: string;
  audio?: boolean;
  durationSec?: number;
  usd: number;
  /** This row alone is a guess (e.g. a resolution no source priced). */
  placeholder?: boolean;
}

/** The settings a job is made with, defaults filled in; `null` where the model has no such field. */
export interface ResolvedSettings {
  durationSec: number;
  aspectRatio: AspectWord;
  resolution: string | null;
  audio: boolean | null;
  image: boolean;
}

export function offeredDurations(field: DurationField): number[] {
  if ('seconds' in field) return [...field.seconds].sort((a, b) => a - b);
  return Array.from({ length: field.max - field.min + 1 }, (_, i) => field.min + i);
}

export function offeredAspects(entry: ModelEntry): AspectWord[] {
  return entry.aspectRatio ? aspectWords.filter((a) => entry.aspectRatio?.values[a] !== undefined) : ['landscape'];
}

export function offeredResolutions(entry: ModelEntry): string[] {
  return entry.resolution ? Object.keys(entry.resolution.values) : [];
}
