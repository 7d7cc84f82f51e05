/** The stored request of an erased job: its settings stay (they explain the amounts), its prompt and image do not. */
export function erasedRequestJson(json: string): string {
  try {
    const { prompt: _prompt, image_urls: _images, ...settings } = JSON.parse(json) as Record<string, unknown>;
    return JSON.stringify({ ...settings, prompt: '' });
  } catch {
    return '{}';
  }
}
