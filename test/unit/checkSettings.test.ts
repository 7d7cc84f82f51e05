import { describe, expect, it } from 'vitest';
import { modelEn } from '../../src/i18n/modelEn.ts';
import { modelJa } from '../../src/i18n/modelJa.ts';
import { builtInCatalog } from '../../src/models/builtIn/index.ts';
import { checkSettings, type AskedSettings } from '../../src/models/checkSettings.ts';
import type { ModelEntry } from '../../src/models/modelEntry.ts';
import { toProviderRequest } from '../../src/models/providerRequest.ts';

const catalog = builtInCatalog();
const model = (id: string): ModelEntry => catalog.find(id) ?? (() => { throw new Error(id); })();
const ask = (a: Partial<AskedSettings> = {}): AskedSettings => ({ durationSec: null, aspectRatio: null, resolution: null, audio: null, image: false, ...a });

function refusal(id: string, a: Partial<AskedSettings>): { en: string; ja: string } {
  const checked = checkSettings(model(id), ask(a));
  if (checked.ok) throw new Error(`accepted ${JSON.stringify(a)}`);
  return { en: modelEn.problem(checked.problem), ja: modelJa.problem(checked.problem) };
}

function request(id: string, a: Partial<AskedSettings>, imageUrl: string | null = null) {
  const checked = checkSettings(model(id), ask({ ...a, image: imageUrl !== null }));
  if (!checked.ok) throw new Error(`refused: ${modelEn.problem(checked.problem)}`);
  return toProviderRequest(model(id), checked.settings, 'a fox', imageUrl);
}

describe('what each model offers, said when a combination is refused', () => {
  it.each([
    ['veo3.1-fast', { durationSec: 5 }, 'Veo 3.1 Fast makes 8-second videos, not 5 seconds.', 'Veo 3.1 Fast で作れるのは 8秒 の動画です（指定: 5秒）。'],
    ['seedance-2.0', { durationSec: 20 }, 'Seedance 2.0 makes videos of 4 to 15 seconds, not 20 seconds.', 'Seedance 2.0 で作れるのは 4〜15秒 の動画です（指定: 20秒）。'],
    ['MiniMax-Hailuo-2.3', { durationSec: 8 }, 'MiniMax Hailuo 2.3 makes 6- or 10-second videos, not 8 seconds.', 'MiniMax Hailuo 2.3 で作れるのは 6・10秒 の動画です（指定: 8秒）。'],
    ['wan2.6', { durationSec: 8 }, 'Wan 2.6 makes 5-, 10-, or 15-second videos, not 8 seconds.', 'Wan 2.6 で作れるのは 5・10・15秒 の動画です（指定: 8秒）。'],
    ['veo3.1-fast', { aspectRatio: 'square' }, 'Veo 3.1 Fast makes landscape or portrait videos, not square.', 'Veo 3.1 Fast で作れるのは横長か縦長の動画です（指定: 正方形）。'],
    ['veo3.1-fast', { resolution: '4k' }, 'Veo 3.1 Fast offers 720p or 1080p, not 4k.', 'Veo 3.1 Fast の解像度は 720pか1080p です（指定: 4k）。'],
    ['seedance-2.0-fast', { resolution: '1080p' }, 'Seedance 2.0 Fast offers 480p or 720p, not 1080p.', 'Seedance 2.0 Fast の解像度は 480pか720p です（指定: 1080p）。'],
    ['sora-2-preview', { resolution: 'high' }, 'Sora 2 has no resolution choice: leave `resolution` empty.', 'Sora 2 には解像度の選択がありません。`解像度` を空にしてください。'],
    ['MiniMax-Hailuo-2.3', { audio: true }, 'MiniMax Hailuo 2.3 has no sound option: leave `audio` empty.', 'MiniMax Hailuo 2.3 には音声の選択がありません。`音声` を空にしてください。'],
    ['MiniMax-Hailuo-2.3', { aspectRatio: 'portrait' }, 'MiniMax Hailuo 2.3 takes no aspect ratio: from text it makes landscape videos. Attach an image in the orientation you want.', 'MiniMax Hailuo 2.3 は縦横比を指定できません。テキストからは横長の動画になります。希望の向きの画像を添付してください。'],
    ['MiniMax-Hailuo-2.3', { resolution: '1080p', durationSec: 10 }, 'MiniMax Hailuo 2.3: with 1080p, choose 6 s.', 'MiniMax Hailuo 2.3 では 1080p のとき 6秒 を選んでください。'],
    ['kling-v2-6', { audio: true }, 'Kling v2.6: with sound, choose 1080p.', 'Kling v2.6 では 音声あり のとき 1080p を選んでください。'],
    ['kling-v3', { durationSec: 15, image: true }, 'Kling v3: with a reference image, choose at most 10 s.', 'Kling v3 では 参照画像あり のとき 10秒以下 を選んでください。'],
  ] as const)('%s refuses %j', (id, asked, en, ja) => {
    expect(refusal(id, asked)).toEqual({ en, ja });
  });

  it('refuses a word /video does not know, and an image for a text-only model', () => {
    expect(refusal('seedance-2.0', { aspectRatio: '16:9' }).en).toBe('Seedance 2.0 makes landscape, portrait, or square videos, not 16:9.');
    const textOnly: ModelEntry = { ...model('veo3.1-fast'), image: undefined };
    const checked = checkSettings(textOnly, ask({ image: true }));
    expect(checked.ok ? '' : modelEn.problem(checked.problem)).toBe('Veo 3.1 Fast makes videos from text only: remove the image or choose another model.');
  });

  it('accepts what the rules allow, with every default filled in', () => {
    expect(checkSettings(model('MiniMax-Hailuo-2.3'), ask({ resolution: '1080p' }))).toEqual({
      ok: true, settings: { durationSec: 6, aspectRatio: 'landscape', resolution: '1080p', audio: null, image: false },
    });
    expect(checkSettings(model('kling-v2-6'), ask({ audio: true, resolution: '1080p' })).ok).toBe(true);
    expect(checkSettings(model('kling-v3'), ask({ durationSec: 15 })).ok).toBe(true);
    // The image decides the orientation of a model without a ratio field.
    expect(checkSettings(model('MiniMax-Hailuo-2.3'), ask({ aspectRatio: 'portrait', image: true })).ok).toBe(true);
  });
});

describe('the request each model is sent', () => {
  it('puts the ratio where the model reads it, in its spelling', () => {
    expect(request('seedance-2.0-fast', { aspectRatio: 'portrait' })).toEqual({
      model: 'seedance-2.0-fast', prompt: 'a fox', duration: 5, size: '9:16', resolution: '720p', generate_audio: true,
    });
    expect(request('veo3.1-fast', { aspectRatio: 'portrait' })).toEqual({
      model: 'veo3.1-fast', prompt: 'a fox', duration: 8, aspect_ratio: '9:16', resolution: '720p',
    });
    expect(request('sora-2-preview', { aspectRatio: 'portrait' })).toMatchObject({ aspect_ratio: 'portrait' });
  });

  it('spells resolutions the model\'s way: Kling\'s mode, H3\'s upper case', () => {
    expect(request('kling-v3', { resolution: '1080p', audio: true })).toEqual({
      model: 'kling-v3', prompt: 'a fox', duration: 5, aspect_ratio: '16:9', mode: 'pro', audio: true,
    });
    expect(request('MiniMax-H3', { resolution: '2k' })).toEqual({
      model: 'MiniMax-H3', prompt: 'a fox', duration: 5, aspect_ratio: '16:9', resolution: '2K',
    });
  });

  it('sends the image in the model\'s field, and leaves out a ratio the image overrides', () => {
    expect(request('MiniMax-Hailuo-2.3', {}, 'https://cdn/a.png')).toEqual({
      model: 'MiniMax-Hailuo-2.3', prompt: 'a fox', duration: 6, resolution: '768p', first_frame_image: 'https://cdn/a.png',
    });
    expect(request('wan2.6', { aspectRatio: 'portrait' }, 'https://cdn/a.png')).toEqual({
      model: 'wan2.6', prompt: 'a fox', duration: 5, resolution: '720p', audio: false, image_urls: ['https://cdn/a.png'],
    });
    expect(request('wan2.6', { aspectRatio: 'portrait' })).toMatchObject({ aspect_ratio: '9:16' });
  });
});
