import { builtInCatalog, defaultModelId } from '../src/models/builtIn/index.ts';
import { jobRequest } from '../src/models/jobRequest.ts';

const catalog = builtInCatalog();

/** A default-model job's request and settings, as `/video` would make them for `prompt`. */
export function sampleJob(prompt: string) {
  const built = jobRequest(catalog, { model: defaultModelId, prompt, durationSec: null, aspectRatio: null, resolution: null, audio: null, imageUrl: null });
  if (!built.ok) throw new Error('the default model refuses its own defaults');
  return { request: built.request, settings: built.settings };
}
