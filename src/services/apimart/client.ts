import type { z } from 'zod';
import {
  ApimartHttpError,
  ApimartResponseShapeError,
  isRetryableRead,
  sanitizeProviderText,
  type ApimartErrorContext,
} from './errors.ts';
import {
  balanceResponseSchema,
  submitResponseSchema,
  taskStatusResponseSchema,
  toTaskStatus,
  type TaskStatus,
} from './schemas.ts';
import { maxJsonAnswerBytes, readCappedText } from './cappedBody.ts';
import { createKeepAliveGet } from './keepAliveGet.ts';
import { readAnswer, transportFailure, type Answer, type RawAnswer } from './providerAnswer.ts';
import { readTaskAnswer } from './taskAnswer.ts';

export type { TaskState, TaskStatus } from './schemas.ts';

import type { VideoGenerationRequest } from '../../videoGenerationRequest.ts';
export type { VideoGenerationRequest } from '../../videoGenerationRequest.ts';

export interface Balance {
  remainingUsd: number | null;
  usedUsd: number | null;
  unlimited: boolean;
}

export type TaskLanguage = 'en' | 'ja' | 'zh' | 'ko';

export interface ApimartClient {
  /** POST /v1/videos/generations. Never retried here: a resend could create and bill a second task. */
  submit(req: VideoGenerationRequest, opts: { idempotencyKey: string; webhook?: string }): Promise<{ taskId: string }>;
  /** GET /v1/tasks/{id}; transient failures are retried up to `readRetries` times. */
  getTask(taskId: string, opts?: { language?: TaskLanguage }): Promise<TaskStatus>;
  /** GET /v1/balance (the key's own balance). */
  getBalance(): Promise<Balance>;
}

export interface ApimartClientDeps {
  baseUrl: string;
  apiKey: string;
  /** For the submit and the balance; status polls go over kept-alive connections of their own. */
  fetch?: typeof fetch;
  requestTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  readRetries?: number;
  maxRetryAfterMs?: number;
  now?: () => number;
}

const BACKOFF_BASE_MS = 500;
// [SKILL]: 1-191 visible ASCII characters.
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,191}$/;

/** As many connections as the poller keeps polls in flight (jobPoller's maxPollsInFlight). */
const pollSockets = 64;

export function createApimartClient(deps: ApimartClientDeps): ApimartClient {
  const baseUrl = deps.baseUrl.replace(/\/+$/, '');
  const fetchImpl = deps.fetch ?? globalThis.fetch;
  const timeoutMs = deps.requestTimeoutMs ?? 30_000;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const readRetries = deps.readRetries ?? 2;
  const maxRetryAfterMs = deps.maxRetryAfterMs ?? 30_000;
  const now = deps.now ?? Date.now;
  const clean = (text: string) => sanitizeProviderText(text, deps.apiKey);

  const keepAliveGet = createKeepAliveGet({ maxSockets: pollSockets });
  const headers = { Authorization: `Bearer ${deps.apiKey}`, Accept: 'application/json' };

  async function send(ctx: ApimartErrorContext, query = '', extra?: { body: string; headers: Record<string, string> }): Promise<Answer> {
    let response: Response | undefined;
    let raw: RawAnswer;
    try {
      response = await fetchImpl(`${baseUrl}${ctx.path}${query}`, {
        method: ctx.method,
        headers: { ...headers, ...extra?.headers },
        body: extra?.body,
        // A redirect could carry the Authorization header to another host.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      raw = { status: response.status, text: await readCappedText(response, maxJsonAnswerBytes), retryAfter: response.headers.get('retry-after') };
    } catch (err) {
      throw transportFailure(ctx, err, response?.status, timeoutMs);
    }
    return readAnswer(ctx, raw, clean, now());
  }

  /** The status poll's GET: node's http client over kept-alive connections (keepAliveGet.ts says why). */
  async function sendKeptAlive(ctx: ApimartErrorContext, query = ''): Promise<Answer> {
    let raw: RawAnswer;
    try {
      raw = await keepAliveGet(new URL(`${baseUrl}${ctx.path}${query}`), headers, timeoutMs, maxJsonAnswerBytes);
    } catch (err) {
      throw transportFailure(ctx, err, undefined, timeoutMs);
    }
    return readAnswer(ctx, raw, clean, now());
  }

  function parseWith<S extends z.ZodType>(ctx: ApimartErrorContext, answer: Answer, schema: S): z.output<S> {
    const parsed = schema.safeParse(answer.json);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ApimartResponseShapeError(ctx, answer.status, clean(issues.join('; ')));
  }

  async function read(ctx: ApimartErrorContext, query?: string, get = send): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await get(ctx, query);
      } catch (err) {
        if (attempt >= readRetries || !isRetryableRead(err)) throw err;
        const retryAfterMs = err instanceof ApimartHttpError ? err.retryAfterMs : undefined;
        // Retrying sooner than the provider asked would break its Retry-After; let the caller reschedule.
        if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) throw err;
        await sleep(retryAfterMs ?? Math.min(BACKOFF_BASE_MS * 2 ** attempt, maxRetryAfterMs));
      }
    }
  }

  return {
    async submit(req, opts) {
      if (!IDEMPOTENCY_KEY.test(opts.idempotencyKey)) {
        throw new RangeError('idempotencyKey must be 1-191 visible ASCII characters');
      }
      const ctx: ApimartErrorContext = { operation: 'submit', method: 'POST', path: '/v1/videos/generations' };
      // The stored request is the model's own: sent as it is, with the callback URL when there is one.
      const body = JSON.stringify({ ...req, webhook: opts.webhook });
      const headers = { 'Content-Type': 'application/json', 'Idempotency-Key': opts.idempotencyKey };
      const answer = await send(ctx, '', { body, headers });
      const { data } = parseWith(ctx, answer, submitResponseSchema);
      const item = Array.isArray(data) ? data[0] : data;
      const taskId = item?.task_id ?? item?.id;
      if (!taskId) throw new ApimartResponseShapeError(ctx, answer.status, 'no task id');
      return { taskId };
    },

    async getTask(taskId, opts) {
      const path = `/v1/tasks/${encodeURIComponent(taskId)}`;
      const ctx: ApimartErrorContext = { operation: 'getTask', method: 'GET', path };
      const answer = await read(ctx, `?language=${opts?.language ?? 'en'}`, sendKeptAlive);
      // The schema only where the reader by hand refused the answer: it says what is wrong with it.
      const data = readTaskAnswer(answer.json) ?? parseWith(ctx, answer, taskStatusResponseSchema).data;
      return toTaskStatus(taskId, data, clean);
    },

    async getBalance() {
      const ctx: ApimartErrorContext = { operation: 'getBalance', method: 'GET', path: '/v1/balance' };
      const body = parseWith(ctx, await read(ctx), balanceResponseSchema);
      const unlimited = body.unlimited_quota === true;
      return {
        remainingUsd: unlimited ? null : (body.remain_balance ?? null),
        usedUsd: body.used_balance ?? null,
        unlimited,
      };
    },
  };
}
