import { ApimartHttpError } from '../apimart/errors.ts';
import { effectiveStatus, isProviderUnavailable, submitOutcomeUnknown, submitWasRefused } from '../apimart/errorVerdicts.ts';
import { isModelGoneAnswer } from '../apimart/modelHealth.ts';

export type RejectionCode = 'provider_unavailable' | 'model_retired' | 'moderation' | 'provider_rejected';

/** What a failed submit means for its job, and for the account and the model. */
export type SubmitFailure =
  /** Certainly nothing was created (429, or never sent): the job goes back to the queue. */
  | { kind: 'refused'; retryAfterMs: number | undefined }
  /** The provider said no and created no task: the job fails and its reservation is released. */
  | { kind: 'rejected'; code: RejectionCode; err: ApimartHttpError; unavailableReason: string | undefined; modelGone: boolean }
  /** The request may have reached the provider: resending could bill twice, so an admin decides. */
  | { kind: 'unknown' };

function rejectionCode(err: ApimartHttpError): 'moderation' | 'provider_rejected' {
  const text = `${err.type ?? ''} ${String(err.code ?? '')}`.toLowerCase();
  return /moderat|policy|safety|sentinel|content/.test(text) ? 'moderation' : 'provider_rejected';
}

export function classifySubmitFailure(err: unknown): SubmitFailure {
  if (submitWasRefused(err)) return { kind: 'refused', retryAfterMs: err instanceof ApimartHttpError ? err.retryAfterMs : undefined };
  // An explicit refusal (a 4xx, or an error body sent with HTTP 200) created no task. So did apimart's
  // 503 model_not_found: its gateway answers it before any channel sees the request.
  const modelGone = isModelGoneAnswer(err);
  if (!(err instanceof ApimartHttpError) || (!modelGone && submitOutcomeUnknown(err))) return { kind: 'unknown' };
  const unavailable = isProviderUnavailable(err);
  return {
    kind: 'rejected', err,
    code: unavailable ? 'provider_unavailable' : modelGone ? 'model_retired' : rejectionCode(err),
    unavailableReason: unavailable ? `HTTP ${effectiveStatus(err)} ${err.type ?? ''}`.trim() : undefined,
    modelGone: modelGone && !unavailable,
  };
}
