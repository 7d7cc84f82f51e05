import { describe, expect, it } from 'vitest';
import { checkSettings } from '../../src/models/checkSettings.ts';
import { CatalogError, createModelCatalog } from '../../src/models/modelCatalog.ts';
import type { ModelEntry } from '../../src/models/modelEntry.ts';
import { ModelsFileError, parseModelsFile } from '../../src/models/modelsFile.ts';
import { estimateMicros } from '../../src/models/priceRule.ts';
import { toProviderRequest } from '../../src/models/providerRequest.ts';

const file = (models: unknown) => JSON.stringify({ models });

function problemsOf(json: string): readonly string[] {
  try {
    createModelCatalog(parseModelsFile(json, 'models.json'));
  } catch (err) {
    if (err instanceof ModelsFileError || err instanceof CatalogError) return err.problems;
    throw err;
  }
  throw new Error('expected the file to be refused');
}

function onlyModel(json: string): ModelEntry {
  const [first, ...rest] = parseModelsFile(json, 'models.json');
  if (!first || rest.length > 0) throw new Error('expected exactly one model');
  return first;
}

/** A portrait job with an image, every other option left to the model. */
function portraitWithImage(entry: ModelEntry, asked: { durationSec?: number; resolution?: string } = {}) {
  const checked = checkSettings(entry, { durationSec: asked.durationSec ?? null, aspectRatio: 'portrait', resolution: asked.resolution ?? null, audio: null, image: true });
  if (!checked.ok) throw new Error(`refused: ${JSON.stringify(checked.problem)}`);
  return { request: toProviderRequest(entry, checked.settings, 'p', 'https://img/a.png'), micros: estimateMicros(entry, checked.settings) };
}

const legacy = { name: 'sora-2-preview', durations: [4, 8, 12], usdPerSecond: 0.1 };
const current = {
  id: 'kling-v3',
  label: 'Kling v3',
  duration: { name: 'duration', min: 3, max: 15, default: 5 },
  aspectRatio: { name: 'aspect_ratio', values: { landscape: '16:9', portrait: '9:16' }, default: 'landscape' },
  resolution: { name: 'mode', values: { '720p': 'std', '1080p': 'pro' }, default: '720p' },
  audio: { name: 'audio', default: false },
  image: { name: 'image_urls', maxImages: 2 },
  rules: [{ when: { image: [true] }, allow: { durationSec: { max: 10 } } }],
  price: {
    per: 'second', readOn: '2026-09-21',
    rows: [{ resolution: '720p', audio: false, usd: 0.0672 }, { resolution: '1080p', audio: false, usd: 0.0896 }, { audio: true, usd: 0.1344 }],
  },
};

describe('MODELS_FILE in the original format', () => {
  it('still describes Sora-shaped models: landscape/portrait, standard/high, the image in image_urls', () => {
    const [plain, pro] = parseModelsFile(
      file([legacy, { name: 'sora-2-pro-preview', durations: [4, 8, 12], resolutions: { high: 0.5, standard: 0.3 } }]),
      'models.json',
    ) as [ModelEntry, ModelEntry];
    expect(portraitWithImage(plain)).toEqual({
      request: { model: 'sora-2-preview', prompt: 'p', duration: 4, aspect_ratio: 'portrait', image_urls: ['https://img/a.png'] },
      micros: 400_000,
    });
    expect(portraitWithImage(pro, { durationSec: 8, resolution: 'high' })).toEqual({
      request: { model: 'sora-2-pro-preview', prompt: 'p', duration: 8, aspect_ratio: 'portrait', resolution: 'high', image_urls: ['https://img/a.png'] },
      micros: 4_000_000,
    });
    // Unnamed, the resolution is the one it was always priced at, now sent explicitly.
    expect(portraitWithImage(pro).request.resolution).toBe('standard');
    expect(pro.label).toBe('sora-2-pro-preview');
    expect(pro.price.readOn).toBeUndefined();
  });

  it('defaults to 4 seconds, or the shortest duration when the model lacks 4', () => {
    expect(onlyModel(file([legacy])).duration.default).toBe(4);
    expect(onlyModel(file([{ ...legacy, durations: [12, 8] }])).duration.default).toBe(8);
  });

  it('prices the only resolution given when standard is absent', () => {
    const highOnly = onlyModel(file([{ name: 'x', durations: [4], resolutions: { high: 0.5 } }]));
    expect(portraitWithImage(highOnly)).toMatchObject({ request: { resolution: 'high' }, micros: 2_000_000 });
    expect(checkSettings(highOnly, { durationSec: null, aspectRatio: null, resolution: 'standard', audio: null, image: false }).ok).toBe(false);
  });

  it('accepts a free model', () => {
    expect(portraitWithImage(onlyModel(file([{ ...legacy, usdPerSecond: 0 }]))).micros).toBe(0);
  });

  it.each([
    ['not JSON', '{', /not valid JSON/],
    ['not an object', '[]', /must be an object with a "models" array/],
    ['no models', file([]), /models: must list at least one model/],
    ['201 models', file(Array.from({ length: 201 }, (_, i) => ({ ...legacy, name: `m${i}` }))), /at most 200 models/],
    ['an unknown top-level key', JSON.stringify({ models: [legacy], extra: 1 }), /unknown key "extra"/],
    ['an unknown model key', file([{ ...legacy, usd: 1 }]), /models\[0\] "sora-2-preview": unknown key "usd"/],
    ['a bad name', file([{ ...legacy, name: '-bad name' }]), /models\[0\] "-bad name" name: must be letters/],
    ['a long name', file([{ ...legacy, name: 'a'.repeat(101) }]), /name: must be at most 100/],
    ['no durations', file([{ ...legacy, durations: [] }]), /durations: must list at least one/],
    ['a zero duration', file([{ ...legacy, durations: [0] }]), /durations\[0\]: must be at least 1 second/],
    ['a fractional duration', file([{ ...legacy, durations: [4.5] }]), /durations\[0\]: must be a whole number of seconds/],
    ['a string duration', file([{ ...legacy, durations: ['4'] }]), /durations\[0\]: must be a whole number of seconds/],
    ['a repeated duration', file([{ ...legacy, durations: [4, 4] }]), /must not repeat a duration/],
    ['a negative price', file([{ ...legacy, usdPerSecond: -0.1 }]), /usdPerSecond: must be a non-negative/],
    ['a sub-micro price', file([{ ...legacy, usdPerSecond: 0.1234567 }]), /at most 6 decimals/],
    ['a string price', file([{ ...legacy, usdPerSecond: '0.1' }]), /usdPerSecond: must be a number of USD/],
    ['both prices', file([{ ...legacy, resolutions: { high: 1 } }]), /exactly one of "usdPerSecond" or "resolutions"/],
    ['no price', file([{ name: 'x', durations: [4] }]), /exactly one of "usdPerSecond" or "resolutions"/],
    ['empty resolutions', file([{ name: 'x', durations: [4], resolutions: {} }]), /at least one of "standard", "high"/],
    ['an unknown resolution', file([{ name: 'x', durations: [4], resolutions: { ultra: 1 } }]), /unknown key "ultra"/],
    ['duplicate names', file([legacy, { ...legacy, name: 'SORA-2-preview' }]), /"SORA-2-preview" is listed twice/],
  ])('rejects %s', (_, json, pattern) => {
    expect(problemsOf(json).join('\n')).toMatch(pattern);
  });

  it('names the file and lists every problem, one per line', () => {
    const json = file([{ name: '', durations: [0], usdPerSecond: -1 }]);
    expect(problemsOf(json).length).toBeGreaterThanOrEqual(3);
    expect(() => parseModelsFile(json, '/etc/bot/models.json')).toThrow(/^\/etc\/bot\/models\.json is not a valid models file:\n {2}- models\[0\] name/);
  });
});

describe('MODELS_FILE in the current format', () => {
  it('maps /video\'s words to the model\'s own fields and spellings', () => {
    const kling = onlyModel(file([current]));
    expect(portraitWithImage(kling, { resolution: '1080p' })).toEqual({
      request: { model: 'kling-v3', prompt: 'p', duration: 5, aspect_ratio: '9:16', mode: 'pro', audio: false, image_urls: ['https://img/a.png'] },
      micros: 448_000,
    });
  });

  it('mixes both formats in one file', () => {
    expect(parseModelsFile(file([legacy, current]), 'models.json').map((m) => m.id)).toEqual(['sora-2-preview', 'kling-v3']);
  });

  it.each([
    ['no price date', { ...current, price: { ...current.price, readOn: undefined } }, /models\[0\] "kling-v3" price\.readOn: must be a date YYYY-MM-DD/],
    ['an impossible date', { ...current, price: { ...current.price, readOn: '2026-13-45' } }, /price\.readOn: must be a real date/],
    ['a field the bot sets', { ...current, audio: { name: 'prompt', default: false } }, /"kling-v3" audio\.name: is a field the bot sets itself/],
    ['two fields under one name', { ...current, audio: { name: 'mode', default: false } }, /"kling-v3": two fields are both sent as "mode"/],
    ['an unknown ratio', { ...current, aspectRatio: { ...current.aspectRatio, values: { wide: '21:9' } } }, /aspectRatio\.values: must map "landscape", "portrait" or "square"/],
    ['a default it does not offer', { ...current, resolution: { ...current.resolution, default: '4k' } }, /"kling-v3" resolution\.default: must be one of "values"/],
    ['a duration default outside the range', { ...current, duration: { ...current.duration, default: 20 } }, /duration\.default: must be one of the offered durations/],
    ['both a list and a range', { ...current, duration: { ...current.duration, seconds: [5] } }, /duration: must set either "seconds" or both "min" and "max"/],
    ['an upper-case resolution word', { ...current, resolution: { ...current.resolution, values: { '720P': 'std' }, default: '720P' } }, /resolution\.values/],
    ['an image field it cannot erase', { ...current, image: { name: 'img_references', maxImages: 2 } }, /image: must be \{ "name": "image_urls"/],
    ['a rule on a value it lacks', { ...current, rules: [{ when: { resolution: ['4k'] }, allow: { durationSec: [5] } }] }, /rules\[0\]\.when\.resolution: names a resolution the model does not offer/],
    ['a combination no price covers', { ...current, price: { ...current.price, rows: [{ resolution: '720p', usd: 0.0672 }] } }, /"kling-v3" price\.rows: no price covers 3 s, 1080p, without sound/],
    ['a price row for a resolution it lacks', { ...current, price: { ...current.price, rows: [...current.price.rows, { resolution: '4k', usd: 1 }] } }, /price\.rows\[3\]\.resolution: is not one of the model's resolutions/],
    ['defaults its own rules refuse', { ...current, rules: [{ when: {}, allow: { durationSec: [10] } }] }, /its defaults break one of its own rules/],
  ])('rejects %s, naming the model and the field', (_, entry, pattern) => {
    expect(problemsOf(file([entry])).join('\n')).toMatch(pattern);
  });
});
