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
    progress: Math.min(100, Math.max(0, wholeNumber(progress, -Infinity, Infinity) ?? 0)),
    estimatedTimeSec: wholeNumber(data.estimated_time, 0, maxEstimateSec),
    videoUrl: url,
    // Seconds per the docs; values this large can only be milliseconds.
    videoExpiresAtMs: expiresAt === undefined ? undefined : wholeNumber(expiresAt > 1e12 ? expiresAt : expiresAt * 1000, 0, maxEpochMs),
    costMicros: cost === undefined ? undefined : wholeNumber(cost * 1e6, 0, maxCostMicros),
    error: error
      ? {
          code: error.code ?? undefined,
          message: clean(error.message ?? error.type ?? 'task failed'),
          type: error.type ?? undefined,
        }
      : undefined,
  };
}

/** A week: no estimate beyond it means anything, and the column is an integer. */
const maxEstimateSec = 7 * 24 * 3600;
/** Year 9999: far past any link's life, well inside a safe integer. */
const maxEpochMs = 253_402_300_799_000;
/** $1,000,000: no single video costs more; an absurd cost is treated as unreported. */
const maxCostMicros = 1e12;

/**
 * Every provider number is stored in a STRICT INTEGER column, which rejects `1900000000.1234`. Rounding
 * here (and clamping into a sane range) keeps a fractional or absurd value from failing the write that
 * settles and delivers the job; a value outside the range is treated as absent.
 */
function wholeNumber(value: number | null | undefined, min: number, max: number): number | undefined {
  if (value === null || value === undefined || !Number.isFinite(value)) return undefined;
  const rounded = Math.round(value);
  return rounded < min || rounded > max ? undefined : rounded;
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
