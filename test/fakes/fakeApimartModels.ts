// What apimart accepts for each video model, as ../shared/research/apimart-models.md describes it
// (written from the research, not from the bot's catalog, so the two can disagree and a test shows it).
// Every model shares POST /v1/videos/generations; each names and spells its fields its own way.

type Check = (value: unknown) => string | undefined;
type Body = Record<string, unknown>;

interface ModelRules {
  fields: Record<string, Check>;
  /** Rules across fields; returns the problem. */
  across?: (body: Body) => string | undefined;
  /** USD the finished task reports as `cost`. */
  costUsd: (body: Body) => number | undefined;
}

const int = (min: number, max: number): Check => (v) =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? undefined : `must be an integer from ${min} to ${max}`;
const oneOf = (...values: unknown[]): Check => (v) => (values.includes(v) ? undefined : `must be one of ${values.join(', ')}`);
const bool: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be a boolean');
const isUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\/\S+$/.test(v);
const url: Check = (v) => (isUrl(v) ? undefined : 'must be an image URL');
const urls = (max: number): Check => (v) =>
  Array.isArray(v) && v.length >= 1 && v.length <= max && v.every(isUrl) ? undefined : `must be an array of 1 to ${max} image URLs`;

const perSecond = (prices: Record<string, number>, key: (b: Body) => string) => (b: Body) => {
  const price = prices[key(b)];
  return price === undefined ? undefined : Math.round(price * Number(b.duration) * 1e6) / 1e6;
};

const ratios = ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9'];

const seedance2 = (resolutions: string[], prices: Record<string, number>): ModelRules => ({
  fields: {
    duration: int(4, 15), size: oneOf(...ratios, 'adaptive'), resolution: oneOf(...resolutions),
    generate_audio: bool, image_urls: urls(9), seed: int(-1, 4294967295),
  },
  costUsd: perSecond(prices, (b) => String(b.resolution ?? '720p')),
});

const sora: ModelRules = {
  fields: {
    duration: oneOf(4, 8, 12), aspect_ratio: oneOf('landscape', 'portrait', '16:9', '9:16'), resolution: oneOf('standard', 'high'),
    image_urls: urls(1),
  },
  costUsd: (b) => Number(b.duration ?? 4) * 0.1,
};

export const fakeModelRules: Record<string, ModelRules> = {
  'seedance-2.0': seedance2(['480p', '720p', '1080p', '4k'], { '480p': 0.066, '720p': 0.142, '1080p': 0.3544, '4k': 0.722 }),
  'seedance-2.0-fast': seedance2(['480p', '720p'], { '480p': 0.03984, '720p': 0.0856 }),
  'seedance-1-5-pro': {
    fields: { duration: int(4, 12), aspect_ratio: oneOf(...ratios), resolution: oneOf('480p', '720p', '1080p'), audio: bool, image_urls: urls(2) },
    costUsd: perSecond({ '720p': 0.0418 }, (b) => String(b.resolution ?? '720p')),
  },
  'veo3.1-fast': {
    fields: {
      duration: oneOf(8), aspect_ratio: oneOf('16:9', '9:16'), resolution: oneOf('720p', '1080p', '4k'), image_urls: urls(3),
      generation_type: oneOf('frame', 'reference'), enable_gif: bool,
    },
    costUsd: () => 0.14,
  },
  'kling-v3': {
    fields: { duration: int(3, 15), aspect_ratio: oneOf('16:9', '9:16', '1:1'), mode: oneOf('std', 'pro', '4k'), audio: bool, image_urls: urls(2), negative_prompt: (v) => (typeof v === 'string' ? undefined : 'must be a string') },
    across: (b) => (b.image_urls !== undefined && Number(b.duration) > 10 ? 'image-to-video supports up to 10 seconds' : undefined),
    costUsd: perSecond({ 'std/false': 0.0672, 'pro/false': 0.0896, 'std/true': 0.1008, 'pro/true': 0.1344 }, (b) => `${String(b.mode ?? 'std')}/${String(b.audio ?? false)}`),
  },
  'kling-v2-6': {
    fields: { duration: oneOf(5, 10), aspect_ratio: oneOf('16:9', '9:16', '1:1'), mode: oneOf('std', 'pro'), audio: bool, image_urls: urls(2) },
    across: (b) => (b.audio === true && b.mode !== 'pro' ? 'audio is only supported in pro mode' : undefined),
    costUsd: perSecond({ std: 0.035 }, (b) => String(b.mode ?? 'std')),
  },
  'wan2.6': {
    fields: { duration: oneOf(5, 10, 15), aspect_ratio: oneOf('16:9', '9:16', '1:1', '4:3', '3:4'), resolution: oneOf('720p', '1080p'), audio: bool, image_urls: urls(1) },
    across: (b) => (b.image_urls !== undefined && b.aspect_ratio !== undefined ? 'aspect_ratio is not supported for image-to-video' : undefined),
    costUsd: () => undefined,
  },
  'MiniMax-Hailuo-2.3': {
    fields: { duration: oneOf(6, 10), resolution: oneOf('768p', '1080p'), first_frame_image: url, prompt_optimizer: bool, fast_pretreatment: bool, watermark: bool },
    across: (b) => (b.resolution === '1080p' && b.duration !== 6 ? '1080p only supports a duration of 6 seconds' : undefined),
    costUsd: perSecond({ '768p': 0.0488 }, (b) => String(b.resolution ?? '768p')),
  },
  'MiniMax-H3': {
    fields: { duration: int(4, 15), aspect_ratio: oneOf('21:9', '16:9', '4:3', '1:1', '3:4', '9:16', 'adaptive'), resolution: oneOf('2K', '768P'), first_frame_image: url, last_frame_image: url },
    costUsd: perSecond({ '2K': 0.09144, '768P': 0.05712 }, (b) => String(b.resolution ?? '2K')),
  },
  'sora-2-preview': sora,
  'sora-2-pro-preview': sora,
};

/** Models the fake serves unless a test says otherwise. */
export const currentModelIds = Object.keys(fakeModelRules);

/**
 * The problem with a submit body for `model`, or undefined. A model a test added without rules of its
 * own (a MODELS_FILE of the original format) is checked as Sora-shaped, as that format means.
 */
export function submitProblem(body: unknown, models: ReadonlySet<string>): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object';
  const b = body as Body;
  if (typeof b.model !== 'string' || !models.has(b.model)) return `model ${String(b.model)} is not supported`;
  if (typeof b.prompt !== 'string' || b.prompt.trim() === '') return 'prompt is required';
  const rules = fakeModelRules[b.model] ?? sora;
  for (const [name, value] of Object.entries(b)) {
    if (name === 'model' || name === 'prompt' || name === 'webhook') continue;
    const check = rules.fields[name];
    if (!check) return `unknown field ${name} for model ${b.model}`;
    const problem = check(value);
    if (problem) return `${name} ${problem}`;
  }
  return rules.across?.(b);
}

/** What the finished task reports as `cost` when the test sets none: the model's price, else 0.10 USD/s. */
export function reportedCostUsd(body: Body): number {
  const rules = typeof body.model === 'string' ? fakeModelRules[body.model] : undefined;
  return rules?.costUsd(body) ?? Number(body.duration ?? 4) * 0.1;
}
