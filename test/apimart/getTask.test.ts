import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApimartClient, type ApimartClientDeps } from '../../src/services/apimart/client.ts';
import { ApimartHttpError, ApimartResponseShapeError, ApimartTimeoutError } from '../../src/services/apimart/errors.ts';
import { FakeApimart, type FakeAnswer } from '../fakes/fakeApimart.ts';

const KEY = 'sk-live-SECRET-fedcba9876543210';
const REQ = { model: 'veo3.1-fast', prompt: 'a cat surfing', duration: 8, aspect_ratio: '16:9', resolution: '720p' } as const;

let fake: FakeApimart;
let delays: number[];

beforeEach(async () => {
  fake = await FakeApimart.start({ apiKey: KEY });
  delays = [];
});
afterEach(() => fake.stop());

function client(overrides: Partial<ApimartClientDeps> = {}) {
  return createApimartClient({
    baseUrl: fake.baseUrl,
    apiKey: KEY,
    requestTimeoutMs: 300,
    sleep: async (ms) => void delays.push(ms),
    ...overrides,
  });
}

async function submitted(): Promise<string> {
  return (await client().submit(REQ, { idempotencyKey: `job-${Math.random()}` })).taskId;
}

const errorBody = (status: number, type: string, message = 'boom') => ({ error: { code: status, message, type } });
const taskBody = (data: Record<string, unknown>) => ({ code: 200, data: { id: 'task_X', progress: 10, ...data } });

describe('getTask', () => {
  it('follows a task from processing to completed with url, expiry and cost', async () => {
    const taskId = await submitted();
    const first = await client().getTask(taskId);
    expect(first).toMatchObject({ taskId, state: 'processing', rawStatus: 'processing', progress: 50, estimatedTimeSec: 120 });
    expect(first.videoUrl).toBeUndefined();

    const done = await client().getTask(taskId);
    expect(done).toMatchObject({ state: 'completed', progress: 100, videoUrl: `${fake.baseUrl}/files/${taskId}.mp4`, costMicros: 140_000 });
    expect((done.videoExpiresAtMs ?? 0) - Date.now()).toBeGreaterThan(71 * 3600_000);
    expect(fake.polls(taskId).map((p) => p.query.get('language'))).toEqual(['en', 'en']);
    expect(fake.polls(taskId).every((p) => p.headers.authorization === `Bearer ${KEY}`)).toBe(true);
  });

  it.each([
    ['array', true],
    ['string', true],
    ['missing', false],
  ] as const)('reads a %s video url', async (urlShape, hasUrl) => {
    fake.setTaskPlan('next', { pollsUntilComplete: 1, urlShape });
    const taskId = await submitted();
    const status = await client().getTask(taskId);
    expect(status.state).toBe('completed');
    expect(status.videoUrl).toBe(hasUrl ? `${fake.baseUrl}/files/${taskId}.mp4` : undefined);
  });

  it.each([
    [0.123_456_789, 123_457],
    [2.4, 2_400_000],
    [null, undefined],
  ])('converts cost %s USD to %s micros', async (cost, micros) => {
    fake.setTaskPlan('next', { pollsUntilComplete: 1, cost });
    const status = await client().getTask(await submitted());
    expect(status.costMicros).toBe(micros);
  });

  it('reports a failed task with the provider error, localised on request', async () => {
    fake.setTaskPlan('next', { pollsUntilComplete: 1, outcome: 'failed' });
    const taskId = await submitted();
    const status = await client().getTask(taskId, { language: 'ja' });
    expect(status.state).toBe('failed');
    expect(status.error).toMatchObject({ type: 'moderation_blocked', code: 400 });
    expect(status.error?.message).toMatch(/モデレーション/);
    expect(fake.polls(taskId)[0]?.query.get('language')).toBe('ja');
  });

  it.each([
    ['pending', 'pending'],
    ['queued', 'pending'],
    ['submitted', 'submitted'],
    ['processing', 'processing'],
    ['in_progress', 'processing'],
    ['completed', 'completed'],
    ['succeeded', 'completed'],
    ['failed', 'failed'],
    ['cancelled', 'cancelled'],
    ['rendering', 'unknown'],
  ])('maps status %s to %s', async (raw, state) => {
    fake.scriptPoll({ status: 200, body: taskBody({ status: raw }) });
    expect(await client().getTask('task_X')).toMatchObject({ state, rawStatus: raw });
  });

  it('honours Retry-After seconds on a 429 read', async () => {
    fake.scriptPoll({ status: 429, body: errorBody(429, 'rate_limit_error'), headers: { 'retry-after': '3' } });
    const taskId = await submitted();
    expect((await client().getTask(taskId)).state).toBe('processing');
    expect(delays).toEqual([3000]);
  });

  it('honours a Retry-After HTTP date', async () => {
    const nowMs = Date.UTC(2026, 0, 1, 12, 0, 0);
    const retryAt = new Date(nowMs + 7000).toUTCString();
    fake.scriptPoll({ status: 429, body: errorBody(429, 'rate_limit_error'), headers: { 'retry-after': retryAt } });
    await client({ now: () => nowMs }).getTask(await submitted());
    expect(delays).toEqual([7000]);
  });

  it('gives up at once when Retry-After exceeds the cap, keeping the wait for the caller', async () => {
    fake.scriptPoll({ status: 429, body: errorBody(429, 'rate_limit_error'), headers: { 'retry-after': '120' } });
    const err = await client().getTask('task_X').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ApimartHttpError', status: 429, retryAfterMs: 120_000 });
    expect(delays).toEqual([]);
  });

  it('retries 5xx reads with exponential backoff, then throws', async () => {
    const bad: FakeAnswer = { status: 502, body: errorBody(502, 'bad_gateway') };
    fake.scriptPoll(bad, bad, bad);
    const err = await client().getTask('task_X').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApimartHttpError);
    expect(err).toMatchObject({ status: 502, type: 'bad_gateway' });
    expect(fake.polls()).toHaveLength(3);
    expect(delays).toEqual([500, 1000]);
  });

  it('retries a non-JSON 503 from a gateway', async () => {
    fake.scriptPoll({ raw: '<html>503</html>', status: 503 });
    const taskId = await submitted();
    expect((await client().getTask(taskId)).state).toBe('processing');
    expect(fake.polls()).toHaveLength(2);
  });

  it.each([400, 404])('does not retry HTTP %i', async (status) => {
    fake.scriptPoll({ status, body: errorBody(status, 'invalid_request_error', 'Invalid task ID') });
    await expect(client().getTask('task_nope')).rejects.toMatchObject({ status, providerMessage: 'Invalid task ID' });
    expect(fake.polls()).toHaveLength(1);
  });

  it('answers an unknown task id with the fake 400', async () => {
    await expect(client().getTask('task_nope')).rejects.toMatchObject({ status: 400, type: 'invalid_request_error' });
  });

  it('times out a hanging read and retries it', async () => {
    fake.scriptPoll({ hang: true });
    const taskId = await submitted();
    expect((await client({ requestTimeoutMs: 100 }).getTask(taskId)).state).toBe('processing');
    expect(delays).toEqual([500]);
  });

  it('throws a timeout when retries are exhausted', async () => {
    fake.scriptPoll({ hang: true });
    const err = await client({ requestTimeoutMs: 100, readRetries: 0 }).getTask('task_X').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApimartTimeoutError);
  });

  it.each<[string, FakeAnswer]>([
    ['malformed JSON', { raw: '{"code":200,"data":{' }],
    ['a body without data', { status: 200, body: { code: 200 } }],
    ['a data without status', { status: 200, body: { code: 200, data: { id: 'task_X' } } }],
  ])('throws a shape error on %s, without retrying', async (_label, answer) => {
    fake.scriptPoll(answer);
    await expect(client().getTask('task_X')).rejects.toBeInstanceOf(ApimartResponseShapeError);
    expect(fake.polls()).toHaveLength(1);
  });

  it('redacts the key when the provider echoes it back', async () => {
    fake.scriptPoll({ status: 400, body: errorBody(400, 'invalid_request_error', `bad header Bearer ${KEY} (${KEY})`) });
    const err = await client().getTask('task_X').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApimartHttpError);
    expect(String(err)).not.toContain(KEY);
    expect((err as ApimartHttpError).providerMessage).toBe('bad header Bearer [redacted] ([redacted])');
  });
});
