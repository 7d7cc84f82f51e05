import { describe, expect, it } from 'vitest';
import { buildVideoRequest, normalizePrompt, orientationOf, type ImageOption, type VideoOptions } from '../../src/commands/videoRequest.ts';
import { en } from '../../src/i18n/en.ts';
import { ja } from '../../src/i18n/ja.ts';
import { builtInCatalog, defaultModelId } from '../../src/models/builtIn/index.ts';
import { createModelCatalog } from '../../src/models/modelCatalog.ts';
import { parseModelsFile } from '../../src/models/modelsFile.ts';

const catalog = builtInCatalog();
const defaultModel = defaultModelId;
const MiB = 1024 * 1024;

function options(overrides: Partial<VideoOptions> = {}): VideoOptions {
  return { prompt: 'a fox in the snow', duration: null, aspectRatio: null, model: null, resolution: null, audio: null, image: null, ...overrides };
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
  it('a bare prompt with the default model\'s defaults: 5 s landscape 720p with sound, in its own words', () => {
    const result = accepted(options());
    expect(result.request).toEqual({
      model: 'seedance-2.0-fast', prompt: 'a fox in the snow', duration: 5, size: '16:9', resolution: '720p', generate_audio: true,
    });
    expect(result.settings).toEqual({
      model: 'seedance-2.0-fast', modelLabel: 'Seedance 2.0 Fast', durationSec: 5, aspectRatio: 'landscape', resolution: '720p', audio: true, imageUrl: null,
    });
    expect(result.estimateMicros).toBe(428_000);
    expect(result.model.id).toBe('seedance-2.0-fast');
    expect(result.imageOrientation).toBeNull();
  });

  it.each([
    { name: '8 s', o: { duration: 8 }, fields: { duration: 8 }, estimate: 684_800 },
    { name: '15 s at 480p', o: { duration: 15, resolution: '480p' }, fields: { duration: 15, resolution: '480p' }, estimate: 597_600 },
    { name: 'portrait', o: { aspectRatio: 'portrait' }, fields: { size: '9:16' }, estimate: 428_000 },
    { name: 'square, silent', o: { aspectRatio: 'square', audio: false }, fields: { size: '1:1', generate_audio: false }, estimate: 428_000 },
    { name: 'Veo 3.1 Fast, priced per clip', o: { model: 'veo3.1-fast', aspectRatio: 'portrait' }, fields: { duration: 8, aspect_ratio: '9:16' }, estimate: 140_000 },
    { name: 'Kling v3 in pro mode with sound', o: { model: 'kling-v3', resolution: '1080p', audio: true }, fields: { mode: 'pro', audio: true }, estimate: 672_000 },
    { name: 'Sora 2 Pro at high, for keys that still serve it', o: { model: 'sora-2-pro-preview', resolution: 'high', duration: 12 }, fields: { resolution: 'high', aspect_ratio: 'landscape' }, estimate: 6_000_000 },
  ])('$name', ({ o, fields, estimate }) => {
    const result = accepted(options(o));
    expect(result.request).toMatchObject(fields);
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
  ])('an image $name with content type $contentType, sent in the model\'s image field', ({ name, contentType }) => {
    const url = `https://cdn.example/${name}`;
    const result = accepted(options({ image: image({ name, contentType, url }) }));
    expect(result.request.image_urls).toEqual([url]);
    expect(result.settings.imageUrl).toBe(url);
    expect(accepted(options({ model: 'MiniMax-Hailuo-2.3', image: image({ name, contentType, url }) })).request.first_frame_image).toBe(url);
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
  const customCatalog = createModelCatalog(parseModelsFile(JSON.stringify({ models: [{ name: 'short-only', durations: [4], usdPerSecond: 0.1 }] }), 'models.json'));

  it.each([
    { name: 'an empty prompt', o: { prompt: '' }, mentions: ['prompt'] },
    { name: 'a whitespace-only prompt', o: { prompt: ' \n\t ' }, mentions: ['prompt'] },
    { name: 'a prompt of only zero-width spaces', o: { prompt: '\u200B\u200B' }, mentions: ['prompt'] },
    { name: 'a 2001-character prompt', o: { prompt: 'a'.repeat(2001) }, mentions: ['2001', '2000'] },
    { name: '2001 emoji', o: { prompt: '🦊'.repeat(2001) }, mentions: ['2001', '2000'] },
    { name: '`high` on a model whose resolutions are 480p and 720p', o: { resolution: 'high' }, mentions: ['Seedance 2.0 Fast', 'high', '480p or 720p'] },
    { name: 'a resolution on a model without one', o: { model: 'sora-2-preview', resolution: 'high' }, mentions: ['Sora 2', 'resolution'] },
    { name: 'square on a model without it', o: { model: 'veo3.1-fast', aspectRatio: 'square' }, mentions: ['Veo 3.1 Fast', 'square', 'landscape or portrait'] },
    { name: 'a duration Veo 3.1 Fast does not make', o: { model: 'veo3.1-fast', duration: 5 }, mentions: ['Veo 3.1 Fast makes 8-second videos'] },
    { name: 'sound on a model without it', o: { model: 'MiniMax-Hailuo-2.3', audio: false }, mentions: ['MiniMax Hailuo 2.3', 'audio'] },
    { name: '1080p at 10 s on Hailuo', o: { model: 'MiniMax-Hailuo-2.3', resolution: '1080p', duration: 10 }, mentions: ['with 1080p, choose 6 s'] },
    { name: 'an unknown model', o: { model: 'sora-3' }, mentions: ['sora-3', 'seedance-2.0-fast', 'veo3.1-fast'] },
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
    expect(texts.en).toBe('short-only makes 4-second videos, not 8 seconds.');
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
