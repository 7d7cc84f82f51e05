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
import { errorEnvelopeSchema, type ErrorEnvelope } from './schemas.ts';
import { BodyTooLargeError, maxJsonAnswerBytes, readCappedText } from './cappedBody.ts';

export interface ApimartTransportDeps {
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
  requestTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  readRetries?: number;
  maxRetryAfterMs?: number;
  now?: () => number;
}

export interface Answer {
  status: number;
  json: unknown;
}

export interface SendOptions {
  query?: string;
  body?: string | FormData;
  headers?: Record<string, string>;
  /** Longer than any real answer of this endpoint; reading stops there. */
  capBytes?: number;
  timeoutMs?: number;
}

const BACKOFF_BASE_MS = 500;

/** One authenticated request to apimart and its answer as JSON, or one of the errors in errors.ts. */
export function createApimartTransport(deps: ApimartTransportDeps) {
  const baseUrl = deps.baseUrl.replace(/\/+$/, '');
  const fetchImpl = deps.fetch ?? globalThis.fetch;
  const defaultTimeoutMs = deps.requestTimeoutMs ?? 30_000;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const readRetries = deps.readRetries ?? 2;
  const maxRetryAfterMs = deps.maxRetryAfterMs ?? 30_000;
  const now = deps.now ?? Date.now;
  const clean = (text: string) => sanitizeProviderText(text, deps.apiKey);

  async function send(ctx: ApimartErrorContext, opts: SendOptions = {}): Promise<Answer> {
    const capBytes = opts.capBytes ?? maxJsonAnswerBytes;
    const timeoutMs = opts.timeoutMs ?? defaultTimeoutMs;
    let response: Response | undefined;
    let text: string;
    try {
      response = await fetchImpl(`${baseUrl}${ctx.path}${opts.query ?? ''}`, {
        method: ctx.method,
        headers: { Authorization: `Bearer ${deps.apiKey}`, Accept: 'application/json', ...opts.headers },
        body: opts.body,
        // A redirect could carry the Authorization header to another host.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await readCappedText(response, capBytes);
    } catch (err) {
      if (err instanceof BodyTooLargeError && response) throw new ApimartResponseTooLargeError(ctx, response.status, capBytes);
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
    return { status: response.status, json };
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

  /** A GET that may be repeated: transient failures are retried with backoff, honouring Retry-After. */
  async function read(ctx: ApimartErrorContext, opts?: SendOptions): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send(ctx, opts);
      } catch (err) {
        if (attempt >= readRetries || !isRetryableRead(err)) throw err;
        const retryAfterMs = err instanceof ApimartHttpError ? err.retryAfterMs : undefined;
        // Retrying sooner than the provider asked would break its Retry-After; let the caller reschedule.
        if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) throw err;
        await sleep(retryAfterMs ?? Math.min(BACKOFF_BASE_MS * 2 ** attempt, maxRetryAfterMs));
      }
    }
  }

  return { send, read, parseWith, clean };
}

export type ApimartTransport = ReturnType<typeof createApimartTransport>;

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
