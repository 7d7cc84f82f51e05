import type { z } from 'zod';
import {
  ApimartHttpError,
  ApimartNetworkError,
  ApimartResponseShapeError,
  ApimartResponseTooLargeError,
  ApimartTimeoutError,
  collectErrorCodes,
  isRetryableRead,
  parseRetryAfterMs,
  sanitizeProviderText,
  wasNeverSent,
  type ApimartErrorContext,
} from './errors.ts';
import {
  balanceResponseSchema,
  errorEnvelopeSchema,
  submitResponseSchema,
  taskStatusResponseSchema,
  type ErrorEnvelope,
  toTaskStatus,
  type TaskStatus,
} from './schemas.ts';
import { BodyTooLargeError, maxJsonAnswerBytes, readCappedText } from './cappedBody.ts';

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

interface Answer {
  status: number;
  json: unknown;
}

export function createApimartClient(deps: ApimartClientDeps): ApimartClient {
  const baseUrl = deps.baseUrl.replace(/\/+$/, '');
  const fetchImpl = deps.fetch ?? globalThis.fetch;
  const timeoutMs = deps.requestTimeoutMs ?? 30_000;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const readRetries = deps.readRetries ?? 2;
  const maxRetryAfterMs = deps.maxRetryAfterMs ?? 30_000;
  const now = deps.now ?? Date.now;
  const clean = (text: string) => sanitizeProviderText(text, deps.apiKey);

  async function send(ctx: ApimartErrorContext, query = '', extra?: { body: string; headers: Record<string, string> }) {
    let response: Response | undefined;
    let text: string;
    try {
      response = await fetchImpl(`${baseUrl}${ctx.path}${query}`, {
        method: ctx.method,
        headers: { Authorization: `Bearer ${deps.apiKey}`, Accept: 'application/json', ...extra?.headers },
        body: extra?.body,
        // A redirect could carry the Authorization header to another host.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await readCappedText(response, maxJsonAnswerBytes);
    } catch (err) {
      if (err instanceof BodyTooLargeError && response) throw new ApimartResponseTooLargeError(ctx, response.status, maxJsonAnswerBytes);
      const name = (err as { name?: unknown } | null)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new ApimartTimeoutError(ctx, timeoutMs);
      const codes = collectErrorCodes(err);
      const requestSent = response !== undefined || !wasNeverSent(codes);
      throw new ApimartNetworkError(ctx, requestSent, codes[0], err);
    }
    const json = parseJson(text);
    const errorBody = errorEnvelopeSchema.safeParse(json);
    const isError = !response.ok || (errorBody.success && !hasKey(json, 'data'));
    if (isError) throw toHttpError(ctx, response, errorBody.success ? errorBody.data : undefined);
    if (json === undefined) throw new ApimartResponseShapeError(ctx, response.status, 'body is not JSON');
    return { status: response.status, json } satisfies Answer;
  }

  function toHttpError(ctx: ApimartErrorContext, response: Response, detail: ErrorEnvelope | undefined) {
    return new ApimartHttpError(ctx, {
      status: response.status,
      type: detail?.type,
      code: detail?.code,
      providerMessage: detail?.message === undefined ? undefined : clean(detail.message),
      retryAfterMs: parseRetryAfterMs(response.headers.get('retry-after'), now()),
    });
  }

  function parseWith<S extends z.ZodType>(ctx: ApimartErrorContext, answer: Answer, schema: S): z.output<S> {
    const parsed = schema.safeParse(answer.json);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ApimartResponseShapeError(ctx, answer.status, clean(issues.join('; ')));
  }

  async function read(ctx: ApimartErrorContext, query?: string): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send(ctx, query);
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
      const answer = await read(ctx, `?language=${opts?.language ?? 'en'}`);
      return toTaskStatus(taskId, parseWith(ctx, answer, taskStatusResponseSchema).data, clean);
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

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function hasKey(value: unknown, key: string): boolean {
  return typeof value === 'object' && value !== null && key in value;
}
