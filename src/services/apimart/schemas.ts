import { z } from 'zod';

// Loose objects throughout: the provider adds fields over time and those must not break parsing.
// `.nullish()` because relays often send null for absent values.

const code = z.union([z.string(), z.number()]);
/** Money and counts sometimes arrive as numeric strings. */
const numeric = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);

export const providerErrorSchema = z.looseObject({
  code: code.nullish(),
  message: z.string().nullish(),
  type: z.string().nullish(),
  param: z.string().nullish(),
});

/**
 * `{error:{code,message,type}}` (documented) or `{success:false,message}` (balance, [SKILL]),
 * normalised to the provider error fields.
 */
export const errorEnvelopeSchema = z.union([
  z.looseObject({ error: providerErrorSchema }).transform(({ error }) => ({
    code: error.code ?? undefined,
    message: error.message ?? undefined,
    type: error.type ?? undefined,
  })),
  z.looseObject({ success: z.literal(false), message: z.string().nullish(), code: code.nullish() }).transform((body) => ({
    code: body.code ?? undefined,
    message: body.message ?? undefined,
    type: undefined,
  })),
]);

const submitItemSchema = z
  .looseObject({
    task_id: z.string().min(1).nullish(),
    id: z.string().min(1).nullish(),
    status: z.string().nullish(),
  })
  .refine((item) => Boolean(item.task_id ?? item.id), { message: 'task_id or id is required' });

/** Current docs: `data: [{status, task_id}]`; pre-2025-10-30 and versioned contract: `data: {id, status, ...}`. */
export const submitResponseSchema = z.looseObject({
  code: code.nullish(),
  request_id: z.string().nullish(),
  data: z.union([z.array(submitItemSchema).min(1), submitItemSchema]),
});

const videoSchema = z.looseObject({
  url: z.union([z.string(), z.array(z.string())]).nullish(),
  expires_at: numeric.nullish(),
});

export const taskDataSchema = z.looseObject({
  id: z.string().nullish(),
  task_id: z.string().nullish(),
  // Unknown status strings are allowed and treated as non-terminal by the client.
  status: z.string(),
  progress: numeric.nullish(),
  result: z
    .looseObject({
      videos: z.array(videoSchema).nullish(),
      thumbnail_url: z.string().nullish(),
    })
    .nullish(),
  estimated_time: numeric.nullish(),
  created: numeric.nullish(),
  completed: numeric.nullish(),
  actual_time: numeric.nullish(),
  error: providerErrorSchema.nullish(),
  cost: numeric.nullish(),
  credits_cost: numeric.nullish(),
});

export const taskStatusResponseSchema = z.looseObject({
  code: code.nullish(),
  data: taskDataSchema,
});

export const balanceResponseSchema = z.looseObject({
  success: z.literal(true),
  remain_balance: numeric.nullish(),
  used_balance: numeric.nullish(),
  unlimited_quota: z.boolean().nullish(),
  remain_credits: numeric.nullish(),
  used_credits: numeric.nullish(),
});

export type ProviderError = z.infer<typeof providerErrorSchema>;
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;
export type SubmitResponse = z.infer<typeof submitResponseSchema>;
export type TaskData = z.infer<typeof taskDataSchema>;
export type TaskStatusResponse = z.infer<typeof taskStatusResponseSchema>;
export type BalanceResponse = z.infer<typeof balanceResponseSchema>;

export type TaskState = 'pending' | 'processing' | 'submitted' | 'completed' | 'failed' | 'cancelled' | 'unknown';

export interface TaskStatus {
  taskId: string;
  state: TaskState;
  rawStatus: string;
  /** 0-100 */
  progress: number;
  estimatedTimeSec?: number;
  /** `url[0]` when the provider sends an array, else the string. */
  videoUrl?: string;
  videoExpiresAtMs?: number;
  /** `data.cost` (USD) as integer micro-USD. */
  costMicros?: number;
  error?: { code?: string | number; message: string; type?: string };
}

const STATE_BY_STATUS: Record<string, TaskState> = {
  // apimart's documented values plus the OpenAI names its relay may pass through.
  pending: 'pending',
  queued: 'pending',
  submitted: 'submitted',
  processing: 'processing',
  in_progress: 'processing',
  completed: 'completed',
  succeeded: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
};

/** Maps a task's `data` to the client's view; `clean` strips secrets from provider text. */
export function toTaskStatus(requestedId: string, data: TaskData, clean: (text: string) => string): TaskStatus {
  const state = STATE_BY_STATUS[data.status.toLowerCase()] ?? 'unknown';
  const video = data.result?.videos?.[0];
  const url = Array.isArray(video?.url) ? video.url.find((u) => u.length > 0) : video?.url || undefined;
  const expiresAt = video?.expires_at ?? undefined;
  const progress = data.progress ?? (state === 'completed' ? 100 : 0);
  const error = data.error;
  const cost = data.cost ?? undefined;
  return {
    taskId: data.id ?? data.task_id ?? requestedId,
    state,
    rawStatus: data.status,
    progress: Math.min(100, Math.max(0, Math.round(progress))),
    estimatedTimeSec: data.estimated_time ?? undefined,
    videoUrl: url,
    // Seconds per the docs; values this large can only be milliseconds.
    videoExpiresAtMs: expiresAt === undefined ? undefined : expiresAt > 1e12 ? expiresAt : expiresAt * 1000,
    costMicros: cost !== undefined && Number.isFinite(cost) && cost >= 0 ? Math.round(cost * 1e6) : undefined,
    error: error
      ? {
          code: error.code ?? undefined,
          message: clean(error.message ?? error.type ?? 'task failed'),
          type: error.type ?? undefined,
        }
      : undefined,
  };
}
