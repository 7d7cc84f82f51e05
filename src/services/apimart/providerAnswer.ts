import {
  ApimartHttpError,
  ApimartNetworkError,
  ApimartResponseShapeError,
  ApimartResponseTooLargeError,
  ApimartTimeoutError,
  type ApimartErrorContext,
} from './errors.ts';
import { collectErrorCodes, parseRetryAfterMs, wasNeverSent } from './failureDetails.ts';
import { BodyTooLargeError, maxJsonAnswerBytes } from './cappedBody.ts';
import { errorEnvelopeSchema } from './schemas.ts';

export interface Answer {
  status: number;
  json: unknown;
}

/** What came back, however it was fetched. */
export interface RawAnswer { status: number; text: string; retryAfter: string | null }

/**
 * The provider's answer as JSON, or the error it stands for: a non-2xx status, or a 200 whose body is
 * an error envelope without `data` (relays do that). A 2xx with `data` is the common case and skips
 * the envelope check.
 */
export function readAnswer(ctx: ApimartErrorContext, raw: RawAnswer, clean: (text: string) => string, nowMs: number): Answer {
  const json = parseJson(raw.text);
  const ok = raw.status >= 200 && raw.status < 300;
  if (ok && hasKey(json, 'data')) return { status: raw.status, json };
  const errorBody = errorEnvelopeSchema.safeParse(json);
  if (!ok || errorBody.success) {
    const detail = errorBody.success ? errorBody.data : undefined;
    throw new ApimartHttpError(ctx, {
      status: raw.status,
      type: detail?.type,
      code: detail?.code,
      providerMessage: detail?.message === undefined ? undefined : clean(detail.message),
      retryAfterMs: parseRetryAfterMs(raw.retryAfter, nowMs),
    });
  }
  if (json === undefined) throw new ApimartResponseShapeError(ctx, raw.status, 'body is not JSON');
  return { status: raw.status, json };
}

/** A request that got no complete answer: too large, too late, or the connection failed. */
export function transportFailure(
  ctx: ApimartErrorContext, err: unknown, answeredStatus: number | undefined, timeoutMs: number, capBytes = maxJsonAnswerBytes,
): Error {
  const status = answeredStatus ?? (err instanceof BodyTooLargeError ? err.status : undefined);
  if (err instanceof BodyTooLargeError && status !== undefined) return new ApimartResponseTooLargeError(ctx, status, capBytes);
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return new ApimartTimeoutError(ctx, timeoutMs);
  const codes = collectErrorCodes(err);
  const requestSent = status !== undefined || !wasNeverSent(codes);
  return new ApimartNetworkError(ctx, requestSent, codes[0], err);
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
