import type { Messages, Orientation } from '../i18n/messages.ts';
import { jobRequest } from '../models/jobRequest.ts';
import type { ModelCatalog } from '../models/modelCatalog.ts';
import type { ModelEntry } from '../models/modelEntry.ts';
import type { VideoGenerationRequest, VideoSettings } from '../videoGenerationRequest.ts';

export const maxPromptChars = 2000;
export const maxImageBytes = 10 * 1024 * 1024;
const imageTypes: Record<string, string[]> = {
  'image/jpeg': ['jpg', 'jpeg'], 'image/png': ['png'], 'image/webp': ['webp'],
};

export interface ImageOption {
  name: string; url: string; contentType: string | null; sizeBytes: number; width: number | null; height: number | null;
}

export interface VideoOptions {
  prompt: string;
  duration: number | null;
  aspectRatio: string | null;
  model: string | null;
  resolution: string | null;
  audio: boolean | null;
  image: ImageOption | null;
}

export type VideoRequestResult =
  | { ok: true; request: VideoGenerationRequest; settings: VideoSettings; model: ModelEntry; estimateMicros: number; imageOrientation: Orientation | null }
  | { ok: false; message: (m: Messages) => string };

const reject = (message: (m: Messages) => string): VideoRequestResult => ({ ok: false, message });

/** Zero-width and BOM characters render as nothing, so a prompt of only them is empty. */
export function normalizePrompt(raw: string): string {
  return raw.replace(/[\u200B-\u200D\u2060\uFEFF]/g, '').trim();
}

/**
 * Whether anything in the prompt renders. Hangul fillers, the braille blank, soft hyphens, bidi marks
 * and other default-ignorable characters are the usual ways to type an "empty" name on Discord; a
 * prompt of only those would be paid for and describe nothing.
 */
export function hasVisibleText(prompt: string): boolean {
  return /[^\p{White_Space}\p{Default_Ignorable_Code_Point}\u2800]/u.test(prompt);
}

export function orientationOf(width: number, height: number): Orientation {
  if (width === height) return 'square';
  return width > height ? 'landscape' : 'portrait';
}

function imageProblem(image: ImageOption): ((m: Messages) => string) | undefined {
  const extension = image.name.split('.').pop()?.toLowerCase() ?? '';
  const declared = image.contentType?.split(';')[0]?.trim().toLowerCase();
  const typeOk = declared
    ? (imageTypes[declared]?.includes(extension) ?? false)
    : Object.values(imageTypes).some((extensions) => extensions.includes(extension));
  if (!typeOk) return (m) => m.imageType(image.name);
  if (image.sizeBytes > maxImageBytes) {
    // Rounded up, so a file just over the limit never reads as exactly the limit.
    const sizeMb = (Math.ceil((image.sizeBytes / 1024 / 1024) * 10) / 10).toFixed(1);
    return (m) => m.imageTooLarge(image.name, sizeMb, maxImageBytes / 1024 / 1024);
  }
  return undefined;
}

/** Every check of `/video`'s options, before any money is reserved; pure, so it is tested by table. */
export function buildVideoRequest(options: VideoOptions, catalog: ModelCatalog, defaultModel: string): VideoRequestResult {
  const prompt = normalizePrompt(options.prompt);
  if (!hasVisibleText(prompt)) return reject((m) => m.promptEmpty);
  const promptChars = [...prompt].length;
  if (promptChars > maxPromptChars) return reject((m) => m.promptTooLong(maxPromptChars, promptChars));

  const built = jobRequest(catalog, {
    model: options.model ?? defaultModel, prompt, durationSec: options.duration, aspectRatio: options.aspectRatio,
    resolution: options.resolution, audio: options.audio, imageUrl: options.image?.url ?? null,
  });
  if (!built.ok) return reject((m) => built.message(m.models));
  if (options.image) {
    const problem = imageProblem(options.image);
    if (problem) return reject(problem);
  }
  const image = options.image;
  const imageOrientation = image?.width && image.height ? orientationOf(image.width, image.height) : null;
  return { ok: true, request: built.request, settings: built.settings, model: built.entry, estimateMicros: built.estimateMicros, imageOrientation };
}
