import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApimartClient, type ApimartClientDeps, type VideoGenerationRequest } from '../../src/services/apimart/client.ts';
import {
  ApimartHttpError,
  ApimartNetworkError,
  ApimartResponseShapeError,
  ApimartTimeoutError,
} from '../../src/services/apimart/errors.ts';
import { isProviderUnavailable, submitOutcomeUnknown, submitWasRefused } from '../../src/services/apimart/errorVerdicts.ts';
import { FakeApimart, type FakeAnswer } from '../fakes/fakeApimart.ts';

const KEY = 'sk-live-SECRET-0123456789abcdef';
const REQ: VideoGenerationRequest = { model: 'kling-v3', prompt: 'a cat surfing', duration: 8, aspect_ratio: '9:16', mode: 'pro', audio: true };

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

async function caught(promise: Promise<unknown>): Promise<Error> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof Error)) throw new Error('expected the call to reject');
  for (const text of [err.message, String(err), inspect(err, { depth: 5 }), JSON.stringify(err)]) {
    expect(text).not.toContain(KEY);
  }
  return err;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('submit', () => {
  it.each(['array', 'object'] as const)('reads the task id from a %s-shaped response', async (shape) => {
    fake.defaults.responseShape = shape;
    const { taskId } = await client().submit(REQ, { idempotencyKey: 'job-1' });
    expect(fake.tasks.has(taskId)).toBe(true);
    const [post] = fake.submits();
    expect(post?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(post?.headers['idempotency-key']).toBe('job-1');
    expect(post?.body).toEqual(REQ);
  });

  it.each<[string, FakeAnswer]>([
    ['500', { status: 500, body: { error: { code: 500, message: 'Internal server error', type: 'server_error' } } }],
    ['429', { status: 429, body: { error: { code: 429, message: 'slow down', type: 'rate_limit_error' } }, headers: { 'retry-after': '1' } }],
    ['a hang', { hang: true }],
    ['a lost answer', { destroyAfterReceive: true }],
    ['malformed JSON', { raw: '{"code":200,"data":[{' }],
  ])('sends exactly one POST on %s', async (_label, answer) => {
    fake.scriptSubmit(answer);
    await caught(client().submit(REQ, { idempotencyKey: 'job-1' }));
    expect(fake.submits()).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('reports a refused connection as never sent, so it is safe to resend', async () => {
    const err = await caught(client({ baseUrl: `http://127.0.0.1:${await freePort()}` }).submit(REQ, { idempotencyKey: 'k' }));
    expect(err).toBeInstanceOf(ApimartNetworkError);
    expect((err as ApimartNetworkError).requestSent).toBe(false);
    expect((err as ApimartNetworkError).causeCode).toBe('ECONNREFUSED');
    expect(submitWasRefused(err)).toBe(true);
    expect(submitOutcomeUnknown(err)).toBe(false);
  });

  it('reports an answer lost after the request was read as sent, outcome unknown', async () => {
    fake.scriptSubmit({ destroyAfterReceive: true });
    const err = await caught(client().submit(REQ, { idempotencyKey: 'k' }));
    expect(err).toBeInstanceOf(ApimartNetworkError);
    expect((err as ApimartNetworkError).requestSent).toBe(true);
    expect(submitWasRefused(err)).toBe(false);
    expect(submitOutcomeUnknown(err)).toBe(true);
    expect(fake.tasks.size).toBe(1);
  });

  it('times out a hanging submit as sent, outcome unknown', async () => {
    fake.scriptSubmit({ hang: true });
    const err = await caught(client({ requestTimeoutMs: 100 }).submit(REQ, { idempotencyKey: 'k' }));
    expect(err).toBeInstanceOf(ApimartTimeoutError);
    expect((err as ApimartTimeoutError).requestSent).toBe(true);
    expect(submitOutcomeUnknown(err)).toBe(true);
  });

  it('flags an unreadable 200 as a task that may exist', async () => {
    fake.scriptSubmit({ raw: '<html>ok</html>' });
    const err = await caught(client().submit(REQ, { idempotencyKey: 'k' }));
    expect(err).toBeInstanceOf(ApimartResponseShapeError);
    expect((err as ApimartResponseShapeError).taskMayExist).toBe(true);
    expect(err.message).toMatch(/may have created the task/);
    expect(submitOutcomeUnknown(err)).toBe(true);
  });

  it('rejects a 200 without a task id as a shape error', async () => {
    fake.scriptSubmit({ status: 200, body: { code: 200, data: [] } });
    expect(await caught(client().submit(REQ, { idempotencyKey: 'k' }))).toBeInstanceOf(ApimartResponseShapeError);
  });

  it.each([
    [401, 'authentication_error'],
    [402, 'payment_required'],
    [403, 'permission_error'],
  ])('types HTTP %i as %s and provider-unavailable', async (status, type) => {
    fake.scriptSubmit({ status, body: { error: { code: status, message: 'nope', type } } });
    const err = await caught(client().submit(REQ, { idempotencyKey: 'k' }));
    expect(err).toMatchObject({ name: 'ApimartHttpError', status, type, code: status, providerMessage: 'nope' });
    expect(isProviderUnavailable(err)).toBe(true);
    expect(submitWasRefused(err)).toBe(false);
  });

  it('types a wrong key as 401 from the fake itself', async () => {
    const err = await caught(client({ apiKey: 'sk-wrong' }).submit(REQ, { idempotencyKey: 'k' }));
    expect(err).toMatchObject({ status: 401, type: 'authentication_error' });
  });

  it('answers the fake validation 400 as a refusal that is not retryable', async () => {
    const err = await caught(client().submit({ ...REQ, duration: 16 }, { idempotencyKey: 'k' }));
    expect(err).toMatchObject({ status: 400, type: 'invalid_request_error' });
    expect(submitWasRefused(err)).toBe(false);
    expect(submitOutcomeUnknown(err)).toBe(false);
  });

  it('refuses an invalid idempotency key before any request', async () => {
    await expect(client().submit(REQ, { idempotencyKey: 'has space' })).rejects.toThrow(RangeError);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('balance', () => {
  it('maps a successful balance', async () => {
    fake.balance = { success: true, remain_balance: 10.5, used_balance: 2.3, unlimited_quota: false };
    expect(await client().getBalance()).toEqual({ remainingUsd: 10.5, usedUsd: 2.3, unlimited: false });
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('maps an unlimited quota to a null remainder', async () => {
    fake.balance = { success: true, remain_balance: -1, used_balance: 0, unlimited_quota: true };
    expect(await client().getBalance()).toEqual({ remainingUsd: null, usedUsd: 0, unlimited: true });
  });

  it('turns HTTP 200 with success:false into an HTTP error', async () => {
    fake.balance.success = false;
    const err = await caught(client().getBalance());
    expect(err).toBeInstanceOf(ApimartHttpError);
    expect(err).toMatchObject({ status: 200, providerMessage: 'Failed to get token info: record not found' });
  });
});
