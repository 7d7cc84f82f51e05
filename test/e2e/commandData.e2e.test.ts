import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeApimart } from '../fakes/fakeApimart.ts';
import { FakeDiscord } from '../fakes/fakeDiscord.ts';
import { answerTo } from './spendHelpers.ts';
import { checkAndStop, isCallback, startHarness, videoOptions, type Harness } from './harness.ts';

let h: Harness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Choice { name: string; name_localizations?: Record<string, string>; value: unknown }
interface Option { name: string; max_length?: number; min_value?: number; max_value?: number; autocomplete?: boolean; choices?: Choice[] }

describe('/video as registered from a MODELS_FILE catalog', () => {
  it('from a file of the original format: the range of durations, prices on the model choices, a 2000-character prompt; the chosen model still decides', async () => {
    dir = mkdtempSync(join(tmpdir(), 'videobot-catalog-'));
    const models = join(dir, 'models.json');
    writeFileSync(models, JSON.stringify({ models: [
      { name: 'clip-fast', durations: [5, 10], usdPerSecond: 0.05 },
      { name: 'clip-fine', durations: [10, 15, 20], resolutions: { standard: 0.2, high: 0.45 } },
      { name: 'sora-2-pro-preview', durations: [4, 8, 12], resolutions: { standard: 0.3, high: 0.5 } },
    ] }));
    const apimart = await FakeApimart.start({ models: ['clip-fast', 'clip-fine'] });
    h = await startHarness({ apimart, ownsFakes: true, env: { MODELS_FILE: models, DEFAULT_MODEL: 'clip-fast', CONFIRM_ABOVE_USD: '0' } });
    const video = (h.discord.commands.global as { name: string; options: Option[] }[]).find((c) => c.name === 'video')!;
    const option = (name: string) => video.options.find((o) => o.name === name)!;

    expect(option('prompt').max_length).toBe(2000);
    expect(option('duration')).toMatchObject({ autocomplete: true, min_value: 4, max_value: 20 });
    expect(option('aspect_ratio').choices?.map((c) => c.value)).toEqual(['landscape', 'portrait']);
    expect(option('model').choices).toEqual([
      { name: 'clip-fast · $0.05/s', name_localizations: { ja: 'clip-fast · $0.05/秒' }, value: 'clip-fast' },
      { name: 'clip-fine · $0.20–$0.45/s', name_localizations: { ja: 'clip-fine · $0.20–$0.45/秒' }, value: 'clip-fine' },
      { name: 'sora-2-pro-preview · $0.30–$0.50/s', name_localizations: { ja: 'sora-2-pro-preview · $0.30–$0.50/秒' }, value: 'sora-2-pro-preview' },
    ]);

    // 20 s is in the range (clip-fine offers it), but not for the default model.
    const refused = await answerTo(h, h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 20 }) }));
    expect(refused.flags & 64).toBe(64);
    expect(refused.content).toBe('clip-fast makes 5- or 10-second videos, not 20 seconds.');
    const refusedJa = await answerTo(h, h.discord.sendCommand({ name: 'video', locale: 'ja', options: videoOptions({ duration: 10, model: 'clip-fast', resolution: 'high' }) }));
    expect(refusedJa.content).toBe('clip-fast には解像度の選択がありません。`解像度` を空にしてください。');
    expect(h.apimart.submits()).toEqual([]);

    // Still Sora-shaped: landscape/portrait and standard/high as words, the image in image_urls.
    const image = h.discord.addAttachment({ filename: 'a.png', contentType: 'image/png', bytes: Buffer.from('89504e470d0a1a0a', 'hex'), width: 720, height: 1280 });
    await answerTo(h, h.discord.sendCommand({ name: 'video', options: videoOptions({ model: 'sora-2-pro-preview', resolution: 'high', aspect_ratio: 'portrait', imageId: image.id }), attachments: [image] }));
    await h.discord.waitFor(() => h!.apimart.submits().length === 1, 10_000);
    expect(h.apimart.submits()[0]!.body).toEqual({
      model: 'sora-2-pro-preview', prompt: 'a fox running through fresh snow', duration: 4, aspect_ratio: 'portrait', resolution: 'high', image_urls: [image.url],
    });
    expect(h.apimart.submits()[0]!.status).toBe(200);
  });

  it('from a file of the current format: the operator\'s label and fields, sent in the model\'s words', async () => {
    dir = mkdtempSync(join(tmpdir(), 'videobot-catalog-'));
    const models = join(dir, 'models.json');
    writeFileSync(models, JSON.stringify({ models: [{
      id: 'kling-v3', label: 'Kling (house rules)',
      duration: { name: 'duration', seconds: [5, 10], default: 5 },
      aspectRatio: { name: 'aspect_ratio', values: { landscape: '16:9', portrait: '9:16' }, default: 'portrait' },
      resolution: { name: 'mode', values: { '720p': 'std' }, default: '720p' },
      image: { name: 'image_urls', maxImages: 2 },
      price: { per: 'second', readOn: '2026-12-01', source: 'our invoice', rows: [{ usd: 0.07 }] },
    }] }));
    h = await startHarness({ env: { MODELS_FILE: models } });
    const video = (h.discord.commands.global as { name: string; options: Option[] }[]).find((c) => c.name === 'video')!;
    expect(video.options.find((o) => o.name === 'model')?.choices).toEqual([
      { name: 'Kling (house rules) · $0.07/s', name_localizations: { ja: 'Kling (house rules) · $0.07/秒' }, value: 'kling-v3' },
    ]);
    const answer = await answerTo(h, h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 10 }) }));
    expect(answer.flags & 64).toBe(0);
    await h.discord.waitFor(() => h!.apimart.submits().length === 1, 10_000);
    expect(h.apimart.submits()[0]!.body).toEqual({ model: 'kling-v3', prompt: 'a fox running through fresh snow', duration: 10, aspect_ratio: '9:16', mode: 'std' });
    expect(h.apimart.submits()[0]!.status).toBe(200);
  });
});

describe('the slash-command sync at start', () => {
  it('does not keep the bot from starting when it fails: logged, /video served meanwhile, and synced on a later try', async () => {
    const discord = await FakeDiscord.start();
    // A minute of Discord answering 500: discord.js's own three retries fail too.
    discord.failNext({ method: 'GET', path: /^\/applications\/\d+\/commands$/ }, { status: 500, times: 4 });
    h = await startHarness({ discord, ownsFakes: true, appDeps: { commandSyncRetryMs: 300 } });
    const events = (name: string) => h!.logLines.map((l) => JSON.parse(l) as { event: string; commands?: string }).filter((e) => e.event === name);
    expect(events('command_sync_failed')).toHaveLength(1);
    expect(events('bot_ready')).toMatchObject([{ commands: 'failed' }]);
    expect(discord.commands.global).toEqual([]);

    const command = discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4 }) });
    expect((await discord.waitForRequest(isCallback(command.id))).status).toBeLessThan(300);
    await discord.waitFor(() => events('command_sync_recovered').length > 0, 10_000);
    expect(events('command_sync_recovered')).toMatchObject([{ commands: 'updated' }]);
    expect((discord.commands.global as { name: string }[]).map((c) => c.name)).toContain('video');
  });
});
