import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAndStop, isCallback, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => checkAndStop(h));

type Options = Parameters<typeof videoOptions>[0];

/** A member typing in `focused`, the other options as given; returns the choices the bot answered with. */
async function suggestions(focused: 'duration' | 'resolution' | 'model', options: Options, text = '', locale = 'en-US') {
  const interaction = h.discord.sendAutocomplete({ name: 'video', focused, text, options: videoOptions(options), locale });
  const callback = await h.discord.waitForRequest(isCallback(interaction.id));
  expect((callback.body as { type: number }).type).toBe(8);
  expect(h.discord.interaction(interaction.id)?.callbackType).toBe(8);
  return (callback.body as { data: { choices: { name: string; value: string | number }[] } }).data.choices;
}

describe('/video autocomplete (interaction type 4, answered with callback type 8)', () => {
  it('offers the default model\'s durations, each with the job\'s estimate, before a model is chosen', async () => {
    const choices = await suggestions('duration', {});
    expect(choices.map((c) => c.value)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(choices[0]).toEqual({ name: '4 s · $0.3424', value: 4 });
    expect(choices[1]).toEqual({ name: '5 s · $0.428', value: 5 });
  });

  it('offers only what the model chosen in the same command makes, in the member\'s language', async () => {
    expect(await suggestions('duration', { model: 'veo3.1-fast' })).toEqual([{ name: '8 s · $0.14', value: 8 }]);
    expect(await suggestions('duration', { model: 'veo3.1-fast' }, '', 'ja')).toEqual([{ name: '8秒 · $0.14', value: 8 }]);
    expect(await suggestions('resolution', { model: 'kling-v3' })).toEqual([
      { name: '720p · $0.336', value: '720p' }, { name: '1080p · $0.448', value: '1080p' },
    ]);
    expect(await suggestions('resolution', { model: 'sora-2-pro-preview' }, '', 'ja')).toEqual([
      { name: '標準画質 · $1.20', value: 'standard' }, { name: '高画質 · $2.00', value: 'high' },
    ]);
    expect(await suggestions('resolution', { model: 'sora-2-preview' })).toEqual([]);
  });

  it('follows the model\'s rules across options: Hailuo\'s 1080p only at 6 s, Kling v2.6\'s sound only in pro', async () => {
    expect((await suggestions('duration', { model: 'MiniMax-Hailuo-2.3', resolution: '1080p' })).map((c) => c.value)).toEqual([6]);
    expect((await suggestions('resolution', { model: 'MiniMax-Hailuo-2.3', duration: 10 })).map((c) => c.value)).toEqual(['768p']);
    expect((await suggestions('resolution', { model: 'kling-v2-6', audio: true })).map((c) => c.value)).toEqual(['1080p']);
    // The price follows the other options too: 10 s of Kling v3 with sound in pro mode.
    expect(await suggestions('resolution', { model: 'kling-v3', audio: true, duration: 10 }, '1')).toEqual([{ name: '1080p · $1.344', value: '1080p' }]);
  });

  it('narrows to what was typed, and ignores another option the model refuses on its own', async () => {
    expect((await suggestions('duration', { model: 'seedance-2.0' }, '1')).map((c) => c.value)).toEqual([10, 11, 12, 13, 14, 15]);
    expect((await suggestions('duration', { model: 'veo3.1-fast', aspect_ratio: 'square' })).map((c) => c.value)).toEqual([8]);
    expect(await suggestions('duration', { model: 'no-such-model' })).toEqual([]);
  });

  it('finds models by id or label', async () => {
    expect(await suggestions('model', {}, 'KLING')).toEqual([
      { name: 'Kling v3 · $0.0672–$0.1344/s', value: 'kling-v3' },
      { name: 'Kling v2.6 · $0.035–$0.14/s', value: 'kling-v2-6' },
    ]);
    expect((await suggestions('model', {})).length).toBe(11);
  });

  it('reserves nothing and sends nothing to the provider', () => {
    expect(jobRows(h.db)).toEqual([]);
    expect(ledgerRows(h.db)).toEqual([]);
    expect(h.apimart.submits()).toEqual([]);
  });
});
