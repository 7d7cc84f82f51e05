import type { z } from 'zod';
import { ApimartHttpError, ApimartResponseShapeError, type ApimartErrorContext } from './errors.ts';
import { isRetryableRead } from './errorVerdicts.ts';
import { sanitizeProviderText } from './failureDetails.ts';
import { maxJsonAnswerBytes, readCappedText } from './cappedBody.ts';
import { createKeepAliveGet } from './keepAliveGet.ts';
import { readAnswer, transportFailure, type Answer, type RawAnswer } from './providerAnswer.ts';

export type { Answer } from './providerAnswer.ts';

export interface ApimartTransportDeps {
  baseUrl: string;
  apiKey: string;
  /** For every request but the status poll, which goes over kept-alive connections of its own. */
  fetch?: typeof fetch;
  requestTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  readRetries?: number;
  maxRetryAfterMs?: number;
  now?: () => number;
}

export interface SendOptions {
  query?: string;
  body?: string | FormData;
  headers?: Record<string, string>;
  /** Longer than any real answer of this endpoint; reading stops there. */
  capBytes?: number;
  timeoutMs?: number;
  /** A GET through node's http client over kept-alive connections (keepAliveGet.ts says why): the status poll. */
  keptAlive?: boolean;
}

const BACKOFF_BASE_MS = 500;
/** As many connections as the poller keeps polls in flight (jobPoller's maxPollsInFlight). */
const keptAliveSockets = 64;

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
  const keepAliveGet = createKeepAliveGet({ maxSockets: keptAliveSockets });
  const authorization = { Authorization: `Bearer ${deps.apiKey}`, Accept: 'application/json' };

  async function send(ctx: ApimartErrorContext, opts: SendOptions = {}): Promise<Answer> {
    const capBytes = opts.capBytes ?? maxJsonAnswerBytes;
    const timeoutMs = opts.timeoutMs ?? defaultTimeoutMs;
    const url = `${baseUrl}${ctx.path}${opts.query ?? ''}`;
    const headers = { ...authorization, ...opts.headers };
    let response: Response | undefined;
    let raw: RawAnswer;
    try {
      if (opts.keptAlive) {
        raw = await keepAliveGet(new URL(url), headers, timeoutMs, capBytes);
      } else {
        response = await fetchImpl(url, {
          method: ctx.method,
          headers,
          body: opts.body,
          // A redirect could carry the Authorization header to another host.
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        raw = { status: response.status, text: await readCappedText(response, capBytes), retryAfter: response.headers.get('retry-after') };
      }
    } catch (err) {
      throw transportFailure(ctx, err, response?.status, timeoutMs, capBytes);
    }
    return readAnswer(ctx, raw, clean, now());
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
