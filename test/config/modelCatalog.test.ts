import { describe, expect, it } from 'vitest';
import {
  builtInModels,
  createModelCatalog,
  estimateCostMicros,
  ModelsFileError,
  parseModelsFile,
  pricePerSecondMicros,
  type ModelSpec,
} from '../../src/modelCatalog.ts';

const catalog = createModelCatalog(builtInModels);

function model(name: string): ModelSpec {
  const found = catalog.find(name);
  if (!found) throw new Error(`no model ${name}`);
  return found;
}

function onlyModel(json: string): ModelSpec {
  const [first, ...rest] = parseModelsFile(json, 'models.json');
  if (!first || rest.length > 0) throw new Error('expected exactly one model');
  return first;
}

function problemsOf(json: string): readonly string[] {
  try {
    parseModelsFile(json, 'models.json');
  } catch (err) {
    if (err instanceof ModelsFileError) return err.problems;
    throw err;
  }
  throw new Error('expected a ModelsFileError');
}

const file = (models: unknown) => JSON.stringify({ models });
const valid = { name: 'sora-2-preview', durations: [4, 8, 12], usdPerSecond: 0.1 };

describe('built-in catalog', () => {
  it('lists both Sora 2 models in order', () => {
    expect(catalog.names()).toEqual(['sora-2-preview', 'sora-2-pro-preview']);
    expect(catalog.find('nope')).toBeUndefined();
  });

  it.each([
    ['sora-2-preview', undefined, 4, 400_000],
    ['sora-2-preview', undefined, 8, 800_000],
    ['sora-2-preview', undefined, 12, 1_200_000],
    ['sora-2-pro-preview', 'standard', 4, 1_200_000],
    ['sora-2-pro-preview', 'standard', 8, 2_400_000],
    ['sora-2-pro-preview', 'standard', 12, 3_600_000],
    ['sora-2-pro-preview', 'high', 4, 2_000_000],
    ['sora-2-pro-preview', 'high', 8, 4_000_000],
    ['sora-2-pro-preview', 'high', 12, 6_000_000],
    ['sora-2-pro-preview', undefined, 8, 2_400_000],
  ] as const)('estimates %s at %s resolution for %is as %i micros', (name, resolution, seconds, micros) => {
    expect(estimateCostMicros(model(name), seconds, resolution)).toBe(micros);
  });

  it('never gives sora-2-preview a resolution', () => {
    expect(model('sora-2-preview').resolutions).toEqual([]);
    expect(() => pricePerSecondMicros(model('sora-2-preview'), 'high')).toThrow(RangeError);
  });

  it('refuses to quote a duration the model does not offer', () => {
    expect(() => estimateCostMicros(model('sora-2-preview'), 5, undefined)).toThrow(/does not offer 5s/);
  });

  it('prices an unspecified resolution as the first listed when standard is absent', () => {
    const highOnly = onlyModel(file([{ name: 'x', durations: [4], resolutions: { high: 0.5 } }]));
    expect(pricePerSecondMicros(highOnly, undefined)).toBe(500_000);
    expect(() => pricePerSecondMicros(highOnly, 'standard')).toThrow(RangeError);
  });

  it('rejects duplicate names when built by hand', () => {
    expect(() => createModelCatalog([...builtInModels, ...builtInModels])).toThrow(/duplicate/);
  });
});

describe('parseModelsFile', () => {
  it('reads the documented shape into exact micros', () => {
    const models = parseModelsFile(
      file([valid, { name: 'sora-2-pro-preview', durations: [4, 8, 12], resolutions: { high: 0.5, standard: 0.3 } }]),
      'models.json',
    );
    expect(models).toEqual([
      { name: 'sora-2-preview', durations: [4, 8, 12], resolutions: [], microsPerSecond: { default: 100_000 } },
      {
        name: 'sora-2-pro-preview',
        durations: [4, 8, 12],
        resolutions: ['standard', 'high'],
        microsPerSecond: { standard: 300_000, high: 500_000 },
      },
    ]);
  });

  it('names the file in the error message', () => {
    expect(() => parseModelsFile('{', '/etc/bot/models.json')).toThrow(/\/etc\/bot\/models\.json/);
  });

  it.each([
    ['not JSON', '{', /not valid JSON/],
    ['not an object', '[]', /must be an object with a "models" array/],
    ['no models', file([]), /models: must list at least one model/],
    ['26 models', file(Array.from({ length: 26 }, (_, i) => ({ ...valid, name: `m${i}` }))), /at most 25 models/],
    ['an unknown top-level key', JSON.stringify({ models: [valid], extra: 1 }), /unknown key "extra"/],
    ['an unknown model key', file([{ ...valid, usd: 1 }]), /models\[0\]: unknown key "usd"/],
    ['a bad name', file([{ ...valid, name: '-bad name' }]), /models\[0\]\.name: must be letters/],
    ['a long name', file([{ ...valid, name: 'a'.repeat(101) }]), /models\[0\]\.name: must be at most 100/],
    ['no durations', file([{ ...valid, durations: [] }]), /durations: must list at least one/],
    ['a zero duration', file([{ ...valid, durations: [0] }]), /durations\[0\]: must be a positive integer/],
    ['a fractional duration', file([{ ...valid, durations: [4.5] }]), /durations\[0\]: must be a positive integer/],
    ['a string duration', file([{ ...valid, durations: ['4'] }]), /durations\[0\]: must be a positive integer/],
    ['a repeated duration', file([{ ...valid, durations: [4, 4] }]), /must not repeat a duration/],
    ['a negative price', file([{ ...valid, usdPerSecond: -0.1 }]), /usdPerSecond: must be a non-negative/],
    ['a sub-micro price', file([{ ...valid, usdPerSecond: 0.1234567 }]), /at most 6 decimals/],
    ['a string price', file([{ ...valid, usdPerSecond: '0.1' }]), /usdPerSecond: must be a number of USD/],
    ['both prices', file([{ ...valid, resolutions: { high: 1 } }]), /exactly one of "usdPerSecond" or "resolutions"/],
    ['no price', file([{ name: 'x', durations: [4] }]), /exactly one of "usdPerSecond" or "resolutions"/],
    ['empty resolutions', file([{ name: 'x', durations: [4], resolutions: {} }]), /at least one of "standard", "high"/],
    ['an unknown resolution', file([{ name: 'x', durations: [4], resolutions: { ultra: 1 } }]), /unknown key "ultra"/],
    ['duplicate names', file([valid, { ...valid, name: 'SORA-2-preview' }]), /models\[1\]\.name: duplicate/],
  ])('rejects %s', (_, json, pattern) => {
    expect(problemsOf(json).join('\n')).toMatch(pattern);
  });

  it('lists every problem, one per line', () => {
    const json = file([{ name: '', durations: [0], usdPerSecond: -1 }]);
    const problems = problemsOf(json);
    expect(problems.length).toBeGreaterThanOrEqual(3);
    expect(() => parseModelsFile(json, 'models.json')).toThrow(
      /^models\.json is not a valid models file:\n {2}- models\[0\]\.name/,
    );
  });

  it('accepts a free model', () => {
    const free = onlyModel(file([{ ...valid, usdPerSecond: 0 }]));
    expect(estimateCostMicros(free, 4, undefined)).toBe(0);
  });
});
