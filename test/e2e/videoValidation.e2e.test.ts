import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateRecordedRequests } from '../fakes/discordSpec.ts';
import type { FakeAttachment } from '../fakes/fakeDiscord.ts';
import { isCallback, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { ALLOWED_CHANNEL_IDS: '1300000000000000001', USER_DAILY_BUDGET_USD: '1' } });
});
afterAll(async () => {
  await h.stop();
});

/** Sends a command and returns the text of the bot's answer, which must be an ephemeral reply. */
type Extra = { channelId?: string; appPermissions?: string; attachments?: FakeAttachment[] };
async function ephemeralAnswer(options: unknown[], extra: Extra = {}): Promise<string> {
  const interaction = h.discord.sendCommand({ name: 'video', options, ...extra });
  const callback = await h.discord.waitForRequest(isCallback(interaction.id));
  const body = callback.body as { type: number; data: { content: string; flags: number; allowed_mentions?: unknown } };
  expect(body.type).toBe(4);
  expect(body.data.flags & 64).toBe(64);
  expect(body.data.allowed_mentions).toEqual({ parse: [] });
  return body.data.content;
}

const bigPng = () => h.discord.addAttachment({ filename: 'big.png', contentType: 'image/png', bytes: Buffer.alloc(16), sizeOverride: 11 * 1024 * 1024, width: 1280, height: 720 });

describe('/video rejections are ephemeral and come before any money moves', () => {
  const withImage = (image: FakeAttachment) => ({ options: videoOptions({ imageId: image.id }), extra: { attachments: [image] } });
  const gif = () => h.discord.addAttachment({ filename: 'cat.gif', contentType: 'image/gif', bytes: Buffer.from('GIF89a') });
  const pdfNamedPng = () => h.discord.addAttachment({ filename: 'scan.png', contentType: 'application/pdf', bytes: Buffer.from('%PDF-1.4') });
  const cases: { name: string; request: () => { options: unknown[]; extra?: Extra }; says: RegExp }[] = [
    { name: 'a GIF image', says: /GIF/, request: () => withImage(gif()) },
    { name: 'a PDF that claims to be a PNG', says: /JPEG, PNG or WebP/, request: () => withImage(pdfNamedPng()) },
    { name: 'an 11 MB image', says: /10 MB/, request: () => withImage(bigPng()) },
    { name: 'a resolution the default model lacks', says: /Seedance 2\.0 Fast offers 480p or 720p, not high/, request: () => ({ options: videoOptions({ resolution: 'high' }) }) },
    { name: 'a duration Veo 3.1 Fast does not make', says: /Veo 3\.1 Fast makes 8-second videos/, request: () => ({ options: videoOptions({ model: 'veo3.1-fast', duration: 5 }) }) },
    { name: 'square on Veo 3.1 Fast', says: /landscape or portrait videos, not square/, request: () => ({ options: videoOptions({ model: 'veo3.1-fast', aspect_ratio: 'square' }) }) },
    { name: '1080p at 10 s on Hailuo', says: /with 1080p, choose 6 s/, request: () => ({ options: videoOptions({ model: 'MiniMax-Hailuo-2.3', resolution: '1080p', duration: 10 }) }) },
    { name: 'sound on a model without it', says: /no sound option/, request: () => ({ options: videoOptions({ model: 'MiniMax-Hailuo-2.3', audio: true }) }) },
    { name: 'an empty prompt', says: /empty/, request: () => ({ options: videoOptions({ prompt: '   ' }) }) },
    { name: 'a prompt of zero-width characters', says: /empty/, request: () => ({ options: videoOptions({ prompt: '\u200B\u200B\u2060' }) }) },
    { name: 'a 7,000-character prompt', says: /2000/, request: () => ({ options: videoOptions({ prompt: 'a'.repeat(7000) }) }) },
    { name: 'a channel outside ALLOWED_CHANNEL_IDS', says: /only in/, request: () => ({ options: videoOptions({}), extra: { channelId: '1300000000000000002' } }) },
    { name: 'an exceeded budget, with its reset time', says: /<t:\d+:R>/, request: () => ({ options: videoOptions({ duration: 12 }) }) },
    { name: 'missing Attach Files permission', says: /Attach Files/, request: () => ({ options: videoOptions({}), extra: { appPermissions: String(0x400n | 0x800n) } }) },
  ];

  it.each(cases)('rejects $name without reserving or sending anything', async ({ request, says }) => {
    const submitsBefore = h.apimart.submits().length;
    const { options, extra } = request();
    const content = await ephemeralAnswer(options, extra);
    expect(content).toMatch(says);
    expect(h.apimart.submits().length).toBe(submitsBefore);
    expect(ledgerRows(h.db)).toEqual([]);
  });

  it('rejects while paused and accepts again after resume', async () => {
    await h.app.store.spend.setPaused(h.discord.guildId, true, 'admin', Date.now());
    expect(await ephemeralAnswer(videoOptions({}))).toMatch(/paused/);
    expect(ledgerRows(h.db)).toEqual([]);
    await h.app.store.spend.setPaused(h.discord.guildId, false, 'admin', Date.now());
  });

  it('answers in Japanese for a Japanese locale', async () => {
    const interaction = h.discord.sendCommand({ name: 'video', options: videoOptions({ prompt: ' ' }), locale: 'ja' });
    const callback = await h.discord.waitForRequest(isCallback(interaction.id));
    expect((callback.body as { data: { content: string } }).data.content).toContain('プロンプトが空です');
  });

  it('sent only spec-valid bodies to Discord', () => {
    expect(validateRecordedRequests(h.discord.requests)).toEqual([]);
  });
});
