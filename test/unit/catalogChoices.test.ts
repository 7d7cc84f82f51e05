import { describe, expect, it } from 'vitest';
import { catalogDurations, durationLimits, modelChoiceLabel, modelChoices } from '../../src/commands/catalogChoices.ts';
import { videoCommandData } from '../../src/commands/videoCommandData.ts';
import { builtInModels, createModelCatalog, parseModelsFile } from '../../src/modelCatalog.ts';

const catalogOf = (json: object) => createModelCatalog(parseModelsFile(JSON.stringify(json), 'models.json'));
type Option = { name: string; max_length?: number; min_value?: number; max_value?: number; choices?: { name: string; name_localizations?: Record<string, string>; value: unknown }[] };
const optionsOf = (catalog: ReturnType<typeof catalogOf>) => videoCommandData(catalog, catalog.names()[0]!).options as unknown as Option[];

describe('/video options from the model catalog', () => {
  it('labels each built-in model with its price per second, per resolution where it has them, in both languages', () => {
    expect(modelChoices(createModelCatalog(builtInModels))).toEqual([
      { name: 'sora-2-preview · $0.10/s', name_localizations: { ja: 'sora-2-preview · $0.10/秒' }, value: 'sora-2-preview' },
      {
        name: 'sora-2-pro-preview · standard $0.30/s · high $0.50/s',
        name_localizations: { ja: 'sora-2-pro-preview · 標準画質 $0.30/秒 · 高画質 $0.50/秒' },
        value: 'sora-2-pro-preview',
      },
    ]);
  });

  it('falls back to the price range, then the bare name, to stay within 100 characters', () => {
    const long = `m${'x'.repeat(60)}`;
    const longest = `m${'y'.repeat(99)}`;
    const catalog = catalogOf({ models: [
      { name: long, durations: [4], resolutions: { standard: 0.000001, high: 1.234567 } },
      { name: longest, durations: [4], usdPerSecond: 0.1 },
    ] });
    expect(modelChoiceLabel(catalog.models[0]!)).toBe(`${long} · $0.000001–$1.234567/s`);
    expect(modelChoiceLabel(catalog.models[1]!)).toBe(longest);
    for (const choice of modelChoices(catalog)) {
      expect(choice.name.length).toBeLessThanOrEqual(100);
      expect(choice.name_localizations?.ja.length ?? 0).toBeLessThanOrEqual(100);
    }
  });

  it('offers the union of the models durations as choices, shortest first', () => {
    const catalog = catalogOf({ models: [
      { name: 'a', durations: [10, 5], usdPerSecond: 0.1 },
      { name: 'b', durations: [5, 20, 15], usdPerSecond: 0.2 },
    ] });
    expect(catalogDurations(catalog)).toEqual([5, 10, 15, 20]);
    const duration = optionsOf(catalog).find((o) => o.name === 'duration')!;
    expect(duration.choices?.map((c) => [c.value, c.name, c.name_localizations?.ja])).toEqual([
      [5, '5 s', '5秒'], [10, '10 s', '10秒'], [15, '15 s', '15秒'], [20, '20 s', '20秒'],
    ]);
  });

  it('turns more durations than Discord can list into a range', () => {
    const catalog = catalogOf({ models: [
      { name: 'a', durations: Array.from({ length: 20 }, (_, i) => i + 1), usdPerSecond: 0.1 },
      { name: 'b', durations: Array.from({ length: 10 }, (_, i) => i + 21), usdPerSecond: 0.1 },
    ] });
    expect(durationLimits(catalog)).toEqual({ min_value: 1, max_value: 30 });
    const duration = optionsOf(catalog).find((o) => o.name === 'duration')!;
    expect(duration).toMatchObject({ min_value: 1, max_value: 30 });
    expect(duration.choices).toBeUndefined();
  });

  it('stops prompts past 2000 characters in Discord itself', () => {
    expect(optionsOf(createModelCatalog(builtInModels)).find((o) => o.name === 'prompt')?.max_length).toBe(2000);
  });
});
