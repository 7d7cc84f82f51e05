import { z } from 'zod';

// Loose objects throughout: the provider adds fields over time and those must not break parsing.
// `.nullish()` because relays often send null for absent values.

const code = z.union([z.string(), z.number()]);
/** Money and counts sometimes arrive as numeric strings. */
const numeric = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);
/**
 * A field the bot can do without: an unreadable value becomes absent instead of failing the whole
 * answer, so a completed task with, say, `progress: "100%"` is still delivered rather than polled
 * until it times out.
 */
const optional = <S extends z.ZodType>(schema: S) => schema.nullish().catch(undefined);

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

/** `url` is documented as an array of strings and was once a string; `toTaskStatus` picks the first usable one. */
const videoSchema = z.looseObject({
  url: z.unknown(),
  expires_at: optional(numeric),
});

export const taskDataSchema = z.looseObject({
  id: optional(z.string()),
  task_id: optional(z.string()),
  // Unknown status strings are allowed and treated as non-terminal by the client.
  status: z.string(),
  progress: optional(numeric),
  result: optional(z.looseObject({
    videos: optional(z.union([z.array(z.unknown()), z.looseObject({})])),
    thumbnail_url: optional(z.string()),
  })),
  estimated_time: optional(numeric),
  created: optional(numeric),
  completed: optional(numeric),
  actual_time: optional(numeric),
  error: optional(providerErrorSchema),
  cost: optional(numeric),
  credits_cost: optional(numeric),
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
  const video = firstVideo(data.result?.videos);
  const url = firstHttpUrl(video?.url);
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

function firstVideo(videos: unknown): z.output<typeof videoSchema> | undefined {
  const candidates = Array.isArray(videos) ? videos : videos ? [videos] : [];
  for (const candidate of candidates) {
    const parsed = videoSchema.safeParse(candidate);
    if (parsed.success && firstHttpUrl(parsed.data.url)) return parsed.data;
  }
  return undefined;
}

/** The bot downloads this URL and re-uploads it, so only http(s) links count as a video. */
function firstHttpUrl(url: unknown): string | undefined {
  const candidates = Array.isArray(url) ? url : [url];
  return candidates.find((u): u is string => typeof u === 'string' && /^https?:\/\//i.test(u));
}
