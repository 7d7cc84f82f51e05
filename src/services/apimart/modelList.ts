import { z } from 'zod';

/** What `GET /v1/models` says about one model the key may call. */
export interface ProviderModel {
  id: string;
  /** `video`, `image`, `chat`, `audio`…; absent when the provider does not say. */
  category?: string;
  /** Whether anything in the entry says it makes videos (category, endpoint or operation). */
  isVideo: boolean;
}

/**
 * A model list of a few thousand entries is far below this; a larger body is not a model list. With
 * `expand=parameters` each entry carries a JSON Schema, so the cap is well above the JSON answers'.
 */
export const maxModelListBytes = 4 * 1024 * 1024;

const entrySchema = z.looseObject({
  id: z.string().min(1).max(200),
  category: z.string().nullish().catch(undefined),
  supported_endpoint_types: z.array(z.unknown()).nullish().catch(undefined),
  parameters: z.looseObject({ operation: z.unknown(), endpoint: z.unknown() }).nullish().catch(undefined),
});

/**
 * `{ object: "list", data: [{ id, category?, … }] }` ([NOTE-0918]: visibility depends on the key's group;
 * a missing category or schema is legitimate). Entries without a usable id are skipped, not fatal: one odd
 * entry must not cost the bot the whole list.
 */
export const modelListSchema = z.looseObject({ data: z.array(z.unknown()).max(100_000) }).transform(({ data }) =>
  data.flatMap((raw): ProviderModel[] => {
    const entry = entrySchema.safeParse(raw);
    if (!entry.success) return [];
    const { id, category, supported_endpoint_types: endpoints, parameters } = entry.data;
    const mentionsVideo = (value: unknown) => typeof value === 'string' && /video/i.test(value);
    const isVideo = category?.toLowerCase() === 'video' || (endpoints ?? []).some(mentionsVideo)
      || mentionsVideo(parameters?.operation) || mentionsVideo(parameters?.endpoint);
    return [{ id, ...(category ? { category } : {}), isVideo }];
  }));
