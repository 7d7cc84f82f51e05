import { ApimartResponseShapeError, type ApimartErrorContext } from './errors.ts';
import {
  balanceResponseSchema,
  submitResponseSchema,
  taskStatusResponseSchema,
  toTaskStatus,
  type TaskStatus,
} from './schemas.ts';
import { imageUploadSchema } from './imageUpload.ts';
import { maxModelListBytes, modelListSchema, type ProviderModel } from './modelList.ts';
import { createApimartTransport, type ApimartTransportDeps } from './transport.ts';
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
  /** GET /v1/models: what this key may call. */
  listModels(): Promise<ProviderModel[]>;
  /**
   * POST /v1/uploads/images: a public link to the image, valid 72 h. Never retried here: the endpoint has
   * no idempotency key, so a resend makes a second file (harmless, but the caller decides).
   */
  uploadImage(image: { bytes: Uint8Array; filename: string; contentType: string }): Promise<{ url: string }>;
}

export type { ProviderModel } from './modelList.ts';

export interface ApimartClientDeps extends ApimartTransportDeps {
  /** An upload carries up to 10 MB: it may take longer than a JSON request. */
  uploadTimeoutMs?: number;
}

// [SKILL]: 1-191 visible ASCII characters.
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,191}$/;

export function createApimartClient(deps: ApimartClientDeps): ApimartClient {
  const { send, read, parseWith, clean } = createApimartTransport(deps);

  return {
    async submit(req, opts) {
      if (!IDEMPOTENCY_KEY.test(opts.idempotencyKey)) {
        throw new RangeError('idempotencyKey must be 1-191 visible ASCII characters');
      }
      const ctx: ApimartErrorContext = { operation: 'submit', method: 'POST', path: '/v1/videos/generations' };
      // The stored request is the model's own: sent as it is, with the callback URL when there is one.
      const body = JSON.stringify({ ...req, webhook: opts.webhook });
      const headers = { 'Content-Type': 'application/json', 'Idempotency-Key': opts.idempotencyKey };
      const answer = await send(ctx, { body, headers });
      const { data } = parseWith(ctx, answer, submitResponseSchema);
      const item = Array.isArray(data) ? data[0] : data;
      const taskId = item?.task_id ?? item?.id;
      if (!taskId) throw new ApimartResponseShapeError(ctx, answer.status, 'no task id');
      return { taskId };
    },

    async getTask(taskId, opts) {
      const path = `/v1/tasks/${encodeURIComponent(taskId)}`;
      const ctx: ApimartErrorContext = { operation: 'getTask', method: 'GET', path };
      const answer = await read(ctx, { query: `?language=${opts?.language ?? 'en'}`, keptAlive: true });
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

    async listModels() {
      const ctx: ApimartErrorContext = { operation: 'listModels', method: 'GET', path: '/v1/models' };
      const answer = await read(ctx, { query: '?expand=category', capBytes: maxModelListBytes });
      return parseWith(ctx, answer, modelListSchema);
    },

    async uploadImage(image) {
      const ctx: ApimartErrorContext = { operation: 'uploadImage', method: 'POST', path: '/v1/uploads/images' };
      const form = new FormData();
      form.append('file', new Blob([image.bytes], { type: image.contentType }), image.filename);
      const answer = await send(ctx, { body: form, timeoutMs: deps.uploadTimeoutMs ?? 60_000 });
      return { url: parseWith(ctx, answer, imageUploadSchema).url };
    },
  };
}
