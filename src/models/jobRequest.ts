import type { ModelMessages } from '../i18n/modelMessages.ts';
import type { Micros } from '../money.ts';
import type { VideoGenerationRequest, VideoSettings } from '../videoGenerationRequest.ts';
import { checkSettings, type AskedSettings } from './checkSettings.ts';
import type { ModelCatalog } from './modelCatalog.ts';
import type { ModelEntry } from './modelEntry.ts';
import { estimateMicros } from './priceRule.ts';
import { toProviderRequest } from './providerRequest.ts';

export interface JobAsk extends Omit<AskedSettings, 'image'> {
  model: string;
  prompt: string;
  imageUrl: string | null;
}

export type JobRequest =
  | { ok: true; entry: ModelEntry; settings: VideoSettings; request: VideoGenerationRequest; estimateMicros: Micros }
  | { ok: false; message: (m: ModelMessages) => string };

/**
 * A member's ask through the catalog: the model, every setting checked against its fields and rules,
 * the request in its own words and the price. `/video` and every re-roll (Again, 🔁, Edit & retry)
 * come through here, before any money is reserved.
 */
export function jobRequest(catalog: ModelCatalog, ask: JobAsk): JobRequest {
  const entry = catalog.find(ask.model);
  if (!entry) {
    const available = catalog.ids();
    return { ok: false, message: (m) => m.unknownModel(ask.model, available) };
  }
  const checked = checkSettings(entry, { ...ask, image: ask.imageUrl !== null });
  if (!checked.ok) {
    const problem = checked.problem;
    return { ok: false, message: (m) => m.problem(problem) };
  }
  const s = checked.settings;
  return {
    ok: true,
    entry,
    settings: {
      model: entry.id, modelLabel: entry.label, durationSec: s.durationSec, aspectRatio: s.aspectRatio,
      resolution: s.resolution, audio: s.audio, imageUrl: ask.imageUrl,
    },
    request: toProviderRequest(entry, s, ask.prompt, ask.imageUrl),
    estimateMicros: estimateMicros(entry, s),
  };
}
