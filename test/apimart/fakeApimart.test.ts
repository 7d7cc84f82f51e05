import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeApimart } from '../fakes/fakeApimart.ts';

const KEY = 'sk-fake-test-key';
const VALID = { model: 'sora-2-preview', prompt: 'a fox in snow', duration: 4, aspect_ratio: 'portrait' };

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
    ['an unknown model', { ...VALID, model: 'sora-3' }],
    ['duration 5', { ...VALID, duration: 5 }],
    ['a square ratio', { ...VALID, aspect_ratio: '1:1' }],
    ['an empty prompt', { ...VALID, prompt: ' ' }],
    ['resolution 4k', { ...VALID, resolution: '4k' }],
  ])('answers 400 invalid_request_error for %s', async (_label, body) => {
    const res = await submit(body);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect(fake.tasks.size).toBe(0);
  });

  it.each([
    { ...VALID, aspect_ratio: '16:9', duration: 12 },
    { ...VALID, model: 'sora-2-pro-preview', resolution: 'high' },
    { ...VALID, model: 'sora-2-custom' },
  ])('accepts %o', async (body) => {
    expect((await submit(body)).status).toBe(200);
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
