import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeAttachment } from '../fakes/fakeDiscord.ts';
import { answerTo } from './spendHelpers.ts';
import { checkAndStop, startHarness, videoOptions, type Harness } from './harness.ts';
import { logEvents } from './requestViews.ts';

let h: Harness;
let image: FakeAttachment;
beforeAll(async () => {
  // Every built-in model in one bot: no confirmation, no budget, room for every job at once.
  h = await startHarness({ env: { CONFIRM_ABOVE_USD: '0', USER_DAILY_BUDGET_USD: '0', USER_MONTHLY_BUDGET_USD: '0', USER_MAX_ACTIVE_JOBS: '20' } });
  image = h.discord.addAttachment({ filename: 'tall.png', contentType: 'image/png', bytes: Buffer.from('89504e470d0a1a0a', 'hex'), width: 720, height: 1280 });
});
afterAll(() => checkAndStop(h));

const prompt = 'a fox running through fresh snow';
const url = () => image.url;

/** The exact body each family's model gets for `/video aspect_ratio:portrait image:tall.png`, and nothing else set. */
const families: [string, () => Record<string, unknown>][] = [
  ['seedance-2.0', () => ({ duration: 5, size: '9:16', resolution: '720p', generate_audio: true, image_urls: [url()] })],
  ['seedance-2.0-fast', () => ({ duration: 5, size: '9:16', resolution: '720p', generate_audio: true, image_urls: [url()] })],
  ['seedance-1-5-pro', () => ({ duration: 5, aspect_ratio: '9:16', resolution: '720p', audio: false, image_urls: [url()] })],
  ['veo3.1-fast', () => ({ duration: 8, aspect_ratio: '9:16', resolution: '720p', image_urls: [url()] })],
  ['kling-v3', () => ({ duration: 5, aspect_ratio: '9:16', mode: 'std', audio: false, image_urls: [url()] })],
  ['kling-v2-6', () => ({ duration: 5, aspect_ratio: '9:16', mode: 'std', audio: false, image_urls: [url()] })],
  // Wan takes no ratio for image-to-video, Hailuo none at all: the image decides.
  ['wan2.6', () => ({ duration: 5, resolution: '720p', audio: false, image_urls: [url()] })],
  ['MiniMax-Hailuo-2.3', () => ({ duration: 6, resolution: '768p', first_frame_image: url() })],
  ['MiniMax-H3', () => ({ duration: 5, resolution: '768P', first_frame_image: url() })],
  ['sora-2-preview', () => ({ duration: 4, aspect_ratio: 'portrait', image_urls: [url()] })],
  ['sora-2-pro-preview', () => ({ duration: 4, aspect_ratio: 'portrait', resolution: 'standard', image_urls: [url()] })],
];

describe('a portrait job with an image, on each built-in model', () => {
  it.each(families)('%s gets its own field names and spellings, and the fake apimart accepts them', async (model, fields) => {
    const before = h.apimart.submits().length;
    const answer = await answerTo(h, h.discord.sendCommand({
      name: 'video', options: videoOptions({ model, aspect_ratio: 'portrait', imageId: image.id }), attachments: [image],
    }));
    expect(answer.flags & 64).toBe(0);
    await h.discord.waitFor(() => (h.apimart.submits()[before]?.status ?? 0) !== 0, 10_000);
    const submit = h.apimart.submits()[before]!;
    expect(submit.body).toEqual({ model, prompt, ...fields() });
    expect(submit.status).toBe(200);
    // What was sent is what is stored; what was asked stays in the member's words.
    const row = h.db.prepare('SELECT request_json, model, aspect_ratio, image_url FROM jobs ORDER BY id DESC LIMIT 1').get() as Record<string, string>;
    expect(JSON.parse(row.request_json as string)).toEqual(submit.body);
    expect(row).toMatchObject({ model, aspect_ratio: 'portrait', image_url: url() });
  });
});

describe('the built-in prices at start', () => {
  it('are warned about once per problem: the placeholders, by model', () => {
    const warnings = logEvents(h, 'config_warning').map((line) => JSON.parse(line) as { level: string; problem: string; models?: string[] });
    const placeholders = warnings.filter((w) => w.problem === 'placeholder_prices');
    expect(placeholders).toHaveLength(1);
    expect(placeholders[0]).toMatchObject({
      level: 'warn',
      models: ['seedance-1-5-pro', 'kling-v2-6', 'wan2.6', 'MiniMax-Hailuo-2.3', 'sora-2-preview', 'sora-2-pro-preview'],
    });
    expect(warnings.filter((w) => w.problem === 'stale_prices').length).toBeLessThanOrEqual(1);
  });
});
