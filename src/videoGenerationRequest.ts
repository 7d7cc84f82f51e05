export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The body of apimart's POST /v1/videos/generations exactly as the bot stores and sends it: `model`,
 * `prompt`, and the model's own fields with its own names and spellings (`size: "9:16"`, `mode: "pro"`…).
 */
export interface VideoGenerationRequest {
  model: string;
  prompt: string;
  [field: string]: JsonValue;
}

/**
 * What a member asked for, in `/video`'s own words, with every default filled in: what cards show and
 * what Again, 🔁 and Edit & retry check again against the catalog. `null`: the model has no such setting.
 */
export interface VideoSettings {
  model: string;
  /** The model's label as the member saw it when the job was made. */
  modelLabel: string;
  durationSec: number;
  /** `landscape`, `portrait`, `square`… */
  aspectRatio: string;
  resolution: string | null;
  audio: boolean | null;
  imageUrl: string | null;
}

/** Every request field that can carry a reference image; retention erases them all. */
export const imageFieldNames = ['image_urls', 'first_frame_image'] as const;
export type ImageFieldName = (typeof imageFieldNames)[number];
