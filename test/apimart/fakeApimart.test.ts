import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeApimart } from '../fakes/fakeApimart.ts';

const KEY = 'sk-fake-test-key';
const VALID = { model: 'seedance-2.0-fast', prompt: 'a fox in snow', duration: 5, size: '9:16', resolution: '720p', generate_audio: true };
const SORA = { model: 'sora-2-preview', prompt: 'a fox in snow', duration: 4, aspect_ratio: 'portrait' };

let fake: FakeApimart;
beforeEach(async () => {
  fake = await FakeApimart.start({ apiKey: KEY, models: ['sora-2-custom'] });
});
afterEach(() => fake.stop());

async function call(path: string, init: { method?: string; body?: unknown; key?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
  if (init.key !== null) headers.authorization = `Bearer ${init.key ?? KEY}`;
  const res = await fetch(`${fake.baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text.startsWith('{') ? (JSON.parse(text) as unknown) : undefined };
}

async function submit(body: unknown = VALID, headers?: Record<string, string>) {
  return call('/v1/videos/generations', { method: 'POST', body, headers });
}

async function submitTask(): Promise<string> {
  return taskIdOf((await submit()).json);
}

function taskIdOf(json: unknown): string {
  return (json as { data: [{ task_id: string }] }).data[0].task_id;
}

function dataOf(json: unknown): unknown {
  return (json as { data: unknown }).data;
}

describe('FakeApimart', () => {
  it.each([
    ['an unknown model', { ...VALID, model: 'sora-3' }, 'model sora-3 is not supported'],
    ['an empty prompt', { ...VALID, prompt: ' ' }, 'prompt is required'],
    ['`aspect_ratio` on Seedance 2.0, which reads `size`', { ...VALID, size: undefined, aspect_ratio: '9:16' }, 'unknown field aspect_ratio for model seedance-2.0-fast'],
    ['the word `portrait` instead of 9:16', { ...VALID, size: 'portrait' }, 'size must be one of 16:9, 9:16, 1:1, 4:3, 3:4, 21:9, adaptive'],
    ['an out-of-range duration', { ...VALID, duration: 16 }, 'duration must be an integer from 4 to 15'],
    ['a duration as a string', { ...VALID, duration: '5' }, 'duration must be an integer from 4 to 15'],
    ['1080p on the fast model', { ...VALID, resolution: '1080p' }, 'resolution must be one of 480p, 720p'],
    ['5 s on Veo 3.1 Fast', { model: 'veo3.1-fast', prompt: 'p', duration: 5 }, 'duration must be one of 8'],
    ['Kling\'s resolution as `resolution`', { model: 'kling-v3', prompt: 'p', duration: 5, resolution: '720p' }, 'unknown field resolution for model kling-v3'],
    ['Hailuo\'s image in image_urls', { model: 'MiniMax-Hailuo-2.3', prompt: 'p', duration: 6, image_urls: ['https://x/a.png'] }, 'unknown field image_urls for model MiniMax-Hailuo-2.3'],
    ['Hailuo at 1080p for 10 s', { model: 'MiniMax-Hailuo-2.3', prompt: 'p', duration: 10, resolution: '1080p' }, '1080p only supports a duration of 6 seconds'],
    ['Kling v2.6 sound in std mode', { model: 'kling-v2-6', prompt: 'p', duration: 5, mode: 'std', audio: true }, 'audio is only supported in pro mode'],
    ['H3 in lower case', { model: 'MiniMax-H3', prompt: 'p', duration: 5, resolution: '2k' }, 'resolution must be one of 2K, 768P'],
    ['a Sora duration of 5', { ...SORA, duration: 5 }, 'duration must be one of 4, 8, 12'],
  ])('refuses %s with apimart\'s error shape and HTTP 400', async (_label, body, message) => {
    const res = await submit(body);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { code: 400, message: `Invalid request parameters: ${message}`, type: 'invalid_request_error' } });
    expect(fake.tasks.size).toBe(0);
  });

  it.each([
    VALID,
    { ...VALID, size: '1:1', duration: 15, generate_audio: false, image_urls: ['https://cdn/a.png'] },
    { model: 'kling-v3', prompt: 'p', duration: 10, aspect_ratio: '9:16', mode: 'pro', audio: true, image_urls: ['https://cdn/a.png'] },
    { model: 'MiniMax-Hailuo-2.3', prompt: 'p', duration: 6, resolution: '1080p', first_frame_image: 'https://cdn/a.png' },
    { ...SORA, aspect_ratio: '16:9', duration: 12 },
    { ...SORA, model: 'sora-2-pro-preview', resolution: 'high' },
    { ...SORA, model: 'sora-2-custom' },
  ])('accepts %o', async (body) => {
    expect((await submit(body)).status).toBe(200);
  });

  it('reports the model\'s own price as the finished task\'s cost', async () => {
    const seedance = taskIdOf((await submit({ ...VALID, duration: 10 })).json);
    const veo = taskIdOf((await submit({ model: 'veo3.1-fast', prompt: 'p', duration: 8 })).json);
    fake.completeTask(seedance);
    fake.completeTask(veo);
    expect(dataOf((await call(`/v1/tasks/${seedance}`)).json)).toMatchObject({ cost: 0.856 });
    expect(dataOf((await call(`/v1/tasks/${veo}`)).json)).toMatchObject({ cost: 0.14 });
  });

  it('answers 401 without the right bearer key and records the header', async () => {
    const res = await call('/v1/balance', { key: 'sk-other' });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ error: { type: 'authentication_error' } });
    expect(fake.requests[0]).toMatchObject({ status: 401, headers: { authorization: 'Bearer sk-other' } });
  });

  it('creates task ids shaped like apimart ULIDs', async () => {
    expect(await submitTask()).toMatch(/^task_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('replays an idempotent submit with the same task', async () => {
    const first = await submit(VALID, { 'idempotency-key': 'job-7' });
    const again = await submit(VALID, { 'idempotency-key': 'job-7' });
    expect(taskIdOf(again.json)).toBe(taskIdOf(first.json));
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(fake.tasks.size).toBe(1);
  });

  it('treats a repeated key as a replay token: another request with it still gets the earlier task', async () => {
    const first = await submit(VALID, { 'idempotency-key': 'job-1' });
    const other = await submit({ ...VALID, prompt: 'someone else entirely' }, { 'idempotency-key': 'job-1' });
    expect(taskIdOf(other.json)).toBe(taskIdOf(first.json));
    expect(other.headers.get('idempotency-replayed')).toBe('true');
    expect(first.headers.get('idempotency-replayed')).toBeNull();
    expect(fake.tasks.size).toBe(1);
  });

  it('refuses a key that is not 1-191 visible ASCII characters, making nothing', async () => {
    for (const key of ['has space', 'x'.repeat(192)]) {
      expect((await submit(VALID, { 'idempotency-key': key })).status).toBe(400);
    }
    expect(fake.tasks.size).toBe(0);
  });

  it('serves the video publicly and answers 403 once it expired', async () => {
    fake.setTaskPlan('next', { pollsUntilComplete: 1, videoBytes: Buffer.from('MP4!') });
    const taskId = await submitTask();
    const { json } = await call(`/v1/tasks/${taskId}`);
    const url = `${fake.baseUrl}/files/${taskId}.mp4`;
    expect(dataOf(json)).toMatchObject({ result: { videos: [{ url: [url] }] } });
    const download = await fetch(url);
    expect(download.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await download.arrayBuffer()).toString()).toBe('MP4!');
    expect(fake.requests.at(-1)?.headers.authorization).toBeUndefined();

    fake.expireVideo(taskId);
    expect((await fetch(url)).status).toBe(403);
  });

  it('completes by wall clock when completeAtMs is set', async () => {
    fake.setTaskPlan('next', { completeAtMs: Date.now() + 60_000, pollsUntilComplete: 1 });
    const taskId = await submitTask();
    expect(dataOf((await call(`/v1/tasks/${taskId}`)).json)).toMatchObject({ status: 'processing' });
    fake.setTaskPlan(taskId, { completeAtMs: Date.now() - 1 });
    expect(dataOf((await call(`/v1/tasks/${taskId}`)).json)).toMatchObject({ status: 'completed' });
  });

  it('keeps a never-ending task processing below 100%', async () => {
    fake.setTaskPlan('next', { outcome: 'never' });
    const taskId = await submitTask();
    for (let i = 0; i < 4; i++) await call(`/v1/tasks/${taskId}`);
    const { json } = await call(`/v1/tasks/${taskId}`);
    expect(dataOf(json)).toMatchObject({ status: 'processing', progress: 95 });
  });

  it('forces completion and failure on demand', async () => {
    const a = await submitTask();
    const b = await submitTask();
    fake.completeTask(a, { urlShape: 'string', cost: 1.5 });
    fake.failTask(b, { code: 'content_policy', message: 'blocked', type: 'moderation_blocked' });
    const done = dataOf((await call(`/v1/tasks/${a}`)).json);
    expect(done).toMatchObject({ status: 'completed', cost: 1.5, result: { videos: [{ url: `${fake.baseUrl}/files/${a}.mp4` }] } });
    const failed = dataOf((await call(`/v1/tasks/${b}`)).json);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'content_policy', type: 'moderation_blocked' } });
  });

  it('creates the task when a scripted answer is lost, but not on a scripted error', async () => {
    fake.scriptSubmit({ status: 500, body: {} }, { destroyAfterReceive: true });
    expect((await submit()).status).toBe(500);
    await expect(submit()).rejects.toThrow();
    expect(fake.tasks.size).toBe(1);
    expect(fake.submits().map((r) => r.status)).toEqual([500, 0]);
  });
});
