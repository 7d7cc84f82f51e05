import { describe, expect, it } from 'vitest';
import { builtInCatalog, builtInModels, defaultModelId } from '../../src/models/builtIn/index.ts';
import { catalogPriceWarnings } from '../../src/models/catalogWarnings.ts';
import { checkSettings, type AskedSettings } from '../../src/models/checkSettings.ts';
import { CatalogError, createModelCatalog } from '../../src/models/modelCatalog.ts';
import type { ModelEntry } from '../../src/models/modelEntry.ts';
import { estimateMicros, hasPlaceholderPrice } from '../../src/models/priceRule.ts';

const catalog = builtInCatalog();
const model = (id: string): ModelEntry => {
  const found = catalog.find(id);
  if (!found) throw new Error(`no model ${id}`);
  return found;
};
const ask = (a: Partial<AskedSettings> = {}): AskedSettings => ({ durationSec: null, aspectRatio: null, resolution: null, audio: null, image: false, ...a });

function quote(id: string, a: Partial<AskedSettings> = {}): number {
  const checked = checkSettings(model(id), ask(a));
  if (!checked.ok) throw new Error(`refused: ${JSON.stringify(checked.problem)}`);
  return estimateMicros(model(id), checked.settings);
}

describe('the built-in catalog', () => {
  it('has today\'s main families, with Sora 2 kept last', () => {
    expect(catalog.ids()).toEqual([
      'seedance-2.0', 'seedance-2.0-fast', 'seedance-1-5-pro', 'veo3.1-fast', 'kling-v3', 'kling-v2-6', 'wan2.6',
      'MiniMax-Hailuo-2.3', 'MiniMax-H3', 'sora-2-preview', 'sora-2-pro-preview',
    ]);
    expect(catalog.find(defaultModelId)?.label).toBe('Seedance 2.0 Fast');
    expect(catalog.find('nope')).toBeUndefined();
    expect(catalog.find('SEEDANCE-2.0')).toBeUndefined();
  });

  it('dates every price, and marks Wan 2.6 and Sora 2 as placeholders', () => {
    for (const entry of builtInModels) expect(entry.price.readOn, entry.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(builtInModels.filter((m) => m.price.placeholder).map((m) => m.id)).toEqual(['wan2.6', 'sora-2-preview', 'sora-2-pro-preview']);
    // Some prices are guessed row by row: a resolution or sound no source priced.
    expect(builtInModels.filter(hasPlaceholderPrice).map((m) => m.id)).toEqual([
      'seedance-1-5-pro', 'kling-v2-6', 'wan2.6', 'MiniMax-Hailuo-2.3', 'sora-2-preview', 'sora-2-pro-preview',
    ]);
  });

  it.each([
    ['seedance-2.0-fast', {}, 428_000],
    ['seedance-2.0-fast', { durationSec: 15, resolution: '480p' }, 597_600],
    ['seedance-2.0', { durationSec: 4, resolution: '4k' }, 2_888_000],
    ['seedance-1-5-pro', { durationSec: 12 }, 501_600],
    ['seedance-1-5-pro', { audio: true }, 418_000],
    ['veo3.1-fast', {}, 140_000],
    ['veo3.1-fast', { resolution: '1080p' }, 140_000],
    ['kling-v3', {}, 336_000],
    ['kling-v3', { resolution: '1080p', audio: true, durationSec: 10 }, 1_344_000],
    ['kling-v2-6', { durationSec: 10 }, 350_000],
    ['wan2.6', { durationSec: 15, resolution: '1080p' }, 2_250_000],
    ['MiniMax-Hailuo-2.3', {}, 292_800],
    ['MiniMax-Hailuo-2.3', { durationSec: 10 }, 488_000],
    ['MiniMax-H3', { resolution: '2k' }, 457_200],
    ['sora-2-preview', { durationSec: 12 }, 1_200_000],
    ['sora-2-pro-preview', { resolution: 'high', durationSec: 8 }, 4_000_000],
  ] as const)('quotes %s with %j at %i micro-USD', (id, asked, micros) => {
    expect(quote(id, asked)).toBe(micros);
  });

  it('refuses a catalog that lists a model twice', () => {
    expect(() => createModelCatalog([...builtInModels, ...builtInModels])).toThrow(CatalogError);
  });
});

describe('price warnings', () => {
  const dec7 = Date.parse('2026-12-07T12:00:00Z');

  it('name the placeholder prices and the prices read over 60 days ago', () => {
    expect(catalogPriceWarnings(catalog, dec7)).toEqual([
      { problem: 'placeholder_prices', models: ['seedance-1-5-pro', 'kling-v2-6', 'wan2.6', 'MiniMax-Hailuo-2.3', 'sora-2-preview', 'sora-2-pro-preview'] },
      {
        problem: 'stale_prices', maxAgeDays: 60, oldestReadOn: '2025-10-15',
        models: ['sora-2-preview', 'sora-2-pro-preview', 'seedance-2.0', 'MiniMax-H3', 'kling-v3', 'seedance-2.0-fast', 'veo3.1-fast', 'MiniMax-Hailuo-2.3', 'seedance-1-5-pro', 'kling-v2-6'],
      },
    ]);
  });

  it('say nothing about a dated, real price younger than 60 days', () => {
    const fresh = createModelCatalog([model('veo3.1-fast')]);
    expect(catalogPriceWarnings(fresh, Date.parse('2026-11-25T23:59:59Z'))).toEqual([]);
    expect(catalogPriceWarnings(fresh, Date.parse('2026-11-27T00:00:01Z'))).toMatchObject([{ problem: 'stale_prices', models: ['veo3.1-fast'] }]);
  });
});
