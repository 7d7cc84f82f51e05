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
interface Option { name: string; max_length?: number; choices?: Choice[] }

describe('/video as registered from a MODELS_FILE catalog', () => {
  it('offers the union of the durations, prices on the model choices and a 2000-character prompt; the chosen model still decides', async () => {
    dir = mkdtempSync(join(tmpdir(), 'videobot-catalog-'));
    const models = join(dir, 'models.json');
    writeFileSync(models, JSON.stringify({ models: [
      { name: 'clip-fast', durations: [5, 10], usdPerSecond: 0.05 },
      { name: 'clip-fine', durations: [10, 15, 20], resolutions: { standard: 0.2, high: 0.45 } },
    ] }));
    const apimart = await FakeApimart.start({ models: ['clip-fast', 'clip-fine'] });
    h = await startHarness({ apimart, ownsFakes: true, env: { MODELS_FILE: models, DEFAULT_MODEL: 'clip-fast' } });
    const video = (h.discord.commands.global as { name: string; options: Option[] }[]).find((c) => c.name === 'video')!;
    const option = (name: string) => video.options.find((o) => o.name === name)!;

    expect(option('prompt').max_length).toBe(2000);
    expect(option('duration').choices?.map((c) => [c.value, c.name, c.name_localizations?.ja])).toEqual([
      [5, '5 s', '5秒'], [10, '10 s', '10秒'], [15, '15 s', '15秒'], [20, '20 s', '20秒'],
    ]);
    expect(option('model').choices).toEqual([
      { name: 'clip-fast · $0.05/s', name_localizations: { ja: 'clip-fast · $0.05/秒' }, value: 'clip-fast' },
      { name: 'clip-fine · standard $0.20/s · high $0.45/s', name_localizations: { ja: 'clip-fine · 標準画質 $0.20/秒 · 高画質 $0.45/秒' }, value: 'clip-fine' },
    ]);

    // 20 s is a choice (clip-fine offers it), but not for the default model.
    const refused = await answerTo(h, h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 20 }) }));
    expect(refused.flags & 64).toBe(64);
    expect(refused.content).toBe('`clip-fast` cannot make 20-second videos. Choose 5 or 10 seconds.');
    const refusedJa = await answerTo(h, h.discord.sendCommand({ name: 'video', locale: 'ja', options: videoOptions({ duration: 10, model: 'clip-fast', resolution: 'high' }) }));
    expect(refusedJa.content).toContain('`高画質`');
    expect(refusedJa.content).toContain('`解像度` を空にするか');
    expect(h.apimart.submits()).toEqual([]);
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
