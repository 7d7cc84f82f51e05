import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../src/clock.ts';
import { DEFAULT_USER_ID } from '../fakes/fakeDiscord.ts';
import { pngBytes } from '../support/imageBytes.ts';
import { testEngine } from '../support/testDatabase.ts';
import { checkAndStop, eventually, isCallback, jobRowsOf, ledgerRowsOf, startHarness, videoOptions, type Harness } from './harness.ts';
import { answerTo } from './spendHelpers.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const dayMs = 24 * 3600_000;

/** Real time that a test can move forward, with no wait longer than 300 ms. */
function movableClock() {
  let offsetMs = 0;
  const clock: Clock = {
    now: () => systemClock.now() + offsetMs,
    setTimeout: (fn, delayMs) => systemClock.setTimeout(fn, Math.min(delayMs, 300)),
    clearTimeout: systemClock.clearTimeout,
  };
  return { clock, advance: (ms: number) => { offsetMs += ms; } };
}

const imageFieldOf = (body: unknown) => (body as { image_urls?: string[] }).image_urls?.[0];
/** Each kept image's bytes, its parts put back together. */
async function keptBytes(harness: Harness): Promise<Buffer[]> {
  const images = await harness.sql.all<{ sha256: string }>('SELECT sha256 FROM reference_images ORDER BY created_at');
  return Promise.all(images.map(async ({ sha256 }) =>
    Buffer.concat((await harness.sql.all<{ bytes: Buffer }>('SELECT bytes FROM reference_image_parts WHERE sha256 = ? ORDER BY part', sha256)).map((r) => r.bytes))));
}
const statusOf = async (id: number) => (await jobRowsOf(h!)).find((j) => j.id === id)?.status;

/** A delivered /video made from a PNG; the first submit sends Discord's own (fresh) link. */
async function deliveredImageJob(harness: Harness, bytes: Buffer) {
  const image = harness.discord.addAttachment({ filename: 'ref.png', contentType: 'image/png', bytes, width: 1280, height: 720 });
  harness.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4, imageId: image.id }), attachments: [image] });
  await eventually(async () => (await jobRowsOf(harness))[0]?.status === 'delivered', 15_000);
  return { image, job: (await jobRowsOf(harness))[0]! };
}

/** A day later: Discord's CDN refuses the link (its `ex` has passed) and the bot's clock agrees. */
function aDayLater(harness: Harness, time: ReturnType<typeof movableClock>) {
  harness.discord.cdn.advance(dayMs + 3600_000);
  time.advance(dayMs + 3600_000);
}

describe(`a reference image after Discord’s link to it expired (${testEngine})`, () => {
  it('Again a day later submits the same image bytes through an apimart upload URL', async () => {
    const time = movableClock();
    h = await startHarness({ appDeps: { clock: time.clock } });
    const bytes = pngBytes(64 * 1024);
    const { image, job: first } = await deliveredImageJob(h, bytes);
    expect(imageFieldOf(h.apimart.submits()[0]!.body)).toBe(image.url);
    expect(h.apimart.uploads.uploads).toEqual([]);
    expect((await keptBytes(h)).map((b) => b.equals(bytes))).toEqual([true]);

    aDayLater(h, time);
    expect((await fetch(image.url)).status).toBe(404);
    h.discord.clickButton(first.result_message_id!, `job:${first.id}:again`, DEFAULT_USER_ID);
    await eventually(async () => ['failed', 'delivered'].includes((await statusOf(2)) ?? ''), 15_000);

    expect((await jobRowsOf(h))[1]).toMatchObject({ status: 'delivered', failure_code: null });
    const sent = imageFieldOf(h.apimart.submits()[1]!.body);
    expect(sent).not.toBe(image.url);
    const upload = h.apimart.uploads.byUrl(sent);
    expect(upload?.bytes.equals(bytes)).toBe(true);
    expect(upload?.contentType).toBe('image/png');
    // The provider can read what it was sent: the link serves the member's bytes.
    expect(Buffer.from(await (await fetch(sent!)).arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('puts the upload in first_frame_image for a model that takes its image there', async () => {
    const time = movableClock();
    h = await startHarness({ appDeps: { clock: time.clock }, env: { CONFIRM_ABOVE_USD: '0' } });
    const bytes = pngBytes(8192);
    const image = h.discord.addAttachment({ filename: 'ref.png', contentType: 'image/png', bytes, width: 720, height: 1280 });
    h.discord.sendCommand({ name: 'video', options: videoOptions({ model: 'MiniMax-Hailuo-2.3', duration: 6, imageId: image.id }), attachments: [image] });
    await eventually(async () => (await jobRowsOf(h!))[0]?.status === 'delivered', 15_000);
    const first = (await jobRowsOf(h))[0]!;
    expect(h.apimart.submits()[0]!.body).toMatchObject({ model: 'MiniMax-Hailuo-2.3', first_frame_image: image.url });

    aDayLater(h, time);
    h.discord.clickButton(first.result_message_id!, `job:${first.id}:again`, DEFAULT_USER_ID);
    await eventually(async () => ['failed', 'delivered'].includes((await statusOf(2)) ?? ''), 15_000);
    expect(await statusOf(2)).toBe('delivered');
    const again = h.apimart.submits()[1]!.body as Record<string, unknown>;
    expect(again).not.toHaveProperty('image_urls');
    expect(h.apimart.uploads.byUrl(again.first_frame_image)?.bytes.equals(bytes)).toBe(true);
  });

  it('🔁 and Edit & retry a day later send the kept bytes too, uploading them once while the upload is valid', async () => {
    const time = movableClock();
    h = await startHarness({ appDeps: { clock: time.clock }, env: { USER_MAX_ACTIVE_JOBS: '5' } });
    const bytes = pngBytes(4096);
    const { job: first } = await deliveredImageJob(h, bytes);
    aDayLater(h, time);

    h.discord.sendReaction({ userId: DEFAULT_USER_ID, messageId: first.result_message_id!, emoji: '🔁' });
    await eventually(async () => (await statusOf(2)) === 'delivered', 15_000);
    const click = h.discord.clickButton(first.result_message_id!, `job:${first.id}:edit`, DEFAULT_USER_ID);
    await h.discord.waitForRequest(isCallback(click.id));
    h.discord.submitModal(click.id, { prompt: 'the same fox, at dusk' });
    await eventually(async () => (await statusOf(3)) === 'delivered', 15_000);

    const [, reroll, retry] = h.apimart.submits().map((s) => imageFieldOf(s.body));
    expect(h.apimart.uploads.uploads).toHaveLength(1);
    expect(reroll).toBe(h.apimart.uploads.uploads[0]!.url);
    expect(retry).toBe(reroll);
    expect(h.apimart.uploads.uploads[0]!.bytes.equals(bytes)).toBe(true);
    // One copy of the bytes, shared by the parent and both re-rolls.
    expect(await keptBytes(h)).toHaveLength(1);
  });

  it('is never failed by a passing upload error: the job waits and is sent when the upload works', async () => {
    const time = movableClock();
    h = await startHarness({ appDeps: { clock: time.clock } });
    const bytes = pngBytes(2048);
    const { job: first } = await deliveredImageJob(h, bytes);
    aDayLater(h, time);
    h.apimart.uploads.scriptAnswer({ status: 503, body: { error: { code: 503, message: 'Upload Failed', type: 'server_error' } } });

    h.discord.clickButton(first.result_message_id!, `job:${first.id}:again`, DEFAULT_USER_ID);
    await eventually(async () => ['failed', 'delivered'].includes((await statusOf(2)) ?? ''), 15_000);
    expect(await statusOf(2)).toBe('delivered');
    expect(h.apimart.requests.filter((r) => r.path === '/v1/uploads/images').map((r) => r.status)).toEqual([503, 200]);
    expect(h.apimart.uploads.byUrl(imageFieldOf(h.apimart.submits()[1]!.body))?.bytes.equals(bytes)).toBe(true);
  });

  it('refuses Again before reserving anything for a job whose image was never kept, once Discord’s link expired', async () => {
    const time = movableClock();
    h = await startHarness({ appDeps: { clock: time.clock } });
    const { job: first } = await deliveredImageJob(h, pngBytes(1024));
    // As a job made before the bot kept reference images.
    await h.sql.run('UPDATE jobs SET image_sha256 = NULL');
    aDayLater(h, time);
    const ledgerBefore = (await ledgerRowsOf(h)).length;

    const answer = await answerTo(h, h.discord.clickButton(first.result_message_id!, `job:${first.id}:again`, DEFAULT_USER_ID));
    expect(answer.flags & 64).toBe(64);
    expect(answer.content).toContain(`The reference image of job #${first.id} is no longer available`);
    expect(await jobRowsOf(h)).toHaveLength(1);
    expect(await ledgerRowsOf(h)).toHaveLength(ledgerBefore);
  });
});

describe(`keeping a reference image (${testEngine})`, () => {
  it('never downloads it before /video is acknowledged', async () => {
    h = await startHarness();
    const release = h.discord.cdn.holdDownloads();
    const image = h.discord.addAttachment({ filename: 'ref.png', contentType: 'image/png', bytes: pngBytes(1024), width: 1280, height: 720 });
    const command = h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 4, imageId: image.id }), attachments: [image] });
    // Every download is held: the acknowledgement arrives anyway, and the download is asked for only after it.
    const ack = await h.discord.waitForRequest(isCallback(command.id));
    expect(ack.body).toMatchObject({ type: 4 });
    await h.discord.waitFor(() => h!.discord.downloads.length > 0, 5_000);
    expect(h.apimart.submits()).toEqual([]);
    release();
    await eventually(async () => (await jobRowsOf(h!))[0]?.status === 'delivered', 15_000);
    expect(await keptBytes(h)).toHaveLength(1);
  });
});
