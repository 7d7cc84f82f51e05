import { imageFieldNames } from '../videoGenerationRequest.ts';

/** The stored request of an erased job: its settings stay (they explain the amounts), its prompt and images do not. */
export function erasedRequestJson(json: string): string {
  try {
    const { prompt: _prompt, ...settings } = JSON.parse(json) as Record<string, unknown>;
    for (const field of imageFieldNames) delete settings[field];
    return JSON.stringify({ ...settings, prompt: '' });
  } catch {
    return '{}';
  }
}
