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
