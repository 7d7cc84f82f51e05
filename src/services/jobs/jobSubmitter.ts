import type { Job } from '../../db/job.ts';
import { messagesFor } from '../../i18n/messages.ts';
import { ApimartHttpError, effectiveStatus, isProviderUnavailable, submitOutcomeUnknown, submitWasRefused } from '../apimart/errors.ts';
import { isModelGoneAnswer } from '../apimart/modelHealth.ts';
import type { JobContext } from './jobContext.ts';
import { checkReferenceImage } from './referenceImage.ts';

const imageCheckTimeoutMs = 5_000;
const refusedBackoffMs = (attempt: number) => Math.min(60_000, 2_000 * 2 ** Math.max(0, attempt - 1));

function rejectionCode(err: ApimartHttpError): 'moderation' | 'provider_rejected' {
  const text = `${err.type ?? ''} ${String(err.code ?? '')}`.toLowerCase();
  return /moderat|policy|safety|sentinel|content/.test(text) ? 'moderation' : 'provider_rejected';
}

/** What one submission tells the queue it came from (submissionQueue.ts). */
export interface SubmissionHooks {
  /** The provider refused for the account (429): the job waits until `retryAt`, every job until `accountHeldUntil`. */
  refused(retryAt: number, accountHeldUntil: number): void;
}

/**
 * One claimed job's way to the provider: one POST, and what its answer means for the job. A POST
 * whose answer was lost is never sent again (the job is marked so, for an admin to resolve).
 */
export function createJobSubmitter(ctx: JobContext, queue: SubmissionHooks) {
  const { store, clock } = ctx;

  /** False when the job was failed here because its reference image is not one. */
  async function imageUsable(job: Job): Promise<boolean> {
    const url = job.settings.imageUrl;
    if (!url) return true;
    const check = await checkReferenceImage(url, ctx.fetch, imageCheckTimeoutMs);
    if (check === 'ok' || check === 'unknown') return true;
    const failed = await store.endBeforeSubmission(job.id, 'failed', 'image_unreadable', clock.now());
    ctx.jobLogger(job).warn('job_image_rejected', { check });
    if (failed) finishWithNotice(failed, (m) => m.failedNotice(failed.userId, failed.id, m.failureReasons.image_unreadable));
    return false;
  }

  async function submit(job: Job): Promise<void> {
    const log = ctx.jobLogger(job);
    void ctx.status.refresh(job.id);
    if (!(await imageUsable(job))) return;
    if (ctx.models.isOff(job.request.model)) return failModelRetired(job);
    await store.markSubmitSending(job.id, clock.now());
    try {
      const { taskId, withWebhook } = await post(job, job.idempotencyKey);
      ctx.models.recordAccepted(job.request.model);
      const submitted = await store.recordSubmitted(job.id, taskId, clock.now());
      if (withWebhook) ctx.push?.expectCallbacks(job.id);
      log.info('job_submitted', { taskId });
      if (submitted) ctx.startPolling(submitted);
      return;
    } catch (err) {
      await handleSubmitError(job, err);
    }
  }

  /**
   * One POST, carrying the webhook when push is on. A 400 to that means nothing was accepted, and the
   * field may be the cause: the same request is sent once more without it, and if that is accepted,
   * the field is never sent again.
   */
  async function post(job: Job, idempotencyKey: string): Promise<{ taskId: string; withWebhook: boolean }> {
    const webhook = ctx.push?.webhookField();
    try {
      return { ...await ctx.apimart.submit(job.request, { idempotencyKey, webhook }), withWebhook: webhook !== undefined };
    } catch (err) {
      if (webhook === undefined || !(err instanceof ApimartHttpError) || effectiveStatus(err) !== 400) throw err;
      const answer = await ctx.apimart.submit(job.request, { idempotencyKey });
      // Only now is the field known to be the cause: a 400 for anything else (say, a retired model) leaves push on.
      ctx.push?.refused(err);
      return { ...answer, withWebhook: false };
    }
  }

  async function handleSubmitError(job: Job, err: unknown): Promise<void> {
    const log = ctx.jobLogger(job);
    const now = clock.now();
    if (submitWasRefused(err)) {
      const retryAfterMs = err instanceof ApimartHttpError ? err.retryAfterMs : undefined;
      const retryAt = now + Math.max(retryAfterMs ?? 0, refusedBackoffMs(job.submitAttempts));
      await store.requeue(job.id, retryAt, now);
      log.warn('job_submit_refused', { err, retryAt });
      void ctx.status.refresh(job.id);
      queue.refused(retryAt, now + Math.max(retryAfterMs ?? 0, refusedBackoffMs(1)));
      return;
    }
    // An explicit refusal (a 4xx, or an error body sent with HTTP 200) created no task: release it.
    if (err instanceof ApimartHttpError && !submitOutcomeUnknown(err)) {
      const unavailable = isProviderUnavailable(err);
      const reason = `HTTP ${effectiveStatus(err)} ${err.type ?? ''}`.trim();
      if (unavailable && ctx.health.markUnavailable(reason)) {
        log.error('provider_unavailable', { err, reason, action: 'new submissions stopped until the provider answers again' });
        ctx.providerUnavailable();
      }
      const modelGone = !unavailable && isModelGoneAnswer(err);
      if (modelGone) noteModelGone(job);
      const code = unavailable ? 'provider_unavailable' : modelGone ? 'model_retired' : rejectionCode(err);
      const failed = await store.endBeforeSubmission(job.id, 'failed', code, now);
      log.warn('job_submit_rejected', { err, code });
      if (failed) finishWithNotice(failed, (m) => m.failedNotice(failed.userId, failed.id, m.failureReasons[code]));
      return;
    }
    // The request may have reached the provider: resending could bill twice, so an admin decides.
    const unknown = await store.markSubmitUnknown(job.id, err instanceof Error ? err.name : 'unknown', now);
    log.error('job_submit_outcome_unknown', { err, reservedMicros: job.estimateMicros });
    if (unknown) finishWithNotice(unknown, (m) => m.submitUnknownNotice(unknown.userId, unknown.id));
  }

  function noteModelGone(job: Job): void {
    const model = job.request.model;
    const { turnedOff, streak } = ctx.models.recordGone(model);
    if (turnedOff) ctx.logger.error('model_turned_off', { model, consecutiveAnswers: streak, action: '/video refuses it until restart or /video-admin resume' });
  }

  /** A queued job for a model turned off meanwhile: sending it would only be refused again. */
  async function failModelRetired(job: Job): Promise<void> {
    const failed = await store.endBeforeSubmission(job.id, 'failed', 'model_retired', clock.now());
    ctx.jobLogger(job).warn('job_model_turned_off', { model: job.request.model });
    if (failed) finishWithNotice(failed, (m) => m.failedNotice(failed.userId, failed.id, m.failureReasons.model_retired));
  }

  function finishWithNotice(job: Job, text: (m: ReturnType<typeof messagesFor>) => string): void {
    void ctx.status.refresh(job.id);
    void ctx.notifyUser(job, text(messagesFor(job.locale)));
    ctx.slotFreed();
  }

  return { submit };
}

export type JobSubmitter = ReturnType<typeof createJobSubmitter>;
