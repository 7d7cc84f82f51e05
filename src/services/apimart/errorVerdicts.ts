/** What an apimart error means for the caller: repeat a read, resend a submit, or wait for the operator. */

import { ApimartError, ApimartHttpError, ApimartNetworkError, ApimartResponseShapeError, ApimartTimeoutError } from './errors.ts';

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
