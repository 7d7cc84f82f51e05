export type ApimartOperation = 'submit' | 'getTask' | 'getBalance' | 'listModels' | 'uploadImage';

export interface ApimartErrorContext {
  operation: ApimartOperation;
  method: string;
  /** Path without query string; never contains credentials. */
  path: string;
}

export class ApimartError extends Error {
  override name = 'ApimartError';
  readonly operation: ApimartOperation;
  readonly method: string;
  readonly path: string;

  constructor(message: string, context: ApimartErrorContext, options?: { cause?: unknown }) {
    super(message, options);
    this.operation = context.operation;
    this.method = context.method;
    this.path = context.path;
  }
}

export interface ApimartHttpErrorDetails {
  status: number;
  type?: string;
  code?: string | number;
  providerMessage?: string;
  retryAfterMs?: number;
}

/** The provider answered with an error: a non-2xx status, or a 200 whose body is an error envelope. */
export class ApimartHttpError extends ApimartError {
  override name = 'ApimartHttpError';
  readonly requestSent = true;
  readonly status: number;
  readonly type?: string;
  readonly code?: string | number;
  readonly providerMessage?: string;
  readonly retryAfterMs?: number;

  constructor(context: ApimartErrorContext, details: ApimartHttpErrorDetails) {
    const kind = details.type ? ` ${details.type}` : '';
    const text = details.providerMessage ? `: ${details.providerMessage}` : '';
    super(`apimart ${context.method} ${context.path} failed with HTTP ${details.status}${kind}${text}`, context);
    this.status = details.status;
    this.type = details.type;
    this.code = details.code;
    this.providerMessage = details.providerMessage;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * The connection failed. `requestSent` is false only when the request provably never left
 * (connection refused, DNS failure, unreachable); a resent submit cannot then create a second task.
 */
export class ApimartNetworkError extends ApimartError {
  override name = 'ApimartNetworkError';
  readonly requestSent: boolean;
  readonly causeCode?: string;

  constructor(context: ApimartErrorContext, requestSent: boolean, causeCode: string | undefined, cause: unknown) {
    const sent = requestSent ? 'the request may have reached the provider' : 'the request was not sent';
    super(`apimart ${context.method} ${context.path} network error (${causeCode ?? 'unknown'}); ${sent}`, context, {
      cause,
    });
    this.requestSent = requestSent;
    this.causeCode = causeCode;
  }
}

/** No complete answer in time. The request may have been processed, so it counts as sent. */
export class ApimartTimeoutError extends ApimartError {
  override name = 'ApimartTimeoutError';
  readonly requestSent = true;
  readonly timeoutMs: number;

  constructor(context: ApimartErrorContext, timeoutMs: number) {
    super(`apimart ${context.method} ${context.path} timed out after ${timeoutMs} ms`, context);
    this.timeoutMs = timeoutMs;
  }
}

/** The body was not JSON or did not match any documented shape. */
export class ApimartResponseShapeError extends ApimartError {
  override name = 'ApimartResponseShapeError';
  readonly requestSent = true;
  readonly status: number;
  /** True for a 2xx submit answer we could not read: the task may exist at the provider. */
  readonly taskMayExist: boolean;

  constructor(context: ApimartErrorContext, status: number, detail: string, answerReceived = false) {
    const taskMayExist = context.operation === 'submit' && (answerReceived || (status >= 200 && status < 300));
    const note = taskMayExist ? '; the provider may have created the task, treat the submit outcome as unknown' : '';
    const what = `apimart ${context.method} ${context.path} returned an unreadable HTTP ${status} body`;
    super(`${what} (${detail})${note}`, context);
    this.status = status;
    this.taskMayExist = taskMayExist;
  }
}

/**
 * The answer was longer than any real one (the cap is checked while streaming, so it never sits in
 * memory). The request did arrive, whatever the status: a submit's outcome is unknown.
 */
export class ApimartResponseTooLargeError extends ApimartResponseShapeError {
  override name = 'ApimartResponseTooLargeError';
  constructor(context: ApimartErrorContext, status: number, capBytes: number) {
    super(context, status, `body larger than ${capBytes} bytes, reading stopped`, true);
  }
}

// Error codes that mean the TCP connection was never established, so nothing reached the provider.
const NEVER_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Codes found in a fetch failure's cause chain (including AggregateError members). */
export function collectErrorCodes(err: unknown, depth = 0): string[] {
  if (depth > 5 || typeof err !== 'object' || err === null) return [];
  const codes: string[] = [];
  const { code, cause, errors } = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') codes.push(code);
  codes.push(...collectErrorCodes(cause, depth + 1));
  if (Array.isArray(errors)) for (const inner of errors) codes.push(...collectErrorCodes(inner, depth + 1));
  return codes;
}

export function wasNeverSent(codes: readonly string[]): boolean {
  return codes.length > 0 && codes.every((code) => NEVER_SENT_CODES.has(code));
}

/** Removes the key and any bearer token from provider text, and bounds its length. */
export function sanitizeProviderText(text: string, apiKey: string): string {
  let clean = apiKey.length > 0 ? text.split(apiKey).join('[redacted]') : text;
  clean = clean.replace(/Bearer\s+[^\s"',]+/gi, 'Bearer [redacted]');
  return clean.length > 500 ? `${clean.slice(0, 500)}…` : clean;
}

const RETRYABLE_TYPES = new Set(['rate_limit_error', 'server_error', 'bad_gateway']);
const SERVER_TYPES = new Set(['server_error', 'bad_gateway']);
const UNAVAILABLE_TYPES = new Set(['authentication_error', 'payment_required', 'permission_error']);

/**
 * The status the error stands for. apimart's error bodies carry the status as `error.code`, and relays
 * may send such a body with HTTP 200 (§1.3), where the body's code is the only status there is.
 */
export function effectiveStatus(err: ApimartHttpError): number {
  if (err.status < 200 || err.status >= 300) return err.status;
  const code = typeof err.code === 'string' && /^\d{3}$/.test(err.code) ? Number(err.code) : err.code;
  return typeof code === 'number' && code >= 400 && code < 600 ? code : err.status;
}

/** A read (status or balance GET) that failed transiently and may be repeated. */
export function isRetryableRead(err: unknown): boolean {
  if (err instanceof ApimartNetworkError || err instanceof ApimartTimeoutError) return true;
  if (!(err instanceof ApimartHttpError)) return false;
  const status = effectiveStatus(err);
  if (status === 408 || status === 429 || status >= 500) return true;
  return err.type !== undefined && RETRYABLE_TYPES.has(err.type);
}

/** The submit certainly created no task (rate-limited, or never sent): it is safe to send again. */
export function submitWasRefused(err: unknown): boolean {
  if (err instanceof ApimartNetworkError) return !err.requestSent;
  if (!(err instanceof ApimartHttpError)) return false;
  return effectiveStatus(err) === 429 || err.type === 'rate_limit_error';
}

/** The provider may have accepted the submit but we did not get its answer: never resend blindly. */
export function submitOutcomeUnknown(err: unknown): boolean {
  if (err instanceof ApimartNetworkError) return err.requestSent;
  if (err instanceof ApimartTimeoutError) return true;
  if (err instanceof ApimartResponseShapeError) return err.taskMayExist;
  if (err instanceof ApimartHttpError) {
    const status = effectiveStatus(err);
    const serverSide = status >= 500 || status === 408 || (err.type !== undefined && SERVER_TYPES.has(err.type));
    return !submitWasRefused(err) && serverSide;
  }
  return !(err instanceof ApimartError);
}

/** Key revoked, balance exhausted or access forbidden: the operator must act before submits resume. */
export function isProviderUnavailable(err: unknown): boolean {
  if (!(err instanceof ApimartHttpError)) return false;
  const status = effectiveStatus(err);
  if (status === 401 || status === 402 || status === 403) return true;
  return err.type !== undefined && UNAVAILABLE_TYPES.has(err.type);
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
