import { describe, expect, it } from 'vitest';
import { buildVideoRequest, normalizePrompt, orientationOf, type ImageOption, type VideoOptions } from '../../src/commands/videoRequest.ts';
import { en } from '../../src/i18n/en.ts';
import { ja } from '../../src/i18n/ja.ts';
import { builtInModels, createModelCatalog } from '../../src/modelCatalog.ts';

const catalog = createModelCatalog(builtInModels);
const defaultModel = 'sora-2-preview';
const MiB = 1024 * 1024;

function options(overrides: Partial<VideoOptions> = {}): VideoOptions {
  return { prompt: 'a fox in the snow', duration: null, aspectRatio: null, model: null, resolution: null, image: null, ...overrides };
}

function image(overrides: Partial<ImageOption> = {}): ImageOption {
  return {
    name: 'ref.png', url: 'https://cdn.example/ref.png', contentType: 'image/png',
    sizeBytes: 1000, width: 1280, height: 720, ...overrides,
  };
}

function accepted(opts: VideoOptions, cat = catalog) {
  const result = buildVideoRequest(opts, cat, defaultModel);
  if (!result.ok) throw new Error(`expected acceptance, got: ${result.message(en)}`);
  return result;
}

function rejectionTexts(opts: VideoOptions, cat = catalog): { en: string; ja: string } {
  const result = buildVideoRequest(opts, cat, defaultModel);
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.request)}`);
  return { en: result.message(en), ja: result.message(ja) };
}

describe('buildVideoRequest accepts', () => {
  it('a bare prompt with the defaults: 4 s landscape on the default model, no resolution key at all', () => {
    const result = accepted(options());
    expect(result.request).toEqual({ model: 'sora-2-preview', prompt: 'a fox in the snow', duration: 4, aspect_ratio: 'landscape' });
    expect('resolution' in result.request).toBe(false);
    expect('image_urls' in result.request).toBe(false);
    expect(result.estimateMicros).toBe(400_000);
    expect(result.model.name).toBe('sora-2-preview');
    expect(result.imageOrientation).toBeNull();
  });

  it.each([
    { name: '8 s on the default model', o: { duration: 8 }, duration: 8, aspect: 'landscape', resolution: undefined, estimate: 800_000 },
    { name: '12 s on the default model', o: { duration: 12 }, duration: 12, aspect: 'landscape', resolution: undefined, estimate: 1_200_000 },
    { name: 'portrait', o: { aspectRatio: 'portrait' }, duration: 4, aspect: 'portrait', resolution: undefined, estimate: 400_000 },
    { name: 'pro model without a resolution, priced as standard', o: { model: 'sora-2-pro-preview' }, duration: 4, aspect: 'landscape', resolution: undefined, estimate: 4 * 300_000 },
    { name: 'pro model standard 8 s', o: { model: 'sora-2-pro-preview', resolution: 'standard', duration: 8 }, duration: 8, aspect: 'landscape', resolution: 'standard', estimate: 8 * 300_000 },
    { name: 'pro model high 12 s', o: { model: 'sora-2-pro-preview', resolution: 'high', duration: 12 }, duration: 12, aspect: 'landscape', resolution: 'high', estimate: 12 * 500_000 },
  ])('$name', ({ o, duration, aspect, resolution, estimate }) => {
    const result = accepted(options(o));
    expect(result.request.duration).toBe(duration);
    expect(result.request.aspect_ratio).toBe(aspect);
    expect(result.request.resolution).toBe(resolution);
    expect('resolution' in result.request).toBe(resolution !== undefined);
    expect(result.estimateMicros).toBe(estimate);
  });

  it('sends the trimmed prompt, without zero-width characters', () => {
    expect(accepted(options({ prompt: '  \u200Ba fox\u200B in the snow \n' })).request.prompt).toBe('a fox in the snow');
  });

  it('a prompt of exactly 2000 characters, counting code points (2000 emoji)', () => {
    expect(accepted(options({ prompt: 'a'.repeat(2000) })).request.prompt).toHaveLength(2000);
    const emoji = '🦊'.repeat(2000);
    expect(emoji.length).toBe(4000);
    expect(accepted(options({ prompt: emoji })).request.prompt).toBe(emoji);
  });

  it.each([
    { name: 'ref.png', contentType: 'image/png' },
    { name: 'ref.jpeg', contentType: 'image/jpeg' },
    { name: 'ref.jpg', contentType: 'image/jpeg' },
    { name: 'REF.JPG', contentType: 'image/jpeg; charset=binary' },
    { name: 'ref.webp', contentType: 'image/webp' },
    { name: 'ref.png', contentType: null },
  ])('an image $name with content type $contentType, sent as image_urls', ({ name, contentType }) => {
    const url = `https://cdn.example/${name}`;
    const result = accepted(options({ image: image({ name, contentType, url }) }));
    expect(result.request.image_urls).toEqual([url]);
  });

  it('an image of exactly 10 MiB', () => {
    expect(accepted(options({ image: image({ sizeBytes: 10 * MiB }) })).request.image_urls).toHaveLength(1);
  });

  it.each([
    { width: 1920, height: 1080, orientation: 'landscape' },
    { width: 720, height: 1280, orientation: 'portrait' },
    { width: 1024, height: 1024, orientation: 'square' },
    { width: null, height: null, orientation: null },
    { width: 1024, height: null, orientation: null },
  ])('reports a $width×$height image as $orientation', ({ width, height, orientation }) => {
    expect(accepted(options({ image: image({ width, height }) })).imageOrientation).toBe(orientation);
  });
});

describe('buildVideoRequest rejects, saying what to change', () => {
  const customCatalog = createModelCatalog([
    { name: 'short-only', durations: [4], resolutions: [], microsPerSecond: { default: 100_000 } },
  ]);

  it.each([
    { name: 'an empty prompt', o: { prompt: '' }, mentions: ['prompt'] },
    { name: 'a whitespace-only prompt', o: { prompt: ' \n\t ' }, mentions: ['prompt'] },
    { name: 'a prompt of only zero-width spaces', o: { prompt: '\u200B\u200B' }, mentions: ['prompt'] },
    { name: 'a 2001-character prompt', o: { prompt: 'a'.repeat(2001) }, mentions: ['2001', '2000'] },
    { name: '2001 emoji', o: { prompt: '🦊'.repeat(2001) }, mentions: ['2001', '2000'] },
    { name: '`high` on sora-2-preview', o: { resolution: 'high' }, mentions: ['sora-2-preview', 'high', 'resolution'] },
    { name: 'an aspect ratio other than landscape or portrait', o: { aspectRatio: 'square' }, mentions: ['square', 'landscape', 'portrait'] },
    { name: 'an unknown model', o: { model: 'sora-3' }, mentions: ['sora-3', 'sora-2-preview', 'sora-2-pro-preview'] },
    { name: 'a GIF', o: { image: image({ name: 'cat.gif', contentType: 'image/gif' }) }, mentions: ['cat.gif', 'GIF', 'PNG'] },
    { name: 'a PDF', o: { image: image({ name: 'doc.pdf', contentType: 'application/pdf' }) }, mentions: ['doc.pdf', 'JPEG'] },
    { name: 'a GIF declared as image/png', o: { image: image({ name: 'x.gif', contentType: 'image/png' }) }, mentions: ['x.gif'] },
    { name: 'a PNG name with a GIF content type', o: { image: image({ name: 'x.png', contentType: 'image/gif' }) }, mentions: ['x.png'] },
    { name: 'a GIF without a content type', o: { image: image({ name: 'x.gif', contentType: null }) }, mentions: ['x.gif'] },
    { name: 'an image of 10 MiB + 1 byte', o: { image: image({ sizeBytes: 10 * MiB + 1 }) }, mentions: ['ref.png', '10 MB'] },
    { name: 'an 11 MB image', o: { image: image({ sizeBytes: 11 * MiB }) }, mentions: ['11.0 MB', '10 MB'] },
  ])('$name', ({ o, mentions }) => {
    const texts = rejectionTexts(options(o));
    for (const text of mentions) expect(texts.en).toContain(text);
    expect(texts.ja.trim()).not.toBe('');
    expect(texts.ja).not.toBe(texts.en);
  });

  it('a duration the model does not offer, listing the ones it does', () => {
    const texts = rejectionTexts(options({ model: 'short-only', duration: 8 }), customCatalog);
    expect(texts.en).toContain('short-only');
    expect(texts.en).toContain('8');
    expect(texts.en).toContain('4 seconds');
    expect(texts.ja).toContain('4秒');
  });

  it('checks the prompt before the image, so an empty prompt with a GIF names the prompt', () => {
    const texts = rejectionTexts(options({ prompt: '', image: image({ name: 'a.gif', contentType: 'image/gif' }) }));
    expect(texts.en).toBe(en.promptEmpty);
  });
});

describe('normalizePrompt', () => {
  it.each([
    ['  hello  ', 'hello'],
    ['\u200B\u200B', ''],
    ['\uFEFFhi\u2060', 'hi'],
    ['a\u200Db', 'ab'],
    ['line one\nline two', 'line one\nline two'],
    ['@everyone dance', '@everyone dance'],
  ])('turns %j into %j', (raw, normalized) => {
    expect(normalizePrompt(raw)).toBe(normalized);
  });
});

describe('orientationOf', () => {
  it.each([
    [1920, 1080, 'landscape'],
    [1080, 1920, 'portrait'],
    [512, 512, 'square'],
    [1001, 1000, 'landscape'],
  ] as const)('calls %i×%i %s', (width, height, orientation) => {
    expect(orientationOf(width, height)).toBe(orientation);
  });
});
