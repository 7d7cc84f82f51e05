import { describe, expect, it } from 'vitest';
import { aspectChoices, durationBounds, modelChoice, modelChoiceLabel, modelOptionValues } from '../../src/commands/catalogChoices.ts';
import { videoCommandData } from '../../src/commands/videoCommandData.ts';
import { builtInCatalog } from '../../src/models/builtIn/index.ts';
import { createModelCatalog } from '../../src/models/modelCatalog.ts';
import { parseModelsFile } from '../../src/models/modelsFile.ts';

const catalogOf = (json: object) => createModelCatalog(parseModelsFile(JSON.stringify(json), 'models.json'));
const builtIn = builtInCatalog();
type Option = {
  name: string; type: number; max_length?: number; min_value?: number; max_value?: number; autocomplete?: boolean;
  choices?: { name: string; name_localizations?: Record<string, string>; value: unknown }[];
};
const optionsOf = (catalog: ReturnType<typeof catalogOf>, isOffered?: (id: string) => boolean) =>
  videoCommandData(catalog, catalog.ids()[0] as string, isOffered).options as unknown as Option[];
const option = (options: Option[], name: string) => options.find((o) => o.name === name) as Option;

describe('/video options from the model catalog', () => {
  it('labels each model with its label and price range, per second or per clip, in both languages', () => {
    const choices = modelOptionValues(builtIn, () => true).choices ?? [];
    expect(choices.slice(0, 4)).toEqual([
      { name: 'Seedance 2.0 · $0.066–$0.722/s', name_localizations: { ja: 'Seedance 2.0 · $0.066–$0.722/秒' }, value: 'seedance-2.0' },
      { name: 'Seedance 2.0 Fast · $0.03984–$0.0856/s', name_localizations: { ja: 'Seedance 2.0 Fast · $0.03984–$0.0856/秒' }, value: 'seedance-2.0-fast' },
      { name: 'Seedance 1.5 Pro · $0.0418–$0.0836/s', name_localizations: { ja: 'Seedance 1.5 Pro · $0.0418–$0.0836/秒' }, value: 'seedance-1-5-pro' },
      { name: 'Veo 3.1 Fast · $0.14/clip', name_localizations: { ja: 'Veo 3.1 Fast · $0.14/本' }, value: 'veo3.1-fast' },
    ]);
    expect(choices).toHaveLength(11);
  });

  it('offers only the models the injected predicate allows', () => {
    const model = option(optionsOf(builtIn, (id) => !id.startsWith('sora')), 'model');
    expect(model.choices?.map((c) => c.value)).not.toContain('sora-2-preview');
    expect(model.choices).toHaveLength(9);
  });

  it('switches the model option to autocomplete once the catalog outgrows Discord\'s 25 choices', () => {
    const many = catalogOf({ models: Array.from({ length: 26 }, (_, i) => ({ name: `m${i}`, durations: [4], usdPerSecond: 0.1 })) });
    const model = option(optionsOf(many), 'model');
    expect(model.autocomplete).toBe(true);
    expect(model.choices).toBeUndefined();
    // 25 offered of 26 fit in choices again.
    expect(modelOptionValues(many, (id) => id !== 'm3').choices).toHaveLength(25);
  });

  it('falls back to the bare label, then the id, to stay within 100 characters', () => {
    const long = `m${'x'.repeat(60)}`;
    const longest = `m${'y'.repeat(99)}`;
    const catalog = catalogOf({ models: [
      { name: long, durations: [4], resolutions: { standard: 0.000001, high: 1.234567 } },
      { name: longest, durations: [4], usdPerSecond: 0.1 },
    ] });
    expect(modelChoiceLabel(catalog.models[0]!)).toBe(`${long} · $0.000001–$1.234567/s`);
    expect(modelChoiceLabel(catalog.models[1]!)).toBe(longest);
    for (const choice of catalog.models.map(modelChoice)) {
      expect(choice.name.length).toBeLessThanOrEqual(100);
      expect(choice.name_localizations?.ja.length ?? 0).toBeLessThanOrEqual(100);
    }
  });

  it('asks Discord for autocomplete on duration and resolution, within the catalog\'s range of durations', () => {
    const options = optionsOf(builtIn);
    expect(durationBounds(builtIn)).toEqual({ min_value: 3, max_value: 15 });
    expect(option(options, 'duration')).toMatchObject({ autocomplete: true, min_value: 3, max_value: 15 });
    expect(option(options, 'duration').choices).toBeUndefined();
    expect(option(options, 'resolution')).toMatchObject({ autocomplete: true });
    expect(option(options, 'resolution').choices).toBeUndefined();
    expect(option(options, 'audio')).toMatchObject({ type: 5, name_localizations: { ja: '音声' } });
  });

  it('offers square only when some model makes square videos', () => {
    expect(aspectChoices(builtIn).map((c) => [c.value, c.name, c.name_localizations.ja])).toEqual([
      ['landscape', 'landscape (16:9)', '横長 (16:9)'], ['portrait', 'portrait (9:16)', '縦長 (9:16)'], ['square', 'square (1:1)', '正方形 (1:1)'],
    ]);
    const soraOnly = catalogOf({ models: [{ name: 'sora-2-preview', durations: [4, 8, 12], usdPerSecond: 0.1 }] });
    expect(aspectChoices(soraOnly).map((c) => c.value)).toEqual(['landscape', 'portrait']);
  });

  it('names the default model by its label, and stops prompts past 2000 characters in Discord itself', () => {
    const data = videoCommandData(builtIn, 'seedance-2.0-fast');
    const options = data.options as unknown as (Option & { description: string })[];
    expect(options.find((o) => o.name === 'model')?.description).toBe('Model (default Seedance 2.0 Fast)');
    expect(option(options, 'prompt').max_length).toBe(2000);
  });
});
