import type { ImageFieldName, JsonValue, VideoGenerationRequest } from '../videoGenerationRequest.ts';
import type { ModelEntry, ResolvedSettings } from './modelEntry.ts';

/**
 * The one mapper from `/video`'s vocabulary to a model's request: each setting goes under the model's
 * own field name and spelling, and a field the model lacks is never sent. Every value the member
 * could choose is sent explicitly, defaults included, so what is priced is what is asked for.
 * `settings` must have passed checkSettings for this entry.
 */
export function toProviderRequest(entry: ModelEntry, settings: ResolvedSettings, prompt: string, imageUrl: string | null): VideoGenerationRequest {
  const fields: Record<string, JsonValue> = { [entry.duration.name]: settings.durationSec };
  const aspect = entry.aspectRatio;
  if (aspect && !(aspect.omitWithImage && imageUrl !== null)) {
    fields[aspect.name] = wire(aspect.values[settings.aspectRatio], entry, 'aspectRatio');
  }
  if (entry.resolution) fields[entry.resolution.name] = wire(entry.resolution.values[settings.resolution ?? ''], entry, 'resolution');
  if (entry.audio) fields[entry.audio.name] = settings.audio ?? entry.audio.default;
  if (imageUrl !== null) {
    if (!entry.image) throw new RangeError(`model ${entry.id} takes no image`);
    fields[entry.image.name] = imageFieldValue(entry.image.name, imageUrl);
  }
  return { model: entry.id, prompt, ...fields };
}

/** A reference image as its field takes it: `image_urls` a list, `first_frame_image` a single link. */
export function imageFieldValue(field: ImageFieldName, imageUrl: string): JsonValue {
  return field === 'image_urls' ? [imageUrl] : imageUrl;
}

function wire(value: string | undefined, entry: ModelEntry, field: string): string {
  if (value === undefined) throw new RangeError(`model ${entry.id}: a ${field} it does not offer reached the mapper`);
  return value;
}
